import { JsonObject, JsonValue } from "./json";

/**
 * An unknown value (preview) as the engine sends it to a provider (`pulumi.runtime.unknownValue`);
 * the runner turns the program's `pulumi.unknown`s into it.
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The engine's marker for a secret value (`pulumi.runtime.specialSigKey` / `specialSecretSig`). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A secret the way the engine sends it over gRPC (Configure args, properties when secrets are accepted). */
export function wrapSecret(value: JsonValue): JsonObject {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && value[SECRET_SIG_KEY] === SECRET_SIG;
}

/**
 * Replaces every secret wrapper by its plain value. The dynamic-provider host answers Configure with
 * `acceptSecrets: false`, so the engine strips secrets from everything it sends that host.
 */
export function unwrapSecrets(value: JsonValue): JsonValue {
  if (isSecret(value)) return unwrapSecrets(value.value ?? null);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) {
    const plain: JsonObject = {};
    for (const [key, item] of Object.entries(value as JsonObject)) plain[key] = unwrapSecrets(item);
    return plain;
  }
  return value;
}
