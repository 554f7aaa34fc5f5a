import * as path from "node:path";
import type { ClusterConfig } from "../config/load";
import { readOutputRecord } from "../output/record";
import { PLAN_STATE_RULE } from "./rules";
import { backendSinceInit, commandLine, needsInit, terraform } from "./terraform";

/** A synthesized stack about to be planned. */
export interface StackToPlan {
  readonly name: string;
  /** Its folder, `<outdir>/stacks/<name>`. */
  readonly dir: string;
  readonly cluster: ClusterConfig;
}

/** Whether a stack may be planned: a refusal stops it, a warning (an acknowledged refusal) is reported. */
export interface Preflight {
  readonly refusal?: string;
  readonly warning?: string;
}

/** What the new state location holds, as far as it can be known without a plan. */
export type NewState =
  /** `.terraform` still records the previous backend: init has not run since (a plain init fails). */
  | "not initialized"
  /**
   * No state at the new location, or one that holds neither a resource nor an output (the S3
   * backend's `state pull` prints an empty state, serial 0, for a key that holds none).
   */
  | "empty"
  | "present";

export interface StateMove {
  readonly stack: string;
  readonly from: string;
  readonly to: string;
  readonly newState: NewState;
  /** The command that moves the state, as the user types it. */
  readonly migrate: string;
  /** The cluster file's reason, when it acknowledges PLAN-STATE-1. */
  readonly acknowledged?: string;
}

/**
 * A stack whose state location changed since an earlier synth (the output record's `movedFrom`)
 * and whose new location holds no state would plan a second copy of everything it owns (issue 16):
 * refused until the state is moved, or the move acknowledged.
 */
export function judgeStateMove(move: StateMove): Preflight {
  if (move.newState === "present") return {};
  const where =
    move.newState === "not initialized" ? `this folder is still initialized for the old location` : `the state there holds nothing yet`;
  const what = `the state moved from ${move.from} to ${move.to} and ${where}: a plan there would build a second copy of everything the stack owns`;
  const line = `[${PLAN_STATE_RULE.id}] ${move.stack}: ${what}`;
  if (move.acknowledged) return { warning: `warning: ${line} (acknowledged: ${move.acknowledged})` };
  return { refusal: `${line} (fix: ${move.migrate} copies the state from the old location; acknowledge ${PLAN_STATE_RULE.id} only for a stack that was never applied there)` };
}

/** Whether a synthesized stack declares any resource: one that declares none cannot build a second copy of anything. */
export const declaresResources = (stackJson: any): boolean => Object.values<object>(stackJson?.resource ?? {}).some((byName) => Object.keys(byName).length > 0);

/** What `terraform state pull` printed (nothing when there is no state): present once it holds a resource or an output. */
export function stateFromPull(stdout: string): NewState {
  if (!stdout.trim()) return "empty";
  const state = JSON.parse(stdout);
  const resources: { mode?: string }[] = state.resources ?? [];
  return resources.some((r) => r.mode === "managed") || Object.keys(state.outputs ?? {}).length > 0 ? "present" : "empty";
}

type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * Checks that Terraform does not make itself, before a stack is planned. Costs nothing for a stack
 * whose state never moved; for one that did, `terraform init` (when the folder needs it) and
 * `terraform state pull`, which reads the state object only.
 */
export async function planRefusal(stack: StackToPlan, stackJson: unknown, run: Limit = (fn) => fn()): Promise<Preflight> {
  const record = readOutputRecord(path.dirname(path.dirname(stack.dir)))?.stacks[stack.name];
  if (!record?.movedFrom || !record.state) return {};
  const move = {
    stack: stack.name,
    from: record.movedFrom,
    to: record.state,
    // Into HCP Terraform, a plain init migrates (it asks first); the cloud block refuses -migrate-state.
    migrate: commandLine(stack.dir, stack.cluster.backend.type === "cloud" ? ["init"] : ["init", "-migrate-state"]),
    acknowledged: stack.cluster.guardrails.acknowledge.find((a) => a.rule === PLAN_STATE_RULE.id)?.reason,
  };
  // Terraform itself will not run in such a folder until init -migrate-state (or -reconfigure).
  if (backendSinceInit(stack.dir, stackJson) === "changed") return judgeStateMove({ ...move, newState: "not initialized" });
  if (!declaresResources(stackJson)) return {};
  // A failing init or state pull is left to the plan that follows, which reports it.
  if (needsInit(stack.dir, stackJson)) {
    const init = await run(() => terraform(stack.dir, ["init", "-input=false", "-no-color"]));
    if (init.code !== 0) return {};
  }
  const pull = await run(() => terraform(stack.dir, ["state", "pull"]));
  if (pull.code !== 0) return {};
  return judgeStateMove({ ...move, newState: stateFromPull(pull.stdout) });
}
