import * as fs from "node:fs";
import * as path from "node:path";
import type { StackJson } from "../cdktf/stack-json";
import type { ClusterConfig } from "../config/load";
import { readOutputRecord } from "../output/record";
import {
  adviceSentence,
  backendKind,
  defaultLocalSettings,
  isDefaultLocalState,
  localStateHoldsAnything,
  MOVED_FROM_FOLDER,
  setupManaging,
  shownLocation,
  stateHoldsAnything,
  stateMoveAdvice,
} from "../state/moves";
import { setupCommand } from "../hcp/names";
import { cloudBlockOf, hcpWorkspaceExists } from "./hcp";
import { PLAN_STATE_RULE } from "./rules";
import { backendSinceInit, needsInit, terraform } from "./terraform";

/** A synthesized stack about to be planned. */
export interface StackToPlan {
  readonly name: string;
  /** Its folder, `<outdir>/stacks/<name>`. */
  readonly dir: string;
  readonly cluster: ClusterConfig;
}

/**
 * Whether a stack may be planned: a refusal stops it, a warning (an acknowledged refusal) is
 * reported, a failure stops it on what must be set up first (no rule to acknowledge).
 */
export interface Preflight {
  readonly refusal?: string;
  readonly warning?: string;
  readonly failure?: string;
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

/**
 * What the old location holds, read through the stack's moved-from folder with the shell's
 * credentials: "unchecked" for an output written before that folder existed.
 */
export type OldState = "present" | "empty" | "unchecked" | { readonly unreadable: string };

export interface StateMove {
  readonly stack: string;
  readonly from: string;
  readonly to: string;
  readonly newState: NewState;
  /** @default "unchecked" */
  readonly oldState?: OldState;
  /** What moves the state, as the user types it: "run `…` (what it does)". */
  readonly migrate: string;
  /** The cluster file's reason, when it acknowledges PLAN-STATE-1. */
  readonly acknowledged?: string;
}

/**
 * A stack whose state location changed since an earlier synth (the output record's `movedFrom`)
 * and whose new location holds no state would plan a second copy of everything it owns (issue 16):
 * refused until the state is moved, or the move acknowledged. Not when the old location is known
 * to hold nothing either: nothing was applied there (issue 25).
 */
export function judgeStateMove(move: StateMove): Preflight {
  const old = move.oldState ?? "unchecked";
  if (move.newState === "present" || (move.newState === "empty" && old === "empty")) return {};
  const where = move.newState === "not initialized" ? `this folder is still initialized for the old location` : `the state there holds nothing yet`;
  const there =
    old === "present"
      ? `, while the old one holds resources`
      : typeof old === "object"
        ? `, and the old one could not be read to tell whether it holds resources (${old.unreadable})`
        : "";
  const what = `the state moved from ${move.from} to ${move.to} and ${where}${there}: a plan there would build a second copy of everything the stack owns`;
  const line = `[${PLAN_STATE_RULE.id}] ${move.stack}: ${what}`;
  if (move.acknowledged) return { warning: `warning: ${line} (acknowledged: ${move.acknowledged})` };
  return { refusal: `${line} (fix: ${move.migrate}; acknowledge ${PLAN_STATE_RULE.id} only for a stack that was never applied there)` };
}

/** Whether a synthesized stack declares any resource: one that declares none cannot build a second copy of anything. */
export const declaresResources = (stackJson: unknown): boolean =>
  Object.values((stackJson as StackJson | undefined)?.resource ?? {}).some((byName) => Object.keys(byName).length > 0);

/** What `terraform state pull` printed (nothing when there is no state): present once it holds a resource or an output. */
export function stateFromPull(stdout: string): "empty" | "present" {
  if (!stdout.trim()) return "empty";
  return stateHoldsAnything(JSON.parse(stdout) as Parameters<typeof stateHoldsAnything>[0]) ? "present" : "empty";
}

type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

/** The last line Terraform printed about a failure, for a one-line message. */
const lastLine = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter((l) => l.trim())
    .pop()
    ?.trim() ?? "no output";

/**
 * For a cloud block: whether its HCP workspace is absent, asked of HCP's API, since `terraform
 * init` would create it (src/plan/hcp.ts); false for a workspace that exists and any other backend.
 */
async function absentWorkspace(json: unknown): Promise<boolean | { unreadable: string }> {
  const cloud = cloudBlockOf(json);
  if (!cloud) return false;
  try {
    return !(await hcpWorkspaceExists(cloud));
  } catch (e) {
    return { unreadable: (e as Error).message };
  }
}

/** `organization/workspace` of a cloud block. */
function workspaceName(json: unknown): string {
  const cloud = cloudBlockOf(json)!;
  return `${cloud.organization}/${cloud.workspaces.name}`;
}

/**
 * Why a stack whose HCP workspace does not exist is not planned: `terraform init` would create it
 * with a name and nothing else (the organization's default execution mode, no state sharing, no
 * credentials), and the set-up stack, applied after, would fail on its name.
 */
function missingWorkspace(stackJson: unknown, outdir: string, clusterName: string): string {
  const cloud = cloudBlockOf(stackJson)!;
  return (
    `HCP workspace ${workspaceName(stackJson)} does not exist on ${cloud.hostname ?? "app.terraform.io"} (or this token may not read it), and terraform init would create it bare ` +
    `(the organization's default execution mode, no state sharing): apply the set-up stack first, \`${setupCommand(path.relative(process.cwd(), outdir) || ".", clusterName)}\``
  );
}

/**
 * What the stack's previous location holds, read in its moved-from folder (init, then state pull).
 * An output recorded before that folder existed has none: a local old state is then read where
 * the product always put it.
 */
async function oldState(stackDir: string, stack: string, movedFrom: string, run: Limit): Promise<OldState> {
  const dir = path.join(stackDir, MOVED_FROM_FOLDER);
  if (!fs.existsSync(path.join(dir, "main.tf.json"))) {
    if (!isDefaultLocalState(movedFrom, stack)) return "unchecked";
    return localStateHoldsAnything(stackDir, defaultLocalSettings(stack)) ? "present" : "empty";
  }
  const absent = await absentWorkspace(JSON.parse(fs.readFileSync(path.join(dir, "main.tf.json"), "utf8")));
  // HCP answers 404 alike for a workspace that does not exist and one this token may not see. Taken
  // as empty, so that a prefix changed before any apply raises no alarm (issue 25); a state hidden
  // from this token is still met by the stacks' adopt-or-stop preconditions, which stop a plan
  // that would build a second VPC, load balancer or instance.
  if (absent === true) return "empty";
  if (absent !== false) return absent;
  const init = await run(() => terraform(dir, ["init", "-input=false", "-no-color"]));
  if (init.code !== 0) return { unreadable: lastLine(init.stderr || init.stdout) };
  const pull = await run(() => terraform(dir, ["state", "pull"]));
  if (pull.code !== 0) return { unreadable: lastLine(pull.stderr || pull.stdout) };
  return stateFromPull(pull.stdout);
}

/**
 * Checks that Terraform does not make itself, before a stack is planned. Costs nothing for a stack
 * whose state never moved; for one that did, `terraform init` (when the folder needs it) and
 * `terraform state pull`, which reads the state object only; when the new place is empty, the
 * same in the moved-from folder, which reads the old place.
 */
export async function planRefusal(stack: StackToPlan, stackJson: unknown, run: Limit = (fn) => fn()): Promise<Preflight> {
  const outdir = path.dirname(path.dirname(stack.dir));
  const record = readOutputRecord(outdir)?.stacks[stack.name];
  // An HCP workspace that does not exist: terraform init would create it bare (one request per stack, at the limiter's pace: HCP limits a token's rate).
  const absent = await run(() => absentWorkspace(stackJson));
  // Not knowing is not planning: init would create the workspace if it turned out missing.
  if (typeof absent === "object")
    return { failure: `cannot tell whether HCP workspace ${workspaceName(stackJson)} exists (${absent.unreadable}); not planned, since terraform init would create it bare` };
  const missing = () => ({ failure: missingWorkspace(stackJson, outdir, stack.cluster.clusterName) });
  if (!record?.movedFrom || !record.state) return absent ? missing() : {};
  const shownDir = path.relative(process.cwd(), stack.dir) || ".";
  const from = backendKind(record.movedFrom);
  const setup =
    from === "cloud" && setupManaging(outdir, stack.cluster.clusterName, record.movedFrom)
      ? setupCommand(path.relative(process.cwd(), outdir) || ".", stack.cluster.clusterName)
      : undefined;
  const advice = stateMoveAdvice(from, backendKind(record.state), shownDir, setup);
  const move = {
    stack: stack.name,
    from: shownLocation(record.movedFrom, stack.name),
    to: shownLocation(record.state, stack.name),
    migrate: adviceSentence(advice),
    acknowledged: stack.cluster.guardrails.acknowledge.find((a) => a.rule === PLAN_STATE_RULE.id)?.reason,
  };
  // Terraform itself will not run in such a folder until the state is moved (or -reconfigure).
  if (backendSinceInit(stack.dir, stackJson) === "changed") return judgeStateMove({ ...move, newState: "not initialized" });
  // No workspace yet at the new place: it holds nothing, and is not to be created here.
  if (absent) {
    if (!declaresResources(stackJson)) return missing();
    const verdict = judgeStateMove({ ...move, newState: "empty", oldState: await oldState(stack.dir, stack.name, record.movedFrom, run) });
    return verdict.refusal ? verdict : missing();
  }
  if (!declaresResources(stackJson)) return {};
  // A failing init or state pull is left to the plan that follows, which reports it.
  if (needsInit(stack.dir, stackJson)) {
    const init = await run(() => terraform(stack.dir, ["init", "-input=false", "-no-color"]));
    if (init.code !== 0) return {};
  }
  const pull = await run(() => terraform(stack.dir, ["state", "pull"]));
  if (pull.code !== 0) return {};
  const newState = stateFromPull(pull.stdout);
  if (newState === "present") return {};
  return judgeStateMove({ ...move, newState, oldState: await oldState(stack.dir, stack.name, record.movedFrom, run) });
}
