/**
 * The two error shapes Huawei Cloud answers with: ECS's nested `{"error": {code, message}}`
 * and the API gateway's flat `{error_code, error_msg, request_id}`.
 */

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  /** Sent as is instead of `body` as JSON: a broken or non-JSON answer. */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function ecsError(
  status: number,
  code: string,
  message: string,
  details?: { code: string; message: string }[],
): ApiAnswer {
  return { status, body: { error: details ? { code, message, details } : { code, message } } };
}

export function gatewayError(
  status: number,
  code: string,
  message: string,
  requestId: string,
  headers?: Readonly<Record<string, string>>,
): ApiAnswer {
  return { status, body: { error_code: code, error_msg: message, request_id: requestId }, headers };
}

/** The gateway's throttling answer; `limit` and `time` as Huawei words them ("limit:200,time:5 minute"). */
export function throttled(requestId: string, limit: number, time: string, retryAfterSeconds: number | null): ApiAnswer {
  return gatewayError(
    429,
    "APIGW.0308",
    `The throttling threshold has been reached: policy user over ratelimit,limit:${limit},time:${time}`,
    requestId,
    retryAfterSeconds === null ? undefined : { "Retry-After": String(retryAfterSeconds) },
  );
}
