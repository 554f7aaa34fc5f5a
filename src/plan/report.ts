import { formatPlanFinding, PlanFinding } from "./check";
import { kindOf, managedChanges, PlanJson } from "./plan-json";

/** What one stack's plan does, counted as the table shows it. */
export interface PlanCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  /** Existing objects adopted into the state (import blocks). */
  readonly import: number;
  /** Outputs the apply would record anew (after a targeted apply, say), with no object changed. */
  readonly outputs: number;
  readonly replaced: string[];
  readonly deleted: string[];
}

export function countChanges(plan: PlanJson): PlanCounts {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, import: 0, outputs: 0, replaced: [] as string[], deleted: [] as string[] };
  counts.outputs = Object.values(plan.output_changes ?? {}).filter((o) => !o.actions.every((a) => a === "no-op")).length;
  for (const rc of managedChanges(plan)) {
    const kind = kindOf(rc.change.actions);
    if (rc.change.importing) counts.import++;
    if (kind === "none") continue;
    counts[kind]++;
    const address = rc.deposed ? `${rc.address} (deposed ${rc.deposed})` : rc.address;
    if (kind === "replace") counts.replaced.push(address);
    if (kind === "delete") counts.deleted.push(address);
  }
  return counts;
}

/** Whether the plan changes any object. */
export const changesObjects = (c: PlanCounts) => c.create + c.update + c.replace + c.delete + c.import > 0;

/** Whether applying the plan changes anything, objects or recorded outputs. */
export const hasChanges = (c: PlanCounts) => changesObjects(c) || c.outputs > 0;

/** One row of the table: a stack planned, waiting, refused or failed. */
export type StackOutcome =
  | { readonly stack: string; readonly status: "planned"; readonly counts: PlanCounts; readonly planFile: string; readonly stackDir: string }
  | { readonly stack: string; readonly status: "waiting"; readonly on: readonly string[] }
  | { readonly stack: string; readonly status: "refused" | "failed"; readonly reason: string };

export interface Report {
  readonly outcomes: readonly StackOutcome[];
  readonly findings: readonly PlanFinding[];
  /** Acknowledged refusals of whole stacks (PLAN-STATE-1), one line each. @default none */
  readonly warnings?: readonly string[];
}

/** A stack refused before its plan: the plan is not safe to apply either. */
export const refusedStacks = (report: Report) => report.outcomes.filter((o): o is StackOutcome & { readonly status: "refused"; readonly reason: string } => o.status === "refused");

const COLUMNS = ["create", "update", "replace", "delete"] as const;

function statusText(o: StackOutcome): string {
  switch (o.status) {
    case "planned": {
      const imports = o.counts.import ? `, ${o.counts.import} to import` : "";
      if (changesObjects(o.counts)) return `changes${imports}`;
      return o.counts.outputs ? "outputs only (no object changes)" : "no changes";
    }
    case "waiting":
      return `waits on ${o.on.join(", ")}`;
    case "refused":
      return "refused (below)";
    case "failed":
      return "failed (below)";
  }
}

/**
 * The table (one row per stack: creates, in-place updates, replacements, deletes), every replaced
 * or deleted resource by address, the findings, and what to run next.
 */
export function formatReport(report: Report, command?: (o: Extract<StackOutcome, { status: "planned" }>, verb: string) => string): string {
  const { outcomes, findings } = report;
  const width = Math.max(5, ...outcomes.map((o) => o.stack.length));
  const lines = [`  ${"stack".padEnd(width)}${COLUMNS.map((c) => c.padStart(9)).join("")}  status`];
  for (const o of outcomes) {
    const cells = COLUMNS.map((c) => (o.status === "planned" ? String(o.counts[c]) : "-").padStart(9));
    lines.push(`  ${o.stack.padEnd(width)}${cells.join("")}  ${statusText(o)}`);
  }
  for (const o of outcomes) {
    if (o.status === "planned") {
      for (const [verb, list] of [
        ["replaces", o.counts.replaced],
        ["deletes", o.counts.deleted],
      ] as const) {
        if (list.length) lines.push("", `${o.stack} ${verb}:`, ...list.map((a) => `  ${a}`));
      }
    }
    if (o.status === "failed") lines.push("", `${o.stack}: ${o.reason}`);
  }
  // A refusal is a finding about a whole stack, in the same form: `[PLAN-...] <stack>: ...`.
  const refusals = refusedStacks(report).map((o) => o.reason);
  if (findings.length || refusals.length || report.warnings?.length) lines.push("", ...refusals, ...findings.map(formatPlanFinding), ...(report.warnings ?? []));

  const blocked = refusals.length > 0 || findings.some((f) => !f.acknowledged);
  const changed = outcomes.filter((o): o is Extract<StackOutcome, { status: "planned" }> => o.status === "planned" && hasChanges(o.counts));
  const waiting = outcomes.filter((o) => o.status === "waiting");
  if (blocked) {
    lines.push("", "Not safe to apply: fix or acknowledge the findings above.");
    if (command && changed.length) lines.push("The plans are kept for review:", ...changed.map((o) => `  ${command(o, "show")}`));
  } else if (command && changed.length) {
    lines.push("", "To apply exactly these plans:", ...changed.map((o) => `  ${command(o, "apply")}`));
  }
  if (waiting.length) lines.push("", `Then run npm run plan again for ${waiting.map((o) => o.stack).join(", ")}: they read outputs that change first.`);
  if (!blocked && !changed.length && !waiting.length && outcomes.every((o) => o.status === "planned")) lines.push("", "No changes: the infrastructure matches the cluster file.");
  return lines.join("\n");
}
