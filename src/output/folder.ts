import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import type { InstallAssets } from "../config/install-dir";
import { errnoWords, MiB, readRegularText, shownPath } from "../config/read-file";
import { localStateFile } from "../backend/local-state";
import { SETUP_APP_FOLDER } from "../hcp/names";
import { MOVED_FROM_FOLDER } from "../state/moves";
import { OUTPUT_RECORD_FILE, OutputRecordError, readOutputRecord } from "./record";

/**
 * Synth replaces its output folder whole. These checks make sure the folder it replaces is only
 * ever a previous output of this product, holding nothing else: never an input, never a folder
 * of the user's, never a file the user put into it.
 */

/** The output folder cannot be used; one line: `<folder>: <why>`. */
export class OutputFolderError extends ConfigError {
  constructor(file: string, message: string) {
    super([{ file, path: "", message }]);
    this.name = "OutputFolderError";
  }
}

/** A path the output folder must be neither, nor contain, nor (unless it may hold outputs) lie inside. */
export interface ProtectedPath {
  readonly path: string;
  /** How a message names it: "the cluster file cluster.yaml". */
  readonly what: string;
  /** The working folder and the project hold `cdktf.out` themselves. */
  readonly mayHoldOutput?: boolean;
}

const MANIFEST = "manifest.json";
const STACKS = "stacks";
/** Where stack folders are: Terraform's working files and any state in them are carried across syntheses. */
const STACK_FOLDERS = [STACKS, path.join(SETUP_APP_FOLDER, STACKS)];
const WHOLE = "synth replaces the output folder whole";
/** State Terraform can leave in a stack folder (local workspaces, a state it could not push): carried, never dropped. */
const STATE_FILES = ["terraform.tfstate", "terraform.tfstate.backup", "errored.tfstate", "terraform.tfstate.d"];

/** The inputs of a synth: the cluster file, each installDir with its files, the working folder and the project. */
export function protectedInputs(configFile: string, clusters: readonly { readonly assets?: InstallAssets }[]): ProtectedPath[] {
  const inputs: ProtectedPath[] = [
    { path: configFile, what: `the cluster file ${shownPath(path.resolve(configFile))}` },
    { path: process.cwd(), what: "the working folder", mayHoldOutput: true },
    ...projectPaths(),
  ];
  for (const { assets } of clusters) {
    if (!assets) continue;
    inputs.push({ path: assets.dir, what: `the installDir folder ${shownPath(assets.dir)}` });
    for (const name of ["metadata.json", "master.ign", "worker.ign"])
      inputs.push({ path: path.join(assets.dir, name), what: `the install file ${shownPath(path.join(assets.dir, name))}` });
    inputs.push({ path: assets.bootstrapIgnitionFile, what: `the install file ${shownPath(assets.bootstrapIgnitionFile)}` });
  }
  return inputs;
}

/**
 * The product's own folders beside its package.json (docs/development.md): code and dependencies.
 * Not .build, which holds only what is made again (bundles, the bench's outputs).
 */
const PROJECT_FOLDERS = [".git", "node_modules", "src", "scripts", "test-support", "__tests__", "examples", "schema", "help", "docs", "bench", "dist"];

/**
 * The project: its folder may hold outputs (`cdktf.out`), its own folders may not. Installed as a
 * dependency (inside a node_modules), none of it may.
 */
function projectPaths(): ProtectedPath[] {
  const root = projectRoot();
  const installed = root.split(path.sep).includes("node_modules");
  return [
    { path: root, what: "the project folder", mayHoldOutput: !installed },
    ...PROJECT_FOLDERS.map((name) => ({ path: path.join(root, name), what: `the project's ${name} folder` })),
  ];
}

/** The folder of this product's package.json. */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return __dirname;
  }
}

const isInside = (child: string, parent: string) => child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

function realOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** The real path of a folder that may not exist yet: its nearest existing ancestor resolved. */
function realTarget(abs: string, shown: string): string {
  const rest: string[] = [];
  for (let dir = abs; ; dir = path.dirname(dir)) {
    const stat = lstat(dir);
    if (stat) {
      const real = realOrUndefined(dir);
      // A link to nothing: where it points is not for synth to guess.
      if (!real) throw new OutputFolderError(shown, `${dir === abs ? "is" : `cannot be created: ${shownPath(dir)} is`} a symbolic link to something that does not exist`);
      if (dir !== abs && !fs.statSync(real).isDirectory()) throw new OutputFolderError(shown, `cannot be created: ${shownPath(dir)} is a file, not a folder`);
      return path.join(real, ...rest.reverse());
    }
    if (path.dirname(dir) === dir) return abs;
    rest.push(path.basename(dir));
  }
}

/** A previous output: a record, or (outputs written before records) cdktf's manifest.json beside stacks/. */
function looksLikeOutput(dir: string): boolean {
  return fs.existsSync(path.join(dir, OUTPUT_RECORD_FILE)) || (lstat(path.join(dir, MANIFEST))?.isFile() === true && lstat(path.join(dir, STACKS))?.isDirectory() === true);
}

/** The clusters a previous output holds, from its record or from cdktf's manifest (stacks are `<cluster>-<part>`). */
function previousClusters(dir: string, shown: string): Set<string> {
  let record;
  try {
    record = readOutputRecord(dir);
  } catch (e) {
    if (!(e instanceof OutputRecordError)) throw e;
    throw new OutputFolderError(path.join(shown, OUTPUT_RECORD_FILE), `${e.message}; ${WHOLE}, so it leaves this folder alone`);
  }
  if (record) return new Set(Object.values(record.stacks).map((s) => s.cluster));

  const notOutput = () =>
    new OutputFolderError(
      shown,
      `exists and is not an output of this product (no ${OUTPUT_RECORD_FILE}, no cdktf manifest.json beside stacks/); ${WHOLE}, so give a new folder or a previous output`,
    );
  if (!looksLikeOutput(dir)) throw notOutput();
  let manifest: unknown;
  try {
    manifest = JSON.parse(readRegularText(path.join(dir, MANIFEST), 16 * MiB, "a cdktf manifest"));
  } catch {
    throw notOutput();
  }
  const stacks = typeof manifest === "object" && manifest !== null ? (manifest as { stacks?: unknown }).stacks : undefined;
  if (typeof stacks !== "object" || stacks === null) throw notOutput();
  return new Set(Object.keys(stacks).map((name) => name.slice(0, Math.max(0, name.lastIndexOf("-")))));
}

/**
 * A folder's entries in a fixed order, so the first unrelated one named is the same on every file
 * system: by code unit, as localeCompare would first load ICU's collation (6 ms of a synth).
 */
