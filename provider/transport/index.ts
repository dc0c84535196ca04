/** The transport: what the ECS client and the project-id lookup import. */
export { createPool, positiveNumberSetting, resolveTransportOptions } from "./options";
export type { AuthGate, TransportOptions, TransportSettings } from "./options";
export { sendSigned } from "./send";
export type { SignedCall, ThrottleNotice, TransportTarget } from "./send";
export { parseAnswer } from "./answerErrors";
