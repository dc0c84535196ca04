/** JSON values as they cross the gRPC boundary (google.protobuf.Struct) and the state file. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Drops `undefined` (Struct cannot carry it; the engine drops it too) and anything not JSON,
 * so values from the program or a provider can be sent and stored as-is.
 */
export function toJsonObject(value: unknown, replacer?: (key: string, value: unknown) => unknown): JsonObject {
  if (value === undefined || value === null) return {};
  const json: unknown = JSON.parse(JSON.stringify(value, replacer));
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new TypeError(`expected an object, received ${Array.isArray(json) ? "array" : typeof json}`);
  }
  return json as JsonObject;
}

/** Deep equality of two JSON values, key order ignored: how the engine compares property maps. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return aKeys.length === bKeys.length && aKeys.every((key) => key in b && jsonEqual(a[key], b[key]));
}