const byName = (a: fs.Dirent, b: fs.Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Refuses the first thing in a previous output that synth did not write, naming it. */
function refuseUnrelated(dir: string, shown: string, clusters: Set<string>) {
  const unrelated = (name: string) => new OutputFolderError(path.join(shown, name), `is not part of the synthesized output; ${WHOLE}, so move it elsewhere first`);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort(byName)) {
    const known =
      (entry.isFile() && (entry.name === MANIFEST || entry.name === OUTPUT_RECORD_FILE)) ||
      (entry.isDirectory() && (entry.name === STACKS || entry.name === SETUP_APP_FOLDER)) ||
      // npm run diagram draws <cluster>.svg beside the stacks.
      (entry.isFile() && entry.name.endsWith(".svg") && clusters.has(entry.name.slice(0, -".svg".length)));
    if (!known) throw unrelated(entry.name);
  }
  if (fs.existsSync(path.join(dir, SETUP_APP_FOLDER))) {
    for (const entry of fs.readdirSync(path.join(dir, SETUP_APP_FOLDER), { withFileTypes: true }).sort(byName)) {
      if (!((entry.isFile() && entry.name === MANIFEST) || (entry.isDirectory() && entry.name === STACKS))) throw unrelated(path.join(SETUP_APP_FOLDER, entry.name));
    }
  }
  for (const folder of STACK_FOLDERS.filter((f) => fs.existsSync(path.join(dir, f)))) {
    for (const entry of fs.readdirSync(path.join(dir, folder), { withFileTypes: true }).sort(byName)) {
      const stack = path.join(folder, entry.name);
      // A stack folder is a stack of this output's clusters, `<cluster>-<part>`; a folder of the user's is not.
      if (!entry.isDirectory() || !clusters.has(entry.name.slice(0, Math.max(0, entry.name.lastIndexOf("-"))))) throw unrelated(stack);
      for (const inner of fs.readdirSync(path.join(dir, stack), { withFileTypes: true }).sort(byName)) {
        if (!stackFolderEntry(inner)) throw unrelated(path.join(stack, inner.name));
        if (inner.isDirectory() && inner.name === "assets") refuseUnrelatedAssets(dir, path.join(stack, inner.name), unrelated, shown);
        if (inner.isDirectory() && inner.name === MOVED_FROM_FOLDER) {
          for (const moved of fs.readdirSync(path.join(dir, stack, inner.name), { withFileTypes: true }).sort(byName)) {
            if (!movedFromEntry(moved)) throw unrelated(path.join(stack, inner.name, moved.name));
          }
        }
      }
    }
  }
}

/**
 * What an entry of a stack folder is, when only cdktf, synth and Terraform wrote to it:
 * - `synth`: written again by every synth, so not carried (its contents are checked to be synth's);
 * - `workdir`: Terraform's working files, carried, and made again by `terraform init` when their
 *   stack is dropped;
 * - `work`: what a Terraform run left (state, saved plans, a lock, a crash report): carried, and
 *   a dropped stack holding one stops synth.
 */
type StackEntry = { readonly kind: "synth" | "workdir" } | { readonly kind: "work"; readonly what: string };
const SYNTHS: StackEntry = { kind: "synth" };
const WORKDIR: StackEntry = { kind: "workdir" };
const STATE: StackEntry = { kind: "work", what: "Terraform state" };
const SAVED_PLAN: StackEntry = { kind: "work", what: "a saved Terraform plan" };
const LOCAL_STATE_LOCK: StackEntry = { kind: "work", what: "the lock of a Terraform run on the local state" };

/**
 * Anything that is not a StackEntry (an override.tf, a terraform.tfvars, a folder) is the user's,
 * and Terraform would read the .tf files among them into the stack's configuration.
 */
function stackFolderEntry(entry: fs.Dirent): StackEntry | undefined {
  const { name } = entry;
  if (entry.isDirectory()) {
    // moved-from/ is synth's own: the previous backend, for npm run plan to read the old state.
    if (name === "assets" || name === MOVED_FROM_FOLDER) return SYNTHS;
    if (name === ".terraform") return WORKDIR;
    return name === "terraform.tfstate.d" ? STATE : undefined;
  }
  // A .terraform linked to a shared one (providers installed once for several folders).
  if (entry.isSymbolicLink()) return name === ".terraform" ? WORKDIR : undefined;
  if (!entry.isFile()) return undefined;
  // With --hcl, cdktf writes cdk.tf and its metadata.json instead of cdk.tf.json.
  if (name === "cdk.tf.json" || name === "cdk.tf" || name === "metadata.json") return SYNTHS;
  if (name === ".terraform.lock.hcl") return WORKDIR;
  // Terraform's backups of a state it replaced: terraform.tfstate.<timestamp>.backup.
  if (STATE_FILES.includes(name) || /^terraform\.tfstate\.\d+\.backup$/.test(name)) return STATE;
  // Saved plans: cdktf deploy's `plan`, npm run plan's and roll's `*.tfplan`.
  if (name === "plan" || /^[\w.-]+\.tfplan(\.json)?$/.test(name)) return SAVED_PLAN;
  if (name === ".terraform.tfstate.lock.info") return LOCAL_STATE_LOCK;
  if (name === "crash.log") return { kind: "work", what: "Terraform's crash report" };
  return undefined;
}

