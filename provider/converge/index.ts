/** The converger: `converge(options)` and the shapes it reads and returns. */
export { converge } from "./converge";
export type {
  ConvergeOptions,
  ConvergeResult,
  JobRecord,
  JobView,
  ObservationView,
  PowerApi,
  ServerError,
  ServerFailure,
  ServerRecord,
  SubJobView,
  SubmissionView,
} from "./model";
