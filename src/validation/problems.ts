import { Token } from "cdktf";
import type { Construct } from "constructs";

/** Where a problem is, relative to the props checked: `["availabilityZones", 1]`. */
export type PropPath = readonly (string | number)[];

/** One broken rule: the prop (a path into the props) and what is wrong, with the value echoed. */
export interface PropProblem {
  readonly prop: PropPath;
  readonly message: string;
}

/** `a.b[0].c`; an empty key, which a dot would hide, as `[""]`. */
export function formatPropPath(path: PropPath): string {
  return path.reduce<string>((out, s) => (typeof s === "number" ? `${out}[${s}]` : s === "" ? `${out}[""]` : out ? `${out}.${s}` : s), "");
}

/** Renders a value for a message: short, on one line, never throwing. */
export function echo(value: unknown): string {
  let text: string;
  try {
    // JSON has no -.inf or .NaN: JSON.stringify would show them as null.
    text = typeof value === "bigint" || (typeof value === "number" && !Number.isFinite(value)) ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Array.isArray(value) ? "a list" : "an object";
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Collects problems for one set of props; `at` nests a sub-check's problems under a prop. */
export class Problems {
  readonly list: PropProblem[] = [];

  add(prop: PropPath, message: string | undefined): this {
    if (message) this.list.push({ prop, message });
    return this;
  }

  addAll(prop: PropPath, problems: readonly PropProblem[]): this {
    for (const p of problems) this.list.push({ prop: [...prop, ...p.prop], message: p.message });
    return this;
  }
}

/** A value a later deploy resolves (a reference to another resource): the checks leave it alone. */
export const isToken = (value: unknown): boolean => value !== undefined && value !== null && Token.isUnresolved(value);

/** Thrown by a construct whose props break a rule: every problem, one line each, under the construct's path. */
export class PropsError extends Error {
  constructor(
    readonly constructPath: string,
    readonly problems: readonly PropProblem[],
  ) {
    super(problems.map((p) => `${constructPath}: ${formatPropPath(p.prop)}: ${p.message}`).join("\n"));
    this.name = "PropsError";
  }
}

/** Throws one PropsError for `scope` when `problems` is not empty (aws-cdk's Vpc checks its props the same way). */
export function assertValidProps(scope: Construct, problems: readonly PropProblem[]): void {
  if (problems.length) throw new PropsError(scope.node.path, problems);
}

/** Whether `value` is one of `values`; the message lists them. */
export const oneOf = (values: readonly string[], value: unknown) => (values.includes(value as string) ? undefined : `must be one of ${values.join(", ")} (got ${echo(value)})`);

/** Whether `value` is given: `what` says what is missing otherwise. */
export const required = (value: unknown, what = "is required") => (value === undefined || value === null || value === "" ? what : undefined);
