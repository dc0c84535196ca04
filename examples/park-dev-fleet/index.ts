/**
 * Park a dev fleet: stop it (SOFT, then HARD for guests that ignore ACPI after two minutes).
 * `pulumi destroy` in the morning starts exactly the servers that were running before.
 *
 *   pulumi config set --secret huaweicloud:accessKey ...   (or HW_ACCESS_KEY)
 *   pulumi config set --secret huaweicloud:secretKey ...   (or HW_SECRET_KEY)
 *   pulumi config set huaweicloud:region cn-north-4
 *   pulumi config set park-dev-fleet:serverIds '["616fb98f-46ca-475e-917e-2563e5a8cd19"]'
 */
import * as pulumi from "@pulumi/pulumi";
import { ServerPowerState } from "pulumi-huaweicloud-ecs-power";

const config = new pulumi.Config();

const parked = new ServerPowerState("dev-fleet", {
  serverIds: config.requireObject<string[]>("serverIds"),
  state: "stopped",
  stopType: "SOFT",
  hardStopAfterSeconds: 120,
  onDelete: "restore",
  timeoutSeconds: 1800,
});

export const parkedAt = parked.convergedAt;
export const stillRunning = parked.servers.apply((servers) =>
  Object.entries(servers)
    .filter(([, s]) => s.status !== "SHUTOFF")
    .map(([id]) => id),
);
