import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { ClusterConfig, loadClusterFile } from "./config/load";
import { formatFinding, GuardrailError, readSynthesized } from "./policy/guardrails";
import { ClusterStack } from "./stacks/cluster-stack";
import { addCluster, ClusterStacks } from "./stacks/stacks";

/** One synthesized stack, for the summary printed after synth. */
export interface StackSummary {
  readonly name: string;
  readonly resources: number;
  readonly backend: string;
}

export interface SynthResult {
  readonly outdir: string;
  readonly summary: StackSummary[];
  readonly clusters: ClusterConfig[];
  readonly stacks: ClusterStacks[];
  /** Fleet warnings and acknowledged guardrail findings. */
  readonly warnings: string[];
}

/**
 * cdktf records a full stack trace for every token it creates, in case a token error needs one
 * later: a third of a large synth. Traces are neither captured nor formatted while synthesizing
 * (an empty trace is what cdktf expects when there is none); UPI_DEBUG=1 keeps them.
 */
function withoutStackTraces<T>(fn: () => T): T {
  if (process.env.UPI_DEBUG) return fn();
  const previous = { capture: Error.captureStackTrace, prepare: Error.prepareStackTrace, limit: Error.stackTraceLimit };
  // cdktf raises the limit itself before capturing, so capturing is what has to be skipped.
  Error.captureStackTrace = () => undefined;
  Error.prepareStackTrace = () => "";
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.captureStackTrace = previous.capture;
    Error.prepareStackTrace = previous.prepare;
    Error.stackTraceLimit = previous.limit;
  }
}

/** The app for already-loaded clusters. */
function buildApp(clusters: readonly ClusterConfig[], outdir: string): { app: App; stacks: ClusterStacks[] } {
  // Per-construct stack-trace metadata is never written to the output.
  const app = new App({ outdir, stackTraces: false });
  const stacks = clusters.map((c) => addCluster(app, c));
  return { app, stacks };
}

/** What `terraform init` left in a stack folder; kept so a new synth needs no new init. */
const TERRAFORM_WORKDIR_FILES = [".terraform", ".terraform.lock.hcl"];

function keepTerraformWorkdirs(from: string, to: string) {
  const stacks = path.join(to, "stacks");
  if (!fs.existsSync(stacks)) return;
  for (const stack of fs.readdirSync(stacks)) {
    for (const name of TERRAFORM_WORKDIR_FILES) {
      const old = path.join(from, "stacks", stack, name);
      if (fs.existsSync(old)) fs.renameSync(old, path.join(stacks, stack, name));
    }
  }
}

/**
 * Loads the cluster file and synthesizes every stack. The output is written to a sibling folder
 * first and swapped in whole, so a failure leaves an earlier output folder exactly as it was.
 */
export function synthesize(configFile: string, outdir: string): SynthResult {
  const { clusters, warnings } = loadClusterFile(configFile);
  const target = path.resolve(outdir);
  const staging = `${target}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  try {
    const { app, stacks } = withoutStackTraces(() => {
      const built = buildApp(clusters, staging);
      built.app.synth();
      return built;
    });
    const synthesized = readSynthesized(staging);
    // Stacks are the app's direct children; no need to walk every construct.
    const clusterStacks = app.node.children.filter((c): c is ClusterStack => c instanceof ClusterStack);
    const findings = clusterStacks.flatMap((s) => s.guardrails.check(synthesized));
    const blocking = clusterStacks.flatMap((s) => s.guardrails.blocking);
    if (blocking.length) throw new GuardrailError(blocking);
    warnings.push(...findings.map(formatFinding));
    const summary = clusterStacks.map((s) => ({
      name: s.node.id,
      resources: Object.values<object>(synthesized(s).resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0),
      backend: s.state.summary,
    }));

    const previous = `${target}.previous-${process.pid}`;
    const hadPrevious = fs.existsSync(target);
    if (hadPrevious) {
      keepTerraformWorkdirs(target, staging);
      fs.renameSync(target, previous);
    }
    fs.renameSync(staging, target);
    if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
    return { outdir: target, summary, clusters, stacks, warnings };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
