export { interruptedLines } from "./report";
export { watchForInterrupt } from "./onSignal";
