/**
 * Park a fleet named by its tags, not by a list of ids: every server tagged `env=<environment>`
 * (and not `keep=running`) is stopped. A server tagged next week joins at the next
 * `pulumi refresh` + `pulumi up` (or `pulumi up --refresh`), and only it is stopped; a server
 * untagged is returned to the status it had (onDelete "restore").
 *
 *   pulumi config set --secret huaweicloud:accessKey ...   (or HW_ACCESS_KEY)
 *   pulumi config set --secret huaweicloud:secretKey ...   (or HW_SECRET_KEY)
 *   pulumi config set huaweicloud:region cn-north-4
 *   pulumi config set park-by-tag:environment dev           # optional, dev by default
 *
 * The IAM user needs ecs:cloudServers:list (the selector is resolved through the server list),
 * ecs:cloudServers:stop / start and read access to ECS jobs.
 */
import * as pulumi from "@pulumi/pulumi";
import { ServerPowerState } from "pulumi-huaweicloud-ecs-power";

const config = new pulumi.Config();
const environment = config.get("environment") ?? "dev";

const parked = new ServerPowerState(`${environment}-fleet`, {
  selector: { tags: { env: environment }, notTags: { keep: "running" } },
  state: "stopped",
  stopType: "SOFT",
  hardStopAfterSeconds: 120,
  onDelete: "restore",
  timeoutSeconds: 1800,
});

export const members = parked.members;
export const membersResolvedAt = parked.membersResolvedAt;
export const parkedAt = parked.convergedAt;