/**
 * An entry of a stack's moved-from folder: synth's main.tf.json, and what Terraform leaves in a
 * working folder (npm run plan runs init there).
 */
function movedFromEntry(entry: fs.Dirent): StackEntry | undefined {
  if (entry.name === "main.tf.json") return entry.isFile() ? SYNTHS : undefined;
  const known = stackFolderEntry(entry);
  return known?.kind === "synth" ? undefined : known;
}

const md5 = (file: string) => crypto.createHash("md5").update(fs.readFileSync(file)).digest("hex").toUpperCase();

/**
 * Refuses what is not cdktf's copy of a file asset in a stack's assets/ folder:
 * `<asset>/<md5 of the content, uppercase>/<file>`, one file per hash folder (cdktf's hashPath).
 */
function refuseUnrelatedAssets(dir: string, assets: string, unrelated: (name: string) => OutputFolderError, shown: string) {
  for (const asset of fs.readdirSync(path.join(dir, assets), { withFileTypes: true }).sort(byName)) {
    const assetPath = path.join(assets, asset.name);
    if (!asset.isDirectory()) throw unrelated(assetPath);
    for (const hash of fs.readdirSync(path.join(dir, assetPath), { withFileTypes: true }).sort(byName)) {
      const hashPath = path.join(assetPath, hash.name);
      if (!hash.isDirectory() || !/^[0-9A-F]{32}$/.test(hash.name)) throw unrelated(hashPath);
      const [file, ...more] = fs.readdirSync(path.join(dir, hashPath), { withFileTypes: true }).sort(byName);
      if (!file) continue;
      const filePath = path.join(hashPath, file.name);
      if (!file.isFile()) throw unrelated(filePath);
      if (md5(path.join(dir, filePath)) !== hash.name) {
        throw new OutputFolderError(path.join(shown, filePath), `is not the copy synth wrote (its content differs from its folder's hash); ${WHOLE}, so move it elsewhere first`);
      }
      if (more.length) throw unrelated(path.join(hashPath, more[0].name));
    }
  }
}

/**
 * What a previous stack folder holds that synth does not write again, as paths inside it with
 * what they are (undefined: not Terraform's either): all of it is carried into the new output.
 */
function carriedEntries(stackDir: string): { readonly name: string; readonly known?: StackEntry }[] {
  const carried: { name: string; known?: StackEntry }[] = [];
  for (const entry of fs.readdirSync(stackDir, { withFileTypes: true }).sort(byName)) {
    if (entry.isDirectory() && entry.name === MOVED_FROM_FOLDER) {
      for (const inner of fs.readdirSync(path.join(stackDir, entry.name), { withFileTypes: true }).sort(byName)) {
        const known = movedFromEntry(inner);
        if (known?.kind !== "synth") carried.push({ name: path.join(entry.name, inner.name), known });
      }
      continue;
    }
    const known = stackFolderEntry(entry);
    if (known?.kind !== "synth") carried.push({ name: entry.name, known });
  }
  return carried;
}

/** The first thing a Terraform run left in a stack folder (its moved-from folder included). */
function workOfDroppedStack(stackDir: string): { readonly name: string; readonly what: string } | undefined {
  for (const { name, known } of carriedEntries(stackDir)) if (known?.kind === "work") return { name, what: known.what };
  return undefined;
}

const sameFile = (a: string, b: string) => fs.existsSync(a) && fs.existsSync(b) && fs.readFileSync(a).equals(fs.readFileSync(b));

/**
 * What is not carried from a previous stack folder because the new synth made it stale: a saved
 * plan of a configuration that changed (applied, it would carry out the old one when the state
 * has not moved since), and init's files in a moved-from folder that now points elsewhere or is
 * gone (init would refuse them as a changed backend).
 */
