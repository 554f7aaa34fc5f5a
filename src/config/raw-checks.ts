import { Document, isAlias, isPair, isScalar, isSeq, Node, visit } from "yaml";
import { echo } from "../validation/problems";

/**
 * Checks on the file as written, before its schema: what YAML or JavaScript would silently
 * change (a key given twice through an alias, a key named __proto__) and what Terraform would
 * read differently from the file (a template sequence).
 */

type Segment = string | number;

export interface RawFinding {
  readonly path: readonly Segment[];
  readonly message: string;
  /** Where the finding is when its path cannot say it (a key given twice). */
  readonly offset?: number;
}

/**
 * YAML's unique-key check compares keys as written, so `*k: x` beside the key `k` names points to
 * passes it and the later value silently wins. Keys are compared here as the values they stand for.
 */
export function aliasedDuplicateKeys(doc: Document): RawFinding[] {
  const out: RawFinding[] = [];
  visit(doc, {
    Map(_, map, path) {
      // Each key as the value it stands for, and the alias it was written through, if any.
      const seen = new Map<string, string | undefined>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        const alias = isAlias(key) ? key.source : undefined;
        const resolved = isAlias(key) ? key.resolve(doc) : key;
        if (!isScalar(resolved)) continue;
        const name = String(resolved.value);
        const earlier = seen.get(name);
        if (seen.has(name) && (alias ?? earlier) !== undefined) {
          out.push({
            path: fieldPath(map, path),
            offset: key?.range?.[0],
            message: `the key ${echo(name)} is given twice, once through the alias *${alias ?? earlier}; YAML keeps only the last, so write it once`,
          });
        }
        seen.set(name, alias);
      }
    },
  });
  return out;
}

/** The field path of `node` from the visitor's ancestors: pairs give keys, sequences indexes. */
function fieldPath(node: unknown, ancestors: readonly unknown[]): Segment[] {
  const out: Segment[] = [];
  ancestors.forEach((a, i) => {
    if (isPair(a) && isScalar(a.key)) out.push(String(a.key.value));
    else if (isSeq(a)) out.push(a.items.indexOf(ancestors[i + 1] ?? node));
  });
  return out;
}

/** Free text that never reaches Terraform's configuration language. */
const FREE_TEXT: readonly RegExp[] = [/^\$schema$/, /^(clusters\[\d+\]\.)?guardrails\.acknowledge\[\d+\]\.reason$/];

const TEMPLATE = /[$%]\{/;

/**
 * Walks the file's values: keys named __proto__ (JavaScript code reading the map would take it as
 * the map's prototype, and schemas drop it without a word), and Terraform template sequences. In
 * Terraform's JSON syntax a string holding `${` or `%{` is a template in a resource, provider or
 * remote-state block but literal in a backend block, so the same value would name two things.
 * No field of the cluster file needs one.
 */
export function rawValueProblems(root: unknown, format: (path: readonly Segment[]) => string): RawFinding[] {
  const out: RawFinding[] = [];
  const stack: [unknown, Segment[]][] = [[root, []]];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      const m = TEMPLATE.exec(value);
      if (m && !FREE_TEXT.some((r) => r.test(format(path)))) {
        out.push({
          path,
          message: `holds ${m[0]}, a Terraform template sequence: Terraform would read it as an expression, not as text; no field of a cluster file needs one (got ${echo(value)})`,
        });
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, [...path, i]]));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k === "__proto__") {
          out.push({ path: [...path, k], message: "keys named __proto__ are refused: JavaScript reads them as an object's prototype, so the value would be lost" });
          continue;
        }
        const m = TEMPLATE.exec(k);
        if (m) out.push({ path: [...path, k], message: `holds ${m[0]}, a Terraform template sequence, in a key: Terraform would read it as an expression` });
        stack.push([v, [...path, k]]);
      }
    }
  }
  return out.sort((a, b) => format(a.path).localeCompare(format(b.path)));
}
