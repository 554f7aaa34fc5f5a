import { echo } from "../validation/problems";
import { ConfigError, ConfigProblem } from "./errors";

/**
 * cdktf's own inputs, read from the environment by cdktf's App: checked like the cluster file's
 * fields, so a bad value is one line naming the variable rather than cdktf's internal error.
 */

/** `cdktf synth` passes cdktf.json's `context` here; App reads each key of the object into its context. */
const CONTEXT_ENV = "CDKTF_CONTEXT_JSON";
/** `cdktf synth --hcl` sets it to "true". */
const HCL_ENV = "SYNTH_HCL_OUTPUT";

/** cdktf's App reads only "true" as yes, its stacks also "1": with "1" they would disagree on the file they write. */
const HCL_VALUES = ["true", "false", "0", ""];

function contextProblem(value: string | undefined): string | undefined {
  if (!value) return undefined; // cdktf reads an empty variable as no context
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    return `must be a JSON object, as cdktf synth writes it from cdktf.json's "context" (${(e as Error).message.split("\n")[0]})`;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return `must be a JSON object, as cdktf synth writes it from cdktf.json's "context" (got ${echo(parsed)})`;
  }
  return undefined;
}

/** Throws a ConfigError naming each of cdktf's environment variables that cdktf would fail on or misread. */
export function checkCdktfEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const problems: ConfigProblem[] = [];
  const context = contextProblem(env[CONTEXT_ENV]);
  if (context) problems.push({ file: CONTEXT_ENV, path: "", message: context });
  const hcl = env[HCL_ENV];
  if (hcl !== undefined && !HCL_VALUES.includes(hcl)) {
    problems.push({ file: HCL_ENV, path: "", message: `must be true (write cdk.tf, as cdktf synth --hcl sets it) or false (got ${echo(hcl)})` });
  }
  if (problems.length) throw new ConfigError(problems);
}
