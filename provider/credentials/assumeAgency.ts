/**
 * Temporary credentials of an IAM agency: `POST /v3.0/OS-CREDENTIAL/securitytokens` with
 * `{ "auth": { "identity": { "methods": ["assume_role"], "assume_role": { "agency_name", "domain_name",
 * "duration_seconds" } } } }` (IAM API "Obtaining a Temporary Access Key and Security Token Through an
 * Agency"; the SDKs' CreateTemporaryAccessKeyByAgency). The answer (201) is
 * `{ "credential": { "access", "secret", "securitytoken", "expires_at" } }`.
 *
 * Authenticated as Terraform's huaweicloud provider does it (huaweicloud/config/auth.go,
 * `buildClientByAgency`: its IAM client signs with the AK/SK the chain found, with their security
 * token when they are temporary): AK/SK-signed, account-level (no X-Project-Id), over our transport.
 */
import { z } from "zod";
import { EcsError } from "../errors";
import { createPool, resolveTransportOptions, sendSigned, type SignedCall } from "../transport";
import { parseExpiresAt } from "./fromInstanceMetadata";
import type { AgencyToAssume, Credentials, FoundCredentials } from "./types";

export const SECURITY_TOKENS_PATH = "/v3.0/OS-CREDENTIAL/securitytokens";
/** IAM's bounds of duration_seconds. */
export const AGENCY_DURATION_MIN_SECONDS = 900;
export const AGENCY_DURATION_MAX_SECONDS = 86400;

/** Built when used, never at module load: Pulumi's closure serializer cannot capture a zod schema. */
function answerSchema() {
  return z.object({
    credential: z.object({
      access: z.string().min(1),
      secret: z.string().min(1),
      securitytoken: z.string().min(1),
      expires_at: z.string(),
    }),
  });
}

export function securityTokensBody(agency: AgencyToAssume): string {
  return JSON.stringify({
    auth: {
      identity: {
        methods: ["assume_role"],
        assume_role: {
          agency_name: agency.agencyName,
          domain_name: agency.domainName,
          duration_seconds: agency.durationSeconds,
        },
      },
    },
  });
}

export async function assumeAgency(
  base: Credentials,
  agency: AgencyToAssume,
  iamEndpoint: string,
  baseSource: string,
): Promise<FoundCredentials> {
  const settings = resolveTransportOptions({ connectTimeoutMs: 10_000 });
  const pool = createPool(iamEndpoint, settings.connectTimeoutMs, 1);
  const call: SignedCall = {
    method: "POST",
    idempotent: true,
    path: SECURITY_TOKENS_PATH,
    body: securityTokensBody(agency),
    route: `POST ${SECURITY_TOKENS_PATH}`,
    operation: `assuming agency ${agency.agencyName} of account ${agency.domainName} with the credentials of ${baseSource}`,
    iamAction: "iam:agencies:assume",
  };
  try {
    const response = await sendSigned({ origin: iamEndpoint, dispatcher: pool, credentials: base }, settings, call);
    const parsed = answerSchema().safeParse(response.body);
    const expiresAtMs = parsed.success ? parseExpiresAt(parsed.data.credential.expires_at) : NaN;
    if (!parsed.success || Number.isNaN(expiresAtMs)) {
      throw new EcsError({
        code: "ECS_BAD_RESPONSE",
        operation: call.operation,
        reason: "unexpected answer: expected credential.access, secret, securitytoken and expires_at",
        statusCode: response.statusCode,
        requestId: response.requestId,
        route: call.route,
      });
    }
    const { access, secret, securitytoken } = parsed.data.credential;
    return {
      credentials: { accessKey: access, secretKey: secret, securityToken: securitytoken },
      source: `agency ${agency.agencyName} of account ${agency.domainName}, assumed with ${baseSource}`,
      expiresAtMs,
    };
  } finally {
    await pool.close();
  }
}
