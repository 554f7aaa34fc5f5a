/**
 * The parts of Terraform's JSON plan (`terraform show -json <planfile>`, format 1.x) the checker
 * reads. HCP Terraform's JSON plan has the same shape, with sensitive values redacted: nothing
 * here depends on a sensitive value.
 */

export type Action = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/** An object's attributes before or after a change, by Terraform's names (null where there is no object). */
export interface Attributes {
  readonly tags?: Readonly<Record<string, unknown>> | null;
  readonly tags_all?: Readonly<Record<string, unknown>> | null;
  readonly [attribute: string]: unknown;
}

export interface Change {
  readonly actions: readonly Action[];
  readonly before: Attributes | null;
  readonly after: Attributes | null;
  /** Mirrors `after`; `true` where the value is known only after apply. */
  readonly after_unknown?: Readonly<Record<string, unknown>>;
  /** For a replacement: the attributes that force it. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  readonly importing?: { readonly id?: string };
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** Set when the change is to a deposed object left by an earlier create-before-destroy. */
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: Change;
}

export interface OutputChange {
  readonly actions: readonly Action[];
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  /** Absent from targeted plans. */
  readonly output_changes?: Readonly<Record<string, OutputChange>>;
}

/** What a change does to the live object, as the plan table counts it. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "none";

export function kindOf(actions: readonly Action[]): ChangeKind {
  const has = (a: Action) => actions.includes(a);
  if (has("delete") && has("create")) return "replace";
  if (has("delete")) return "delete";
  if (has("create")) return "create";
  if (has("update")) return "update";
  // no-op, read (data sources) and forget (removed from state, the object stays).
  return "none";
}

/** Changes to managed objects (data-source reads are not changes to anything). */
export function managedChanges(plan: PlanJson): ResourceChange[] {
  return (plan.resource_changes ?? []).filter((rc) => rc.mode === "managed");
}

/** Bad plan JSON: one line naming the source and what is wrong. */
export class PlanJsonError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = "PlanJsonError";
  }
}

/** Parses a JSON plan and checks it is one (rather than a state file or the human plan output). */
export function parsePlanJson(text: string, source: string): PlanJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new PlanJsonError(source, `not JSON (${(e as Error).message}); give the output of terraform show -json <planfile>`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new PlanJsonError(source, "not a JSON plan (expected an object)");
  const plan = parsed as { format_version?: unknown; resource_changes?: unknown };
  if (typeof plan.format_version !== "string" || !/^1\./.test(plan.format_version)) {
    throw new PlanJsonError(
      source,
      `not a JSON plan of format 1.x (got format_version ${JSON.stringify(plan.format_version)}); give the output of terraform show -json <planfile>`,
    );
  }
  if (!("planned_values" in plan) && !("resource_changes" in plan)) {
    throw new PlanJsonError(source, "has no resource_changes: a state (terraform show -json without a plan file) rather than a plan");
  }
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) {
    throw new PlanJsonError(source, "resource_changes is not a list");
  }
  return plan as PlanJson;
}
