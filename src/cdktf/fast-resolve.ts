/**
 * cdktf's token resolution (cdktf/lib/tokens/private/resolve.js, 0.21), with its result and its
 * errors unchanged, at a fraction of the cost. It runs twice over every value of every stack
 * (once to find cross-stack references, once to write the JSON) and was the largest part of a
 * synth: for every key and value it built two resolve contexts (four closures), a path string
 * and a path array, resolved each key as if it could be a token, and ran three regular
 * expressions on every string. Here a plain string, number or key, which holds no token marker,
 * is returned as it is; contexts are built only where a token is resolved, since only tokens see
 * them; the path is joined only for an error. What reaches a token is exactly what cdktf built.
 * Installed by synthesize(); __tests__/synth-output.cli.test.ts holds the output to the byte.
 */
import { Token, Tokenization } from "cdktf";
import * as errors from "cdktf/lib/errors";
import * as encoding from "cdktf/lib/tokens/private/encoding";
import type { IResolveOptions } from "cdktf/lib/tokens/private/resolve";
import { TokenMap } from "cdktf/lib/tokens/private/token-map";
import { StringConcat } from "cdktf/lib/tokens/resolvable";
import type { IPostProcessor, IResolveContext } from "cdktf/lib/tokens/resolvable";

// Every string, list and map token marker holds this; a string without it holds no such token.
const TOKEN_MARK = "TfToken[";
const MAP_TOKEN_MARK = "&{TfToken[";
const LIST_TOKEN_MARK = "#{TfToken[";
// cdktf's NUMBER_TOKEN_REGEX (encoding.js), not exported: where a string may hold an encoded number.
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
// Read once: the bundle reaches a module's exports through getters.
const { STRING_MAP_TOKEN_VALUE, ANY_MAP_TOKEN_VALUE, NUMBER_MAP_TOKEN_VALUE } = Token;
const { TokenString, containsMapToken, containsNumberListTokenElement, containsStringListTokenElement } = encoding;
const tokenMap = TokenMap.instance();

/** A string as cdktf's resolve() returns it when it holds no token: itself. */
function isPlainString(s: string): boolean {
  return !s.includes(TOKEN_MARK) && !NUMBER_TOKEN.test(s) && s !== STRING_MAP_TOKEN_VALUE && s !== ANY_MAP_TOKEN_VALUE;
}

/** Where a value sits, for cdktf's depth bound and its messages; made into an array only where needed. */
interface Path {
  readonly parent?: Path;
  readonly key: string;
}

function pathArray(path: Path | undefined, base: string[]): string[] {
  const out: string[] = [];
  for (let p = path; p; p = p.parent) out.push(p.key);
  return base.concat(out.reverse());
}

/** cdktf's makeContext: what a token's resolve() and the resolver's hooks are given. */
function makeContext(options: IResolveOptions, path: Path | undefined): [IResolveContext, IPostProcessor] {
  const newPrefix = path ? pathArray(path, options.prefix || []) : options.prefix;
  let postProcessor: IPostProcessor | undefined;
  const context: IResolveContext = {
    preparing: options.preparing,
    scope: options.scope,
    suppressBraces: options.previousContext?.suppressBraces,
    ignoreEscapes: options.previousContext?.ignoreEscapes,
    warnEscapes: options.previousContext?.warnEscapes,
    iteratorContext: options.previousContext?.iteratorContext,
    registerPostProcessor(pp: IPostProcessor) {
      postProcessor = pp;
    },
    resolve(x: unknown) {
      return fastResolve(x, { scope: options.scope, preparing: options.preparing, resolver: options.resolver, prefix: newPrefix, previousContext: context });
    },
  };
  return [context, { postProcess: (x: unknown) => (postProcessor ? postProcessor.postProcess(x, context) : x) }];
}

export function fastResolve(obj: any, options: IResolveOptions): any {
  return resolveAt(obj, options, undefined, (options.prefix || []).length);
}

/**
 * cdktf's resolve() for `obj` at `path` below options.prefix (`depth` long in all). A value nested
 * in a plain list or object gets, in cdktf, a fresh context as its previous one, copied field by
 * field from this level's previous context and seen by nobody else: keeping this level's options
 * is the same.
 */
