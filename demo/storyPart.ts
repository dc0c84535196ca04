import type { StepResult } from "../tests/harness";
import type { Palette } from "./createPalette";

/** What a later part of the demo (the tag story, the schedule story) is told: one shape for each. */
export interface StoryPart {
  readonly say: (line?: string) => void;
  readonly palette: Palette;
  readonly emulatorUrl: string;
  readonly projectId: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** The part's own stack state file. */
  readonly stateFile: string;
  /** Prints a `$ command` heading and the step's operations. */
  readonly step: (command: string, run: () => Promise<StepResult>) => Promise<StepResult>;
}
