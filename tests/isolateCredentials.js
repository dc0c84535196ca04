/**
 * No test ever contacts the real ECS metadata service (169.254.169.254) nor reads a developer's own
 * credentials: the metadata source is off unless a test points it at the emulator
 * (HUAWEICLOUD_ECS_POWER_METADATA_URL, loopback only), and the shared-config and agency variables of
 * the machine are dropped. Child processes (Pulumi's hosts) inherit this environment.
 */
"use strict";
process.env.HUAWEICLOUD_ECS_POWER_METADATA_URL = "off";
for (const name of [
  "HW_SHARED_CONFIG_FILE",
  "HW_PROFILE",
  "HW_ASSUME_ROLE_AGENCY_NAME",
  "HW_ASSUME_ROLE_DOMAIN_NAME",
  "HW_ASSUME_ROLE_DURATION",
]) {
  delete process.env[name];
}