function stale(known: StackEntry | undefined, name: string, before: string, after: string): boolean {
  if (known === SAVED_PLAN) return !["cdk.tf.json", "cdk.tf"].some((config) => sameFile(path.join(before, config), path.join(after, config)));
  if (known === WORKDIR && name.startsWith(`${MOVED_FROM_FOLDER}${path.sep}`)) {
    const config = path.join(MOVED_FROM_FOLDER, "main.tf.json");
    return !sameFile(path.join(before, config), path.join(after, config));
  }
  return false;
}

/** `<target>.previous-<pid>` folders a synth killed mid-swap left behind, with a process no longer running. */
function interruptedSwaps(target: string): string[] {
  const base = path.basename(target);
  let entries: string[];
  try {
    entries = fs.readdirSync(path.dirname(target));
  } catch {
    return [];
  }
  return entries
    .filter((name) => name.startsWith(`${base}.previous-`) && /^\d+$/.test(name.slice(base.length + ".previous-".length)))
    .filter((name) => !processRunning(Number(name.slice(base.length + ".previous-".length))))
    .map((name) => path.join(path.dirname(target), name))
    .filter(looksLikeOutput);
}

function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface OutputFolder {
  /** The real path synth replaces. */
  readonly target: string;
  /** Said to the user: a previous output put back after an interrupted synth. */
  readonly notes: string[];
}

/**
 * Checks that `outdir` may be replaced by a new output: it is not, does not contain and does not
 * lie inside an input or another output, and is either new, empty, or a previous output of this
 * product holding only what synth writes. Throws OutputFolderError saying why not.
 */
export function checkOutputFolder(outdir: string, inputs: readonly ProtectedPath[]): OutputFolder {
  const shown = outdir;
  const target = realTarget(path.resolve(outdir), shown);

  for (const input of inputs) {
    const real = realOrUndefined(input.path);
    if (!real) continue;
    if (real === target) throw new OutputFolderError(shown, `cannot be ${input.what}; ${WHOLE}`);
    if (isInside(real, target)) throw new OutputFolderError(shown, `cannot contain ${input.what}; ${WHOLE}`);
    if (!input.mayHoldOutput && isInside(target, real)) throw new OutputFolderError(shown, `cannot lie inside ${input.what}`);
  }
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    if (looksLikeOutput(dir)) throw new OutputFolderError(shown, `cannot lie inside the output folder ${shownPath(dir)}; synthesizing that one again would delete it`);
    if (path.dirname(dir) === dir) break;
  }

  const stat = lstat(target);
  if (!stat) {
    // A synth killed between its two renames left the previous output beside the target: put it back.
    const [interrupted] = interruptedSwaps(target).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    if (!interrupted) return { target, notes: [] };
    fs.renameSync(interrupted, target);
    const note = `${shown}: restored the previous output from ${shownPath(interrupted)}, left there by an interrupted synth`;
    return { ...checkOutputFolder(outdir, inputs), notes: [note] };
  }
  if (!stat.isDirectory()) {
    throw new OutputFolderError(shown, `is ${stat.isFile() ? "a file" : "not a folder"}, not an output folder; ${WHOLE}, so it would be lost`);
  }
  // An empty folder holds nothing to lose.
  if (fs.readdirSync(target).length === 0) return { target, notes: [] };
  refuseUnrelated(target, shown, previousClusters(target, shown));
  return { target, notes: [] };
}

/** Creates a folder and its missing parents one by one (a recursive mkdir loops forever under /proc). */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !fs.existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.push(d);
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !fs.statSync(d).isDirectory()) throw e;
    }
  }
}

/** Runs `write`, turning a file-system error in the output folder into one line about that folder. */
export function writingOutput<T>(shown: string, target: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { dest?: string };
    // The output, its staging and previous siblings, or a parent being created; for a copy, a
    // missing source is the source's problem.
    const ours = (p?: string) => {
      const abs = p && path.resolve(p);
      return !!abs && (abs === target || isInside(abs, target) || abs.startsWith(`${target}.staging-`) || abs.startsWith(`${target}.previous-`) || isInside(target, abs));
    };
    if (typeof err.code === "string" && err.syscall && (ours(err.path) || (err.code !== "ENOENT" && ours(err.dest)))) {
      throw new OutputFolderError(shown, `cannot be written (${errnoWords(err)})`);
    }
    throw e;
  }
}

