import * as path from "node:path";
import fc from "fast-check";
import stableStringify = require("../../src/cdktf/stable-stringify");

// The copy cdktf itself requires, which the bundle replaces.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const original: (obj: unknown, opts?: object) => string | undefined = require(require.resolve("json-stable-stringify", { paths: [path.dirname(require.resolve("cdktf"))] }));

describe("stable-stringify writes what json-stable-stringify writes", () => {
  test("on generated JSON-like values (nested, empty lists and objects, odd keys, undefined, dates), at cdktf's 2 spaces and others", () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true })),
      node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(fc.string(), tie("node"), { maxKeys: 5 })),
    })).node;
    fc.assert(
      fc.property(value, fc.constantFrom<number | string | undefined>(2, 0, 4, "\t", undefined), (v, space) => {
        const opts = space === undefined ? undefined : { space };
        expect(stableStringify(v, opts)).toBe(original(v, opts));
      }),
      { numRuns: 500, seed: 23 },
    );
  });

  test("integer-like keys sort as strings, and an empty list keeps its line break", () => {
    const v = { b: [], 10: {}, 9: "x", a: [1, undefined, () => 1] };
    expect(stableStringify(v, { space: 2 })).toBe(original(v, { space: 2 }));
    expect(stableStringify(v, { space: 2 })).toContain('"b": [\n  ]');
  });

  test("a cycle is refused as the original refuses it", () => {
    const v: Record<string, unknown> = { a: 1 };
    v.self = v;
    expect(() => original(v, { space: 2 })).toThrow("Converting circular structure to JSON");
    expect(() => stableStringify(v, { space: 2 })).toThrow("Converting circular structure to JSON");
  });

  test("an option cdktf does not pass is refused, not ignored", () => {
    expect(() => stableStringify({}, { cmp: () => 0 } as object)).toThrow(/takes only the `space` option/);
  });
});
