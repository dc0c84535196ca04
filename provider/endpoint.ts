/**
 * The endpoint rule: requests carry an AK/SK signature and, with temporary credentials, a security
 * token, so they only ever go over TLS. Plain http is allowed for loopback hosts only (the local
 * emulator and tests), where nothing crosses a network.
 */
import { EcsError } from "./errors";

/**
 * Validates an endpoint URL and returns its origin (`https://ecs.cn-north-4.myhuaweicloud.com`,
 * no trailing slash). Throws `EcsError` `ECS_INVALID_ENDPOINT` naming the value and the rule.
 */
export function validateEndpoint(endpoint: string, setting: string = "endpoint"): string {
  const rule = endpointProblem(endpoint);
  if (rule !== undefined) {
    throw new EcsError({
      code: "ECS_INVALID_ENDPOINT",
      operation: `checking ${setting} [${maskUrlCredentials(endpoint)}]`,
      reason: rule,
      hint: ENDPOINT_HINT,
    });
  }
  return new URL(endpoint).origin;
}

/**
 * `value` with the `user:password@` of a URL replaced by `***@`: a message may quote an endpoint,
 * never a password in it.
 */
export function maskUrlCredentials(value: string): string {
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^@/?#]*@/, "$1***@");
}

/** What to write instead of a rejected endpoint. */
export const ENDPOINT_HINT = "use an origin such as https://ecs.cn-north-4.myhuaweicloud.com";

/** The endpoint rule as a pure check: undefined when `endpoint` is acceptable, else the rule it breaks. No I/O. */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "it is not an absolute URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `the scheme must be https: (got ${url.protocol})`;
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return "it must use https: (http: is allowed only for loopback hosts: 127.0.0.0/8, localhost, [::1])";
  }
  if (url.username !== "" || url.password !== "") return "it must not contain credentials (user:password@)";
  if (url.pathname !== "/" && url.pathname !== "") {
    return `it must not have a path (got ${url.pathname}): the client adds /v1/{project_id}/...`;
  }
  if (url.search !== "" || url.hash !== "" || endpoint.includes("?") || endpoint.includes("#")) {
    return "it must not have a query or a fragment";
  }
  return undefined;
}

/**
 * `127.0.0.0/8`, `localhost` and `[::1]`. `hostname` is as WHATWG URL normalises it, so shorthand
 * IPv4 forms (`127.1`, `0x7f.1`) arrive here dotted-decimal.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === "localhost" || hostname === "[::1]") return true;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
  return octets !== null && octets[1] === "127" && octets.slice(2).every((o) => Number(o) <= 255);
}

/** True for an endpoint URL whose host is loopback (the local emulator); false otherwise, a bad URL included. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  try {
    return isLoopbackHost(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/**
 * The domain a region's endpoints live under. The `eu-west-1xx` regions (`eu-west-101`, Dublin) are
 * served from `myhuaweicloud.eu`, as the Terraform provider's `getCloudDomain` decides
 * (`strings.HasPrefix(region, "eu-west-1")` gives `defaultEuropeCloud`); every other region,
 * `eu-west-0` (Paris) included, from `myhuaweicloud.com`. (The Node SDK's region table still says
 * `.com` for `eu-west-101`.)
 */
export function cloudDomainOf(region: string): string {
  return validateRegion(region).startsWith("eu-west-1") ? "myhuaweicloud.eu" : "myhuaweicloud.com";
}

/** `https://ecs.{region}.myhuaweicloud.com` (`.eu` for the `eu-west-1xx` regions). */
export function defaultEcsEndpoint(region: string): string {
  return `https://ecs.${region}.${cloudDomainOf(region)}`;
}

/** `https://iam.{region}.myhuaweicloud.com` (`.eu` for the `eu-west-1xx` regions). */
export function defaultIamEndpoint(region: string): string {
  return `https://iam.${region}.${cloudDomainOf(region)}`;
}

/**
 * The one region rule. A region becomes part of a host name: only `cn-north-4`-like names (lower-case
 * words and digits joined by '-'), so it cannot redirect a request. The inputs, the settings and the
 * client all check it with this pattern.
 */
export const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/** What a check failure says of a region that breaks REGION_PATTERN. */
export const REGION_RULE_TEXT = "expected a Huawei Cloud region name such as cn-north-4";

/** `region` when it matches REGION_PATTERN; else throws EcsError `ECS_INVALID_ARGUMENT`. */
export function validateRegion(region: string): string {
  if (!REGION_PATTERN.test(region)) {
    throw new EcsError({
      code: "ECS_INVALID_ARGUMENT",
      operation: `checking region [${region}]`,
      reason: "a region is lower-case words and digits joined by '-', e.g. cn-north-4",
    });
  }
  return region;
}