function resolveAt(obj: any, options: IResolveOptions, path: Path | undefined, depth: number): any {
  const pathName = () => "/" + pathArray(path, options.prefix || []).join("/");
  if (depth > 200) throw errors.unableToResolveCircularReference(pathName());
  if (typeof obj === "undefined") return undefined;
  if (obj === null) return null;
  if (typeof obj === "function") throw errors.cannotResolveFunction(pathName(), obj);

  if (typeof obj === "string") {
    if (isPlainString(obj)) return obj;
    if (TokenString.forListToken(obj).test()) throw errors.encodedListTokenInScalarStringContext();
    if (obj === STRING_MAP_TOKEN_VALUE || obj === ANY_MAP_TOKEN_VALUE) throw errors.encodedMapTokenInScalarStringContext();
    let str = obj;
    const context = makeContext(options, path)[0];
    const tokenStr = TokenString.forString(str, !context.ignoreEscapes, context.warnEscapes);
    if (tokenStr.test()) {
      const fragments = tokenStr.split(tokenMap.lookupToken.bind(tokenMap));
      str = options.resolver.resolveString(fragments, makeContext(options, path)[0]);
    }
    const tokenNumberStr = TokenString.forNumbers(str);
    if (tokenNumberStr.test()) {
      const fragments = tokenNumberStr.split((id) => tokenMap.lookupNumberToken(parseFloat(id)));
      str = fragments.mapTokens(makeContext(options, path)[0]).join(new StringConcat());
    }
    return str;
  }

  if (typeof obj === "number") {
    if (obj === NUMBER_MAP_TOKEN_VALUE) throw errors.encodedMapTokenInScalarNumberContext();
    const token = tokenMap.lookupNumberToken(obj);
    return token === undefined ? obj : makeContext(options, path)[0].resolve(token);
  }

  if (typeof obj !== "object" || obj instanceof Date) return obj;

  if (Array.isArray(obj)) {
    if (obj.some((x) => typeof x === "string" && x.includes(LIST_TOKEN_MARK)) && containsStringListTokenElement(obj)) {
      return options.resolver.resolveList(obj, makeContext(options, path)[0]);
    }
    if (containsNumberListTokenElement(obj)) return options.resolver.resolveNumberList(obj, makeContext(options, path)[0]);
    const out: unknown[] = [];
    obj.forEach((x, i) => {
      const v = resolveAt(x, options, { parent: path, key: `${i}` }, depth + 1);
      if (typeof v !== "undefined") out.push(v);
    });
    return out;
  }

  const keys = Object.keys(obj);
  if (keys.some((k) => k.includes(MAP_TOKEN_MARK)) && containsMapToken(obj)) {
    return options.resolver.resolveMap(obj, makeContext(options, path)[0]);
  }
  if (Tokenization.isResolvable(obj)) {
    const [context, postProcessor] = makeContext(options, path);
    return options.resolver.resolveToken(obj, context, postProcessor);
  }
  if (obj._children !== undefined && obj._metadata !== undefined) throw errors.constructsCannotBeResolved(pathName());

  const result: Record<string, unknown> = {};
  for (const key of keys) {
    // cdktf resolves a key at this level's own path.
    const resolvedKey = isPlainString(key) ? key : resolveAt(key, options, path, depth);
    if (typeof resolvedKey !== "string") throw errors.mapKeyMustResolveToString(pathName(), key, resolvedKey);
    const value = resolveAt(obj[key], options, { parent: path, key }, depth + 1);
    if (typeof value === "undefined") continue;
    result[resolvedKey] = value;
  }
  return result;
}
/** Makes cdktf's Token.resolve, through which every synthesis resolves, use fastResolve. */
export function installFastResolve(): void {
  // The module object itself: token.js reads its `resolve` at every call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const resolveModule: { resolve: (obj: any, options: IResolveOptions) => any } = require("cdktf/lib/tokens/private/resolve");
  resolveModule.resolve = fastResolve;
}
