/**
 * IAM's `POST /v3.0/OS-CREDENTIAL/securitytokens` with `methods: ["assume_role"]`: temporary credentials
 * of an agency (IAM API "Obtaining a Temporary Access Key and Security Token Through an Agency"; the
 * SDKs' CreateTemporaryAccessKeyByAgency): 201 `{ "credential": { "access", "secret", "securitytoken",
 * "expires_at" } }`, living `duration_seconds` (900 to 86400, default 900), or the emulator's
 * `temporaryCredentialSeconds` when set (a knob to make them expire within a test). The request is
 * AK/SK-signed like every IAM call (checked before this handler, a temporary key with its token
 * included). An agency the emulator was not given (`agencies`) is refused: 403 `IAM.0003`-style body
 * (UNCONFIRMED wording: IAM's exact answer for an agency that is missing or not trusted is not documented).
 */
import { z } from "zod";
import { ecsError, type ApiAnswer } from "./errorBodies";
import type { EmulatorState } from "./EmulatorState";
import { formatExpiresAt } from "./TemporaryCredentials";

const bodySchema = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).refine((m) => m.includes("assume_role"), { message: "must include assume_role" }),
      assume_role: z.object({
        agency_name: z.string().min(1),
        domain_name: z.string().min(1).optional(),
        domain_id: z.string().min(1).optional(),
        duration_seconds: z.number().int().min(900).max(86400).optional(),
      }),
    }),
  }),
});

export function handleSecurityTokens(state: EmulatorState, body: Buffer): ApiAnswer {
  let parsed: ReturnType<typeof bodySchema.safeParse>;
  try {
    parsed = bodySchema.safeParse(JSON.parse(body.toString("utf8")));
  } catch {
    return ecsError(400, "IAM.0001", "The request body is not valid JSON.");
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return ecsError(400, "IAM.0001", `Invalid request body: ${issue.path.join(".")}: ${issue.message}`);
  }
  const role = parsed.data.auth.identity.assume_role;
  const known = state.options.agencies.some(
    (a) => a.agencyName === role.agency_name && a.domainName === (role.domain_name ?? role.domain_id),
  );
  if (!known) {
    return ecsError(
      403,
      "IAM.0003",
      `You are not allowed to assume agency ${role.agency_name} of account ${role.domain_name ?? role.domain_id ?? "(none)"}.`,
    );
  }
  const lifetime = state.options.temporaryCredentialSeconds ?? role.duration_seconds ?? 900;
  const issued = state.temporaryCredentials.issue(
    `agency:${role.domain_name ?? role.domain_id}/${role.agency_name}`,
    state.nowMs(),
    lifetime,
  );
  return {
    status: 201,
    body: {
      credential: {
        access: issued.accessKey,
        secret: issued.secretKey,
        securitytoken: issued.securityToken,
        expires_at: formatExpiresAt(issued.expiresAtMs),
      },
    },
  };
}
