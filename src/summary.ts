import * as path from "node:path";
import { cloudNextSteps } from "./hcp/next-steps";
import { edgeZoneMtuNote } from "./network/mtu-note";
import type { SynthResult } from "./synth";

/**
 * What was written and what to run next, in a few lines. Each "Next:" line is a command, then
 * its description after two or more spaces; a command inside a sentence (a note, a warning) is
 * in backticks. Tests find the commands by that layout (test-support/shown-commands.ts) and run
 * each one as printed (test-support/documented-commands.ts).
 */
export function formatSummary(result: SynthResult, cwd = process.cwd()): string {
  const outdir = path.relative(cwd, result.outdir) || ".";
  const width = Math.max(...result.summary.map((s) => s.name.length));
  const lines = [`Synthesized ${result.summary.length} stacks into ${outdir}/stacks:`];
  for (const s of result.summary) lines.push(`  ${s.name.padEnd(width)}  ${String(s.resources).padStart(4)} resources  state: ${s.backend}`);
  const first = result.summary[0]?.name ?? "<stack>";
  lines.push("Next:");
  // HCP Terraform: a token, then the set-up stack (workspaces, sharing, credentials), before any deploy.
  for (const c of result.clusters.filter((c) => c.backend.type === "cloud")) lines.push(...cloudNextSteps(c, outdir));
  lines.push(
    "  cdktf deploy '*'                      every stack, in dependency order",
    `  terraform -chdir=${outdir}/stacks/${first} init && terraform -chdir=${outdir}/stacks/${first} apply`,
    "                                        or stack by stack: network, infra, then bootstrap, machines and ingress",
  );
  for (const c of result.clusters) {
    lines.push(`  ${`cdktf destroy ${c.clusterName}-bootstrap`.padEnd(36)}  after \`openshift-install wait-for bootstrap-complete\``);
  }
  lines.push(...result.notes);
  for (const c of result.clusters.filter((c) => c.network.edgeZones.length)) {
    lines.push(edgeZoneMtuNote(c.clusterName, c.network.edgeZones.map((z) => z.name)));
  }
  return lines.join("\n");
}