/**
 * Swaps the new output (`staging`, a sibling of `target`) in for the previous one, carrying
 * Terraform's working files and any state across. The previous output is renamed aside first and
 * renamed back if the new one cannot take its place, so a failure at any step leaves the user
 * with one or the other whole. Returns warnings (something left beside the output, saved plans
 * not carried).
 */
export function replaceOutput(staging: string, target: string, shown: string): string[] {
  if (!lstat(target)) {
    fs.renameSync(staging, target);
    return [];
  }
  const stacksIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);
  // Stack folders as `stacks/<stack>`, `hcp/stacks/<stack>`.
  const newStacks = new Set(STACK_FOLDERS.flatMap((folder) => stacksIn(path.join(staging, folder)).map((stack) => path.join(folder, stack))));
  for (const stack of STACK_FOLDERS.flatMap((folder) => stacksIn(path.join(target, folder)).map((stack) => path.join(folder, stack)))) {
    // A run under way on the stack's local state (its lock lies beside the state file, beside the
    // output folder; or in the stack folder for Terraform's default path): swapped under it, the
    // run would go on in a folder that is gone, and cdktf deploy's next stacks would take the new output.
    const name = path.basename(stack);
    const besideLock = `.${localStateFile(name)}.lock.info`;
    const inFolder = carriedEntries(path.join(target, stack)).find((e) => e.known === LOCAL_STATE_LOCK);
    const lock = lstat(path.join(path.dirname(target), besideLock)) ? path.join(path.dirname(shown), besideLock) : inFolder && path.join(shown, stack, inFolder.name);
    if (lock) {
      throw new OutputFolderError(
        lock,
        `is the lock of a Terraform run on stack ${name}'s state: wait for that run to end, or delete this file if none is under way (a killed run leaves it behind); ${WHOLE}`,
      );
    }
    if (newStacks.has(stack)) continue;
    const work = workOfDroppedStack(path.join(target, stack));
    if (work) {
      throw new OutputFolderError(
        path.join(shown, stack, work.name),
        `is ${work.what} of stack ${path.basename(stack)}, which this synth no longer writes; move it elsewhere first (${WHOLE})`,
      );
    }
  }

  const previous = `${target}.previous-${process.pid}`;
  fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    fs.renameSync(previous, target);
    throw e;
  }
  const left: string[] = [];
  const stalePlans: string[] = [];
  for (const stack of newStacks) {
    if (!lstat(path.join(previous, stack))) continue;
    for (const { name, known } of carriedEntries(path.join(previous, stack))) {
      if (stale(known, name, path.join(previous, stack), path.join(target, stack))) {
        if (known === SAVED_PLAN) stalePlans.push(path.join(shown, stack, name));
        continue;
      }
      const to = path.join(target, stack, name);
      try {
        // Into a moved-from folder this synth no longer writes: kept all the same.
        if (!lstat(path.dirname(to))) fs.mkdirSync(path.dirname(to));
        fs.renameSync(path.join(previous, stack, name), to);
      } catch {
        left.push(path.join(stack, name));
      }
    }
  }
  // Said, since roll and npm run plan print the apply line of a plan they keep.
  const notes = stalePlans.length ? [`${stalePlans.join(", ")}: saved before this synth changed the configuration; not carried, plan again`] : [];
  if (left.length) {
    return [...notes, `${shown}: could not carry ${left.join(", ")} into the new output; they are kept, with what was not carried, in ${shownPath(previous)}`];
  }
  try {
    fs.rmSync(previous, { recursive: true, force: true });
  } catch (e) {
    return [...notes, `${shown}: the previous output could not be removed from ${shownPath(previous)} (${errnoWords(e)})`];
  }
  return notes;
}
