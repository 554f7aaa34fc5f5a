import * as fs from "node:fs";
import * as path from "node:path";
import type { StackJson } from "../cdktf/stack-json";
import { MiB, readRegularText } from "../config/read-file";
import { localStateLocation, localStatePath } from "../backend/local-state";
import { setupStackFolder, setupStatePath } from "../hcp/names";
import type { StackRecord } from "../output/record";

/**
 * Moving a stack's state when its backend settings change: what Terraform does for each pair of
 * backends, and the folder that reaches the previous one. The printed command lines are a
 * contract (docs/deploying.md, tests, the HCP suites of issue 21): change them only with those.
 */

/** The kind of a state location (src/backend/backend.ts stateLocation): what decides how Terraform moves it. */
export type BackendKind = "local" | "s3" | "cloud";

export function backendKind(location: string): BackendKind {
  if (location.startsWith("s3://")) return "s3";
  return /^[^/\s]+\/[^/\s]+\/workspaces\/[^/\s]+$/.test(location) ? "cloud" : "local";
}

/**
 * A stack folder's subfolder configured for the stack's previous backend, written by synth while
 * the stack's state is recorded as moved: `terraform state pull` there reads the old state, with
 * the credentials of the shell, so `npm run plan` can tell whether anything was applied there.
 */
export const MOVED_FROM_FOLDER = "moved-from";

/** The Terraform settings that name a backend: `terraform.backend` or `terraform.cloud` of a stack's JSON. */
export type BackendSettings = Readonly<Record<string, unknown>>;

/** A stack's backend settings, from its synthesized JSON; undefined when it has none of its own (local). */
export function backendSettings(stackJson: StackJson | null | undefined): BackendSettings {
  const terraform = stackJson?.terraform ?? {};
  if (terraform.cloud) return { cloud: terraform.cloud };
  return { backend: terraform.backend ?? { local: {} } };
}

/** A local backend's path, relative to the stack folder, as Terraform resolves it (its default without one). */
function localPath(settings: BackendSettings): string | undefined {
  const backend = settings.backend as { local?: { path?: string } } | undefined;
  return backend?.local ? (backend.local.path ?? "terraform.tfstate") : undefined;
}

/** Whether a state (its JSON) holds anything: a managed resource, or an output (an apply has started). */
/** A Terraform state (or `terraform state pull`'s output), as far as this code reads it. */
export interface StateJson {
  readonly resources?: readonly { readonly mode?: string }[];
  readonly outputs?: object;
}

export function stateHoldsAnything(state: StateJson): boolean {
  return (state.resources ?? []).some((r) => r.mode === "managed") || Object.keys(state.outputs ?? {}).length > 0;
}

/**
 * For a local previous backend, whether its state file holds anything, read at synth (no
 * credentials needed); undefined for a backend only Terraform can read.
 */
export function localStateHoldsAnything(stackDir: string, settings: BackendSettings): boolean | undefined {
  const file = localPath(settings);
  if (file === undefined) return undefined;
  const abs = path.resolve(stackDir, file);
  if (!fs.existsSync(abs)) return false;
  try {
    return stateHoldsAnything(JSON.parse(readRegularText(abs, 512 * MiB, "a Terraform state")) as StateJson);
  } catch {
    // A state that cannot be read is not taken for an empty one.
    return true;
  }
}

/** The moved-from folder's Terraform settings: the previous backend's, a local path one folder deeper. */
function movedFromConfig(settings: BackendSettings): object {
  const file = localPath(settings);
  if (file === undefined || path.isAbsolute(file)) return { terraform: settings };
  return { terraform: { backend: { local: { path: path.posix.join("..", file) } } } };
}

/** Writes the moved-from folder of every stack the record says moved, into a new output. */
export function writeMovedFromFolders(outdir: string, stacks: Readonly<Record<string, StackRecord>>): void {
  for (const [stack, record] of Object.entries(stacks)) {
    if (!record.movedFrom || !record.movedFromSettings) continue;
    const dir = path.join(outdir, "stacks", stack, MOVED_FROM_FOLDER);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "main.tf.json"), `${JSON.stringify(movedFromConfig(record.movedFromSettings), null, 2)}\n`);
  }
}

/** How to move one stack's state: shell lines run in order from the folder the stack folder is shown relative to. */
export interface StateMoveAdvice {
  readonly commands: readonly string[];
  /** What they do, for the warning. */
  readonly how: string;
}

