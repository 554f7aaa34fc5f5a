import { App, Fn, Lazy, TerraformStack, TerraformVariable, Token } from "cdktf";
import { resolve as resolveIn } from "cdktf/lib/_tokens";
import { fastResolve } from "../../src/cdktf/fast-resolve";

// cdktf's own resolver, taken from its module object (what Token.resolve calls) before any swap.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resolveModule: { resolve: typeof fastResolve } = require("cdktf/lib/tokens/private/resolve");
const cdktfResolve = resolveModule.resolve;

/**
 * What cdktf's resolve(scope, value) gives (or throws) with `resolver` in place, first as the
 * cross-stack pass does (preparing), then as synth does. `value` is built once per test, so both
 * resolvers meet the same tokens.
 */
function resolvedWith(resolver: typeof fastResolve, stack: TerraformStack, value: unknown): unknown[] {
  resolveModule.resolve = resolver;
  try {
    return [true, false].map((preparing) => {
      try {
        return resolveIn(stack, value, preparing);
      } catch (e) {
        return `threw: ${(e as Error).message}`;
      }
    });
  } finally {
    resolveModule.resolve = cdktfResolve;
  }
}

describe("fastResolve gives what cdktf's resolve gives", () => {
  const app = new App({ stackTraces: false });
  const stack = new TerraformStack(app, "s");
  const text = new TerraformVariable(stack, "text", { type: "string" });
  const count = new TerraformVariable(stack, "count", { type: "number" });
  const names = new TerraformVariable(stack, "names", { type: "list(string)" });
  const tags = new TerraformVariable(stack, "tags", { type: "map(string)" });
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 205; i++) deep = { [`k${i}`]: deep };

  test.each<[string, () => unknown]>([
    ["plain values, nested, with undefined dropped", () => ({ a: "plain", b: 1.5, c: [1, "x", null, undefined, true], d: { e: { f: [] } }, g: undefined })],
    ["strings that look like escapes or numbers", () => ({ a: "literal ${not.a.token}", b: "10e3", c: "1.5e+10x", d: "}{" })],
    [
      "a string token, alone and inside a string, with a number token",
      () => ({ a: text.stringValue, b: `${text.stringValue}-suffix`, c: `pre-${text.stringValue}-${Token.asString(count.numberValue)}`, d: `n=${count.numberValue}` }),
    ],
    [
      "number and list tokens",
      () => ({
        n: count.numberValue,
        sum: Token.asNumber(Fn.sum([count.numberValue, 2])),
        l: names.listValue,
        j: Fn.join(",", names.listValue),
        e: Fn.element(names.listValue, 0),
      }),
    ],
    [
      "a map token as a value and a token as a key",
      () => ({ m: Token.asStringMap(tags.value), [text.stringValue]: "v", merged: Fn.merge([Token.asStringMap(tags.value), { k: "v" }]) }),
    ],
    [
      "lazy values that produce tokens and objects",
      () => ({ a: Lazy.stringValue({ produce: () => `x-${text.stringValue}` }), b: Lazy.anyValue({ produce: () => ({ k: [count.numberValue, "y"] }) }) }),
    ],
    ["a function, refused with its path", () => ({ a: { b: () => 1 } })],
    ["a list token in a string context, refused", () => ({ a: `${String(names.listValue)}` })],
    ["nesting past 200 levels, refused with its path", () => deep],
  ])("%s", (_name, value) => {
    const built = value();
    const expected = resolvedWith(cdktfResolve, stack, built);
    expect(resolvedWith(fastResolve, stack, built)).toEqual(expected);
  });

  test("the comparison can fail: cdktf's values are there, and a resolver that differs is caught", () => {
    const value = { a: text.stringValue, n: count.numberValue };
    expect(resolvedWith(cdktfResolve, stack, value)).toEqual([
      { a: "${var.text}", n: "${var.count}" },
      { a: "${var.text}", n: "${var.count}" },
    ]);
    const shouting: typeof fastResolve = (obj, options) => {
      return JSON.parse(JSON.stringify(fastResolve(obj, options)).toUpperCase());
    };
    expect(resolvedWith(shouting, stack, value)).not.toEqual(resolvedWith(cdktfResolve, stack, value));
  });
});
