/**
 * The project id of a region, from IAM: `GET /v3/projects?name={region}`, AK/SK signed, without
 * X-Project-Id (the call is account-level). Only an exact name match counts, and a project is
 * never created (the official SDK's region mode may create one: a side effect we avoid).
 */
import type { Dispatcher } from "undici";
import { defaultIamEndpoint, validateEndpoint, validateRegion } from "./endpoint";
import { EcsError, hintFor } from "./errors";
import { projectsResponseSchema, validateBody } from "./schemas";
import type * as Public from "./publicTypes";
import { createPool, parseAnswer, resolveTransportOptions, sendSigned } from "./transport";
import type { SignedCall } from "./transport";
import type { CredentialSupply } from "./credentials/types";

/** The public options, with the dispatcher typed as the undici Dispatcher the lookup uses. */
export interface FindProjectIdOptions extends Omit<Public.FindProjectIdOptions, "dispatcher"> {
  /** Use this dispatcher instead of a short-lived pool of our own. */
  readonly dispatcher?: Dispatcher;
  /** Temporary credentials renewed as they age (provider/credentials/). */
  readonly credentialSupply?: CredentialSupply;
}

/** Resolves with the id of the project named exactly `region`; throws `ECS_PROJECT_NOT_FOUND` when there is none. */
export async function findProjectId(options: FindProjectIdOptions): Promise<string> {
  const region = validateRegion(options.region);
  const origin = validateEndpoint(options.iamEndpoint ?? defaultIamEndpoint(region), "iamEndpoint");
  const settings = resolveTransportOptions(options);
  const ownedPool = options.dispatcher ? undefined : createPool(origin, settings.connectTimeoutMs, 1);
  const call: SignedCall = {
    method: "GET",
    path: "/v3/projects",
    query: [["name", region]],
    route: "GET /v3/projects?name={region}",
    operation: `finding the project id of region ${region}`,
    iamAction: "iam:projects:listProjects",
    signal: options.signal,
  };
  try {
    const response = await sendSigned(
      {
        origin,
        dispatcher: options.dispatcher ?? ownedPool!,
        credentials: options.credentials,
        ...(options.credentialSupply ? { supply: options.credentialSupply } : {}),
      },
      settings,
      call,
    );
    const { projects } = parseAnswer(validateBody(projectsResponseSchema(), response.body), response, call);
    // IAM filters by name already; checking again guards against a filter that was ignored.
    const match = projects.find((project) => project.name === region);
    if (match) return match.id;
    throw new EcsError({
      code: "ECS_PROJECT_NOT_FOUND",
      operation: call.operation,
      reason: `no project named ${region} among the ${projects.length} project${projects.length === 1 ? "" : "s"} these credentials can see`,
      requestId: response.requestId,
      route: call.route,
      hint: hintFor("ECS_PROJECT_NOT_FOUND"),
    });
  } finally {
    if (ownedPool) await ownedPool.close();
  }
}
