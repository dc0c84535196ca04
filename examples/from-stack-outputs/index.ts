/**
 * Server ids from other resources' outputs: here the `webServerIds` and `workerIds` outputs of the
 * stack that created the servers (any Output<string[]> works the same way, e.g. the ids of
 * huaweicloud.compute.Instance resources in the same program). During preview the ids may be unknown;
 * the provider accepts that and validates them on the real run.
 */
import * as pulumi from "@pulumi/pulumi";
import { ServerPowerState } from "pulumi-huaweicloud-ecs-power";

const config = new pulumi.Config();
const infra = new pulumi.StackReference(config.require("infraStack"));

const webServerIds = infra.requireOutput("webServerIds") as pulumi.Output<string[]>;
const workerIds = infra.requireOutput("workerIds") as pulumi.Output<string[]>;

// Workers stopped outside business hours; web servers kept running.
const maintenanceWindow = config.getBoolean("maintenanceWindow") ?? false;

const workers = new ServerPowerState("workers", {
  serverIds: workerIds,
  state: maintenanceWindow ? "stopped" : "running",
  stopType: "HARD",
  timeoutSeconds: 1200,
});

const web = new ServerPowerState("web", {
  serverIds: pulumi.all([webServerIds]).apply(([ids]) => ids.filter((id) => id.length > 0)),
  state: "running",
});

export const workersConvergedAt = workers.convergedAt;
export const webStatuses = web.servers.apply((servers) =>
  Object.fromEntries(Object.entries(servers).map(([id, s]) => [id, s.status])),
);
