/**
 * json-stable-stringify 1.3 (keys sorted, `space` indentation), as cdktf calls it to write every
 * stack's JSON and the manifest: the same text, character for character (empty lists and objects
 * keep its line break, "[\n  ]"), at a fraction of the cost. The original builds each level's
 * indentation one character at a time and searches an array of ancestors for cycles, for every
 * value. scripts/run.cjs bundles this in its place; __tests__/cdktf/stable-stringify.test.ts
 * compares the two on generated values.
 */
type Options = { space?: string | number };

export = function stableStringify(obj: unknown, opts?: Options): string | undefined {
  if (opts !== undefined && (typeof opts !== "object" || Object.keys(opts).some((k) => k !== "space"))) {
    // cdktf passes only `space`; anything else is a caller this copy was not written for.
    throw new TypeError("this json-stable-stringify (src/cdktf/stable-stringify.ts) takes only the `space` option");
  }
  const space = typeof opts?.space === "number" ? " ".repeat(opts.space) : (opts?.space ?? "");
  const colon = space ? ": " : ":";
  const indents: string[] = [];
  const indentAt = (level: number) => (indents[level] ??= space ? `\n${space.repeat(level)}` : "");
  const ancestors = new Set<object>();

  const stringify = (value: unknown, level: number): string | undefined => {
    const node: unknown = value && typeof (value as { toJSON?: unknown }).toJSON === "function" ? (value as { toJSON(): unknown }).toJSON() : value;
    if (node === undefined) return undefined;
    if (typeof node !== "object" || node === null) return JSON.stringify(node);
    const indent = indentAt(level);
    const out: string[] = [];
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) out.push(indent + space + (stringify(node[i] as unknown, level + 1) || "null"));
      return `[${out.join(",")}${indent}]`;
    }
    if (ancestors.has(node)) throw new TypeError("Converting circular structure to JSON");
    ancestors.add(node);
    for (const key of Object.keys(node).sort()) {
      const v = stringify((node as Record<string, unknown>)[key], level + 1);
      if (v) out.push(indent + space + JSON.stringify(key) + colon + v);
    }
    ancestors.delete(node);
    return `{${out.join(",")}${indent}}`;
  };
  return stringify(obj, 0);
};
