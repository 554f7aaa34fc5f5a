import * as fs from "node:fs";
import * as path from "node:path";
import { cloudNextSteps, plannedInHcp } from "./hcp/next-steps";
import { edgeZoneMtuNote } from "./network/mtu-note";
import { shellWord } from "./shell-word";
import type { SynthResult } from "./synth";

/** The output folder when CDKTF_OUTDIR is not set (main.ts), and cdktf's own default (`--output`). */
export const DEFAULT_OUTDIR = "cdktf.out";

/** How the synth was run, so that the commands printed run the same file and folder when pasted. */
export interface SummaryContext {
  /**
   * The folder the commands are pasted in: the project folder, where npm runs the scripts.
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * CLUSTER_CONFIG as set for this synth.
   * @default undefined: the embedded example, which a new shell synthesizes without CLUSTER_CONFIG
   */
  readonly clusterFile?: string;
  /**
   * Terraform installs providers from a filesystem mirror, so `cdktf deploy`/`destroy` need
   * `--skip-provider-lock` (it would ask the registry for other platforms' checksums).
   * @default false
   */
  readonly offline?: boolean;
}

/** The context of a synth run from the command line: CLUSTER_CONFIG, and a mirror in TF_CLI_CONFIG_FILE. */
export function summaryContext(env: NodeJS.ProcessEnv = process.env): SummaryContext {
  return { clusterFile: env.CLUSTER_CONFIG || undefined, offline: usesFilesystemMirror(env.TF_CLI_CONFIG_FILE) };
}

/** Whether a Terraform CLI config file installs providers from a filesystem mirror. */
export function usesFilesystemMirror(cliConfigFile: string | undefined): boolean {
  if (!cliConfigFile) return false;
  try {
    return /^\s*filesystem_mirror\s*\{/m.test(fs.readFileSync(cliConfigFile, "utf8"));
  } catch {
    // Terraform itself reports an unreadable config file.
    return false;
  }
}

/** A path as typed from `cwd`: relative inside it, absolute outside. */
function shownPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : path.resolve(cwd, file);
}

/** One "Next:" line: the command, then its description after two or more spaces. */
const COMMAND_WIDTH = 38;
const next = (command: string, description: string) =>
  command.length < COMMAND_WIDTH ? `  ${command.padEnd(COMMAND_WIDTH)}  ${description}` : `  ${command}\n  ${"".padEnd(COMMAND_WIDTH)}  ${description}`;

/**
 * What was written and what to run next, in a few lines. Each "Next:" line is a command, then
 * its description after two or more spaces; a command inside a sentence (a note, a warning) is
 * in backticks. Tests find the commands by that layout (test-support/shown-commands.ts), run each
 * one as printed (test-support/documented-commands.ts), and paste the lines of a real synth into
 * a shell (__tests__/e2e/emulator.e2e.test.ts). The commands carry the file and folder this synth
 * used, so a new shell runs the same cluster.
 */
export function formatSummary(result: SynthResult, context: SummaryContext = {}): string {
  const cwd = context.cwd ?? process.cwd();
  const outdir = shownPath(result.outdir, cwd);
  const width = Math.max(...result.summary.map((s) => s.name.length));
  const existingVpc = new Set(result.clusters.filter((c) => c.network.existingVpc).map((c) => `${c.clusterName}-network`));
  const lines = [`Synthesized ${result.summary.length} stacks into ${outdir}/stacks:`];
  for (const s of result.summary) {
    const why = existingVpc.has(s.name) ? "  (empty: network.existingVpc)" : "";
    lines.push(`  ${s.name.padEnd(width)}  ${String(s.resources).padStart(4)} resources  state: ${s.backend}${why}`);
  }

  // The environment and flags that make a pasted command run this file into this folder.
  const file = context.clusterFile ? `CLUSTER_CONFIG=${shellWord(shownPath(context.clusterFile, cwd))} ` : "";
  const outdirEnv = outdir === DEFAULT_OUTDIR ? "" : `CDKTF_OUTDIR=${shellWord(outdir)} `;
  // cdktf hands its --output to the app as CDKTF_OUTDIR.
  const cdktfFlags = `${outdir === DEFAULT_OUTDIR ? "" : ` --output ${shellWord(outdir)}`}${context.offline ? " --skip-provider-lock" : ""}`;
  const cdktf = (args: string) => `${file}npx cdktf ${args}${cdktfFlags}`;
  const stackDir = (stack: string) => `${shellWord(`${outdir}/stacks/${stack}`)}`;

  // With existingVpc the network stack holds nothing to apply: the plain Terraform steps start at infra.
  const steps = result.summary.filter((s) => !existingVpc.has(s.name));
  const first = steps[0]?.name ?? "<stack>";
  const order = steps.some((s) => s.name.endsWith("-network")) ? "network, infra, then bootstrap, machines and ingress" : "infra, then bootstrap, machines and ingress";
  // HCP Terraform runs the plans of clusters with remote or agent execution: npm run plan refuses
  // those, and judges each of their runs by its ID instead, once deploy has started it.
  const inHcp = result.clusters.filter(plannedInHcp);
  const plannedHere = result.clusters.filter((c) => !plannedInHcp(c));
  const planHere = inHcp.length ? ` -- ${plannedHere.map((c) => c.clusterName).join(" ")}` : "";
  const planDescription = "before any apply: what each stack would do, refusing what would take the control plane down";
  lines.push(
    "Next:",
    // A token per HCP host, then each cluster's set-up stack (src/hcp/).
    ...cloudNextSteps(result.clusters, outdir).map((step) => next(step.command, step.description)),
    ...(plannedHere.length ? [next(`${file}${outdirEnv}npm run plan${planHere}`, planDescription)] : []),
    next(cdktf("deploy '*'"), "every stack, in dependency order"),
    ...inHcp.map((c) =>
      next(
        `${file}npm run plan -- --check-run <run-id> ${c.clusterName}`,
        `each HCP Terraform run of ${c.clusterName} before it applies: its plan judged by the same rules (the run ID is in its URL)`,
      ),
    ),
    next(`terraform -chdir=${stackDir(first)} init && terraform -chdir=${stackDir(first)} apply`, `or stack by stack: ${order}`),
  );
  for (const c of result.clusters) lines.push(next(cdktf(`destroy ${c.clusterName}-bootstrap`), "after `openshift-install wait-for bootstrap-complete`"));
  // The teardown needs the same file, folder and flag as the deploy: cdktf synthesizes first.
  lines.push(
    next(
      cdktf("destroy '*'"),
      `teardown: every cluster stack, dependents first${result.clusters.some((c) => c.backend.type === "cloud") ? " (the HCP set-up stack and its workspaces stay)" : ""}`,
    ),
  );
  lines.push(...result.notes);
  for (const c of result.clusters.filter((c) => c.network.edgeZones.length)) {
    lines.push(
      edgeZoneMtuNote(
        c.clusterName,
        c.network.edgeZones.map((z) => z.name),
      ),
    );
  }
  return lines.join("\n");
}
