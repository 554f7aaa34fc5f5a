import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { loadClusterFile } from "./cluster-file";
import type { ClusterConfig } from "./config/load";
import { checkOutputFolder, makeFolders, protectedInputs, replaceOutput, writingOutput } from "./output/folder";
import { ConfigError } from "./config/errors";
import { checkCdktfEnvironment } from "./config/environment";
import { fixHclOutput } from "./output/hcl";
import { installFastResolve } from "./cdktf/fast-resolve";
import { newOutputRecord, readOutputRecord, writeOutputRecord } from "./output/record";
import { day2Changes } from "./state/changes";
import { writeMovedFromFolders } from "./state/moves";
import { MOVED_FROM_CONTEXT } from "./state/own-state";
import { formatFinding, Guardrails, readSynthesized, synthWithGuardrails } from "./policy/guardrails";
import { ClusterStack } from "./stacks/cluster-stack";
import { addCluster, ClusterStacks } from "./stacks/stacks";
import type { SynthesizedStack } from "./hcp/workspaces";

/** The embedded default example (synthesizes on a fresh clone, with no AWS account), found from the running file up. */
export function defaultClusterFile(from = __dirname): string {
  const relative = path.join("examples", "default", "cluster.yaml");
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, relative))) return path.join(dir, relative);
    if (path.dirname(dir) === dir) return relative;
  }
}

/** One synthesized stack, for the summary printed after synth. */
export interface StackSummary {
  readonly name: string;
  readonly resources: number;
  readonly backend: string;
}

export interface SynthResult {
  readonly outdir: string;
  readonly summary: StackSummary[];
  /** The HCP Terraform set-up stacks (`<clusterName>-hcp`, cloud backend only), in `<outdir>/hcp`. */
  readonly setupStacks: { readonly name: string; readonly resources: number }[];
  readonly clusters: ClusterConfig[];
  readonly stacks: ClusterStacks[];
  /** Fleet warnings, acknowledged guardrail findings, state moves. */
  readonly warnings: string[];
  /** What this synth's edits mean for a running cluster (a new AMI, ...), for the summary. */
  readonly notes: string[];
}

/**
 * cdktf records a full stack trace for every token it creates, in case a token error needs one
 * later: a third of a large synth. Traces are neither captured nor formatted while synthesizing
 * (an empty trace is what cdktf expects when there is none); UPI_DEBUG=1 keeps them.
 */
function withoutStackTraces<T>(fn: () => T): T {
  if (process.env.UPI_DEBUG) return fn();
  // Descriptors, not the methods themselves: each is put back exactly as it was.
  const capture = Object.getOwnPropertyDescriptor(Error, "captureStackTrace")!;
  const prepare = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
  const limit = Error.stackTraceLimit;
  // cdktf raises the limit itself before capturing, so capturing is what has to be skipped.
  Error.captureStackTrace = () => undefined;
  Error.prepareStackTrace = () => "";
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Object.defineProperty(Error, "captureStackTrace", capture);
    if (prepare) Object.defineProperty(Error, "prepareStackTrace", prepare);
    else Reflect.deleteProperty(Error, "prepareStackTrace");
    Error.stackTraceLimit = limit;
  }
}

/** The app for already-loaded clusters. */
function buildApp(clusters: readonly ClusterConfig[], outdir: string, movedFrom: Record<string, string>): { app: App; stacks: ClusterStacks[] } {
  // Per-construct stack-trace metadata is never written to the output.
  const app = new App({ outdir, stackTraces: false, context: { [MOVED_FROM_CONTEXT]: movedFrom } });
  const stacks = clusters.map((c) => addCluster(app, c));
  return { app, stacks };
}

/**
 * Loads the cluster file and synthesizes every stack. The output is written to a sibling folder
 * first and swapped in whole, so a failure leaves an earlier output folder exactly as it was; the
 * folder replaced is only ever a previous output (src/output/folder.ts).
 */
export function synthesize(configFile: string, outdir: string): SynthResult {
  checkCdktfEnvironment();
  installFastResolve();
  const loaded = loadClusterFile(configFile);
  const { clusters, warnings } = loaded;
  const inputs = protectedInputs(configFile, clusters);
  const { target, notes } = checkOutputFolder(outdir, inputs);
  warnings.push(...notes);
  const shownOutdir = path.relative(process.cwd(), target) || ".";
  const changes = day2Changes(loaded, readOutputRecord(target), shownOutdir);
  if (changes.problems.length) throw new ConfigError(changes.problems);
  warnings.push(...changes.warnings);
  const movedFrom = Object.fromEntries(Object.entries(changes.stacks).flatMap(([stack, r]) => (r.movedFrom ? [[stack, r.movedFrom]] : [])));
  const staging = `${target}.staging-${process.pid}`;
  writingOutput(outdir, target, () => {
    fs.rmSync(staging, { recursive: true, force: true });
    makeFolders(path.dirname(target));
    fs.mkdirSync(staging);
  });
  try {
    const { app, stacks } = writingOutput(outdir, target, () =>
      withoutStackTraces(() => {
        const built = buildApp(clusters, staging, movedFrom);
        synthWithGuardrails(built.app);
        return built;
      }),
    );
    // The guardrails ran inside app.synth(); what they accepted is reported as warnings.
    warnings.push(...Guardrails.findingsOf(app).map(formatFinding));
    const read = readSynthesized(app);
    // What the summary and the HCP set-up read of a stack's JSON.
    const synthesized = (stack: TerraformStack) => read(stack) as SynthesizedStack & { resource?: Record<string, object> };
    // Stacks are the app's direct children; no need to walk every construct.
    const clusterStacks = app.node.children.filter((c): c is ClusterStack => c instanceof ClusterStack);
    const summary = clusterStacks.map((s) => ({
      name: s.node.id,
      resources: Object.values<object>(synthesized(s).resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0),
      backend: s.state.summary,
    }));

    // Only with a cloud backend: the tfe bindings are loaded for it alone.
    const setupStacks = clusters.some((c) => c.backend.type === "cloud")
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which an import cannot be
        (require("./hcp/synth") as typeof import("./hcp/synth")).synthesizeHcpSetups(clusters, staging, (name) => synthesized(clusterStacks.find((s) => s.node.id === name)!))
      : [];

    writingOutput(outdir, target, () => {
      // After the set-up stacks too: their cdk.tf (IAM policies with interpolations) needs the same rewrite.
      if (app.hclOutput) fixHclOutput(staging);
      writeOutputRecord(staging, newOutputRecord(changes.stacks, changes.clusters));
      writeMovedFromFolders(staging, changes.stacks);
      // Again, right before the swap: whatever appeared in the folder meanwhile is refused, not deleted.
      checkOutputFolder(outdir, inputs);
      warnings.push(...replaceOutput(staging, target, outdir));
    });
    return { outdir: path.resolve(outdir), summary, setupStacks, clusters, stacks, warnings, notes: changes.notes };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