/** The advice in a sentence: "run `…`, then `…` (what they do)". */
export const adviceSentence = (advice: StateMoveAdvice) => `run ${advice.commands.map((c) => `\`${c}\``).join(", then ")} (${advice.how})`;

/**
 * What works for each pair of backends (Terraform 1.10+, internal/command/meta_backend.go):
 * - between backends (local, s3): `init -migrate-state` copies the state, asking first;
 * - into or out of HCP Terraform: a plain `init` proposes the migration and asks; it refuses
 *   -migrate-state with the cloud integration ("is not applicable when using HCP Terraform");
 * - from one HCP workspace to another (a new workspacePrefix): Terraform never moves state between
 *   workspaces. When the cluster's set-up stack manages them (`setupCommand` applies it), its apply renames
 *   each workspace in place (the tfe provider updates `name`), state included, and a plain `init`
 *   then points the stack at the renamed one; an init first would create the new workspace empty,
 *   and the set-up apply would then fail on its name. A workspace made another way has its state
 *   pulled and pushed into the new one.
 */
export function stateMoveAdvice(from: BackendKind, to: BackendKind, stackDir: string, setupCommand?: string): StateMoveAdvice {
  const chdir = (dir: string) => `terraform -chdir=${dir}`;
  if (from === "cloud" && to === "cloud" && setupCommand !== undefined) {
    return {
      commands: [setupCommand, `${chdir(stackDir)} init`],
      how: "the set-up stack manages the workspaces: re-applied first, it renames each to the new prefix, state included; an init before it would create the new workspace empty and the set-up apply would fail on its name",
    };
  }
  if (from === "cloud" && to === "cloud") {
    const old = `${stackDir}/${MOVED_FROM_FOLDER}`;
    return {
      commands: [`${chdir(old)} init && ${chdir(stackDir)} init`, `${chdir(old)} state pull | ${chdir(stackDir)} state push -`],
      how: "the old workspace is not the set-up stack's, and Terraform does not move state between HCP Terraform workspaces: these copy the old workspace's state into the new one",
    };
  }
  if (from === "cloud" || to === "cloud") {
    return {
      commands: [`${chdir(stackDir)} init`],
      how: `Terraform proposes to migrate the state ${to === "cloud" ? "into" : "out of"} HCP Terraform: answer yes (it refuses -migrate-state there)`,
    };
  }
  return { commands: [`${chdir(stackDir)} init -migrate-state`], how: "Terraform copies the state from the old backend: answer yes" };
}

/**
 * For a stack whose state was in the HCP workspace at `location`: whether the cluster's set-up
 * stack manages that workspace, so that its apply renames it. Its state is local, beside the
 * output folder: when it is there and holds no such workspace (one made by hand or by another
 * tool), false. Without it (applied on another machine) the set-up stack is taken to manage the
 * workspaces, as docs/hcp-terraform.md sets them up.
 */
export function setupManaging(outdir: string, clusterName: string, location: string): boolean {
  const file = path.resolve(setupStackFolder(outdir, clusterName), setupStatePath(clusterName));
  if (!fs.existsSync(file)) return true;
  const workspace = location.split("/").pop();
  try {
    const state = JSON.parse(readRegularText(file, 512 * MiB, "a Terraform state")) as {
      resources?: { mode?: string; type?: string; instances?: { attributes?: { name?: string } }[] }[];
    };
    return (state.resources ?? []).some((r) => r.mode === "managed" && r.type === "tfe_workspace" && (r.instances ?? []).some((i) => i.attributes?.name === workspace));
  } catch {
    // A state that cannot be read is not taken for one without the workspace.
    return true;
  }
}

/** Whether a location is the local state file the product gives a stack (src/backend/local-state.ts). */
export const isDefaultLocalState = (location: string, stack: string) => location === localStateLocation(stack);

/** The default local state file's settings, as its stack folder has them. */
export const defaultLocalSettings = (stack: string): BackendSettings => ({ backend: { local: { path: localStatePath(stack, 3) } } });

/** How a location reads in a message: the default local state by its path, relative to the stack folder as Terraform takes it. */
export function shownLocation(location: string, stack: string): string {
  return isDefaultLocalState(location, stack) ? `${localStatePath(stack, 3)} (relative to the stack folder)` : location;
}
