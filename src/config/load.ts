import * as path from "node:path";
import { Composer, CST, Document, isMap, isPair, isScalar, LineCounter, Parser, visit, YAMLParseError } from "yaml";
import type * as z from "zod";
import { echo } from "../validation/problems";
import { ConfigError, ConfigProblem, formatProblem, oneLine } from "./errors";
import { InstallAssets, InstallDirError, readInstallDir } from "./install-dir";
import { aliasedDuplicateKeys, rawValueProblems } from "./raw-checks";
import { FileReadError, MiB, readRegularText, shownPath } from "./read-file";
import { clusterFileSchema, clusterSchema, ParsedCluster } from "./schema";
import { formatPropPath } from "../validation/problems";
import { Candidate, ClusterPropsCheck, clusterWarnings, fleetProblems, Finding, IdentityField, semanticProblems, ValueSource } from "./validate";

/** A fully resolved cluster: defaults applied, identity known, installDir read. */
export type ClusterConfig = ParsedCluster & {
  readonly clusterName: string;
  readonly infraId: string;
  readonly region: string;
  readonly baseDomain: string;
  /** Assets read from installDir; absent when the file gives the identity fields itself. */
  readonly assets?: InstallAssets;
};

export interface LoadResult {
  readonly clusters: ClusterConfig[];
  /** Problems that do not stop synth (for example overlapping VPC CIDRs in a fleet). */
  readonly warnings: string[];
  /** A problem with cluster `index`'s field, placed where the file sets it (for checks made after loading). */
  problem(index: number, segments: readonly (string | number)[], message: string): ConfigProblem;
}

type Segment = string | number;

/**
 * Bounds on the file's structure: a cluster file nests six levels and needs no aliases, so these
 * only stop hostile input (deep nesting overflows the parser's recursion, duplicate-key checks grow
 * with the square of a mapping's size, an alias bomb expands exponentially). The top-level
 * `clusters:` list is exempt from the entry bound: a fleet of any legitimate size is bounded by
 * the file's size alone (1 MiB, some thousands of clusters), each of its clusters by these bounds,
 * and synthesis time and memory grow linearly with it (docs/development.md: npm run bench).
 */
const MAX_NESTING = 16;
const MAX_ENTRIES = 1000;
const MAX_ALIAS_COUNT = 100;
const COLLECTIONS = new Set(["block-map", "block-seq", "flow-collection"]);

/** The value token of the top-level mapping's `clusters` key, the one collection the entry bound spares. */
function fleetList(tokens: readonly object[]): unknown {
  for (const token of tokens as CST.Token[]) {
    if (token.type !== "document" || !token.value || !("items" in token.value) || !COLLECTIONS.has(token.value.type)) continue;
    for (const item of token.value.items as { key?: CST.Token | null; value?: CST.Token }[]) {
      if (item.key && CST.isScalar(item.key) && CST.resolveAsScalar(item.key)?.value === "clusters") return item.value;
    }
  }
  return undefined;
}

/** The first collection nested too deep or holding too many entries, found without recursion. */
function structureProblem(tokens: readonly object[]): { offset: number; message: string } | undefined {
  const fleet = fleetList(tokens);
  const stack: [unknown, number][] = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!node || typeof node !== "object") continue;
    const { type, offset = 0, items } = node as { type?: unknown; offset?: number; items?: unknown };
    const collection = typeof type === "string" && COLLECTIONS.has(type);
    const level = collection ? depth + 1 : depth;
    if (level > MAX_NESTING) return { offset, message: `collections nest deeper than ${MAX_NESTING} levels here; a cluster file needs at most 6` };
    if (collection && node !== fleet && Array.isArray(items) && items.length > MAX_ENTRIES) {
      return {
        offset,
        message: `a mapping or list here holds more than ${MAX_ENTRIES} entries; at most ${MAX_ENTRIES} are read in one (the fleet's clusters: list excepted), so that a hostile file cannot exhaust memory`,
      };
    }
    for (const child of Object.values(node)) if (child && typeof child === "object") stack.push([child, level]);
  }
  return undefined;
}

/** Where a value of the file came from: its line, and the path to print. */
class Source {
  private readonly lines = new LineCounter();
  readonly doc: Document;

  constructor(
    readonly file: string,
    text: string,
  ) {
    // parseDocument's two passes, with the nesting bounded between them.
    const tokens = Array.from(new Parser(this.lines.addNewLine).parse(text));
    const bad = structureProblem(tokens);
    if (bad) throw new ConfigError([{ file, path: "", line: this.lineAt(bad.offset), message: bad.message }]);
    const docs = Array.from(new Composer({ uniqueKeys: true }).compose(tokens, true, text.length));
    this.doc = docs[0];
    if (docs.length > 1) {
      this.doc.errors.push(new YAMLParseError(docs[1].range.slice(0, 2) as [number, number], "MULTIPLE_DOCS", "Source contains multiple documents"));
    }
  }

  /** The file as plain values; an alias bomb is a problem with the file, not a crash. */
  toJS(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      const unresolved = /^Unresolved alias.*: (.*)$/.exec(e.message);
      if (unresolved) {
        const alias = this.findAlias(unresolved[1]);
        throw new ConfigError([
          {
            file: this.file,
            path: "",
            line: alias,
            message: `the alias *${unresolved[1]} names no anchor set before it; write &${unresolved[1]} on the value first, or the value itself`,
          },
        ]);
      }
      throw new ConfigError([{ file: this.file, path: "", message: `YAML aliases expand to too many values (more than ${MAX_ALIAS_COUNT} uses); write the values out` }]);
    }
  }

  /** The line of the first alias to `name` that no anchor before it defines. */
  private findAlias(name: string): number | undefined {
    let line: number | undefined;
    visit(this.doc, {
      Alias: (_, alias) => {
        if (alias.source !== name || line !== undefined) return;
        line = alias.range ? this.lineAt(alias.range[0]) : undefined;
        return visit.BREAK;
      },
    });
    return line;
  }

  lineAt(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  lineOf(segments: readonly Segment[]): number | undefined {
    // The deepest node that exists, so a missing field points at its parent.
    for (let n = segments.length; n >= 0; n--) {
      const node = this.doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === "object" && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  /** The line of a key itself (for unknown keys). */
  keyLine(parent: readonly Segment[], key: string): number | undefined {
    const map = parent.length ? this.doc.getIn(parent, true) : this.doc.contents;
    if (isMap(map)) {
      const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return this.lines.linePos(range[0]).line;
    }
    return this.lineOf(parent);
  }

  problem(segments: readonly Segment[], message: string): ConfigProblem {
    return { file: this.file, path: formatPath(segments), message, line: this.lineOf(segments) };
  }
}

export const formatPath = (segments: readonly Segment[]): string => formatPropPath(segments);

function valueAt(root: unknown, segments: readonly Segment[]): unknown {
  return segments.reduce<unknown>((v, s) => (v == null ? undefined : (v as Record<Segment, unknown>)[s]), root);
}

/**
 * Turns a schema issue into one line that names the field, says what is allowed and echoes the
 * value. `place` maps the issue's path in `raw` to the file's (a fleet entry's issue to clusters[i]).
 */
function issueProblems(src: Source, raw: unknown, issue: z.core.$ZodIssue, place: (segments: readonly Segment[]) => Segment[] = (s) => [...s]): ConfigProblem[] {
  const segments = issue.path.filter((s): s is Segment => typeof s !== "symbol");
  const got = valueAt(raw, segments);
  const problem = (message: string) => src.problem(place(segments), message);
  switch (issue.code) {
    case "unrecognized_keys": {
      const shape = allowedKeys(segments);
      const at = place(segments);
      // __proto__ is refused on its own (raw-checks.ts).
      return issue.keys
        .filter((key) => key !== "__proto__")
        .map((key) => ({ file: src.file, path: formatPath([...at, key]), message: `unknown field${shape ? ` (allowed here: ${shape})` : ""}`, line: src.keyLine(at, key) }));
    }
    case "invalid_type":
      return [problem(got === undefined ? "is required" : `must be ${article(issue.expected)} (got ${echo(got)})`)];
    case "invalid_value":
      return [problem(`must be one of ${issue.values.map(String).join(", ")} (got ${echo(got)})`)];
    case "too_small":
    case "too_big": {
      // A message the schema wrote itself says more than the generic bound.
      if (!/^Too (small|big)/.test(issue.message)) return [problem(`${issue.message} (got ${echo(got)})`)];
      if (issue.code === "too_small" && issue.origin === "string" && Number(issue.minimum) === 1) return [problem("must not be empty")];
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const limit = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const what = issue.origin === "array" ? ` item${Number(limit) === 1 ? "" : "s"}` : issue.origin === "string" ? " characters" : "";
      return [problem(`must be ${bound} ${limit}${what} (got ${echo(got)})`)];
    }
    case "invalid_key":
      return [problem(`${issue.issues.map((i) => i.message).join("; ")} (got ${echo(segments[segments.length - 1])})`)];
    case "invalid_union": {
      // Report the branch the value was meant for (the one whose type it has), if any.
      const branch = issue.errors.find((errs) => !errs.some((e) => e.code === "invalid_type" && e.path.length === 0));
      if (branch) return branch.flatMap((e) => issueProblems(src, raw, { ...e, path: [...issue.path, ...e.path] }, place));
      return [problem(`${unionHint(segments)} (got ${echo(got)})`)];
    }
    default:
      return [problem(`${issue.message} (got ${echo(got)})`)];
  }
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

function unionHint(segments: readonly Segment[]): string {
  return formatPath(segments).endsWith("availabilityZones") ? "must be a count from 1 to 3, or a list of 1 to 3 AZ names of the region" : "has the wrong form";
}

/** The keys the schema allows at a path, to help with typos. */
function allowedKeys(segments: readonly Segment[]): string | undefined {
  let schema: SchemaNode | undefined = clusterFileSchema as unknown as SchemaNode;
  for (const s of segments) {
    if (typeof s === "number") {
      schema = schema?.unwrap?.() ?? schema;
      schema = schema?.def?.element ?? schema?.element;
      continue;
    }
    schema = unwrapObject(schema)?.shape?.[s];
  }
  const shape = unwrapObject(schema)?.shape;
  return shape
    ? Object.keys(shape)
        .filter((k) => k !== "$schema")
        .join(", ")
    : undefined;
}

/** What the walk reads of a zod 4 schema: an object's shape, a list's element, a wrapper's inner schema. */
interface SchemaNode {
  readonly shape?: Record<string, SchemaNode>;
  readonly element?: SchemaNode;
  readonly def?: { readonly element?: SchemaNode; readonly innerType?: SchemaNode; readonly in?: SchemaNode };
  unwrap?(): SchemaNode;
}

function unwrapObject(schema: SchemaNode | undefined): SchemaNode | undefined {
  let s = schema;
  for (let i = 0; i < 5 && s && !s.shape; i++) s = s.def?.innerType ?? s.def?.in ?? s.unwrap?.();
  return s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Fleet entries override the shared defaults field by field; lists replace, maps merge. */
function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  // defineProperty: a key named __proto__ is data here, never the object's prototype.
  for (const [k, v] of Object.entries(over)) {
    Object.defineProperty(out, k, { value: merge(Object.hasOwn(base, k) ? base[k] : undefined, v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A whole fleet of clusters with every field set fits in a few hundred KiB; the cap keeps a
 * runaway file (a generated 20 MB tags map, /dev/zero) from stalling synth or exhausting memory.
 */
export const CLUSTER_FILE_LIMIT = MiB;

function readText(file: string, shownAs: string): string {
  try {
    return readRegularText(file, CLUSTER_FILE_LIMIT, "a cluster file, even for a large fleet, is far smaller");
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    const message = e.message.startsWith("cannot read the file") ? e.message.replace("the file", "the cluster file") : `the cluster file ${e.message}`;
    throw new ConfigError([{ file: shownAs, path: "", message }]);
  }
}

const isRequiredIssue = (value: unknown, issue: z.core.$ZodIssue) =>
  issue.code === "invalid_type" &&
  valueAt(
    value,
    issue.path.filter((s): s is Segment => typeof s !== "symbol"),
  ) === undefined;

/**
 * The file's fields against the schema. In a fleet the shared fields and each entry are checked
 * apart, each without the fields it may leave to the other (maps merge: a shared backend.s3 may
 * give the region and each entry its bucket); the merge of the two is checked when it is made.
 */
function shapeCheck(src: Source, raw: Record<string, unknown>): ConfigProblem[] {
  const entries = raw.clusters;
  if (!Array.isArray(entries) || entries.length === 0) {
    const shape = clusterFileSchema.safeParse(raw);
    return shape.success ? [] : shape.error.issues.flatMap((i) => issueProblems(src, raw, i));
  }
  const { clusters: _entries, ...shared } = raw;
  const out: ConfigProblem[] = [];
  const check = (value: unknown, place: (segments: readonly Segment[]) => Segment[]) => {
    const shape = clusterSchema.safeParse(value);
    if (!shape.success) out.push(...shape.error.issues.filter((i) => !isRequiredIssue(value, i)).flatMap((i) => issueProblems(src, value, i, place)));
  };
  check(shared, (s) => [...s]);
  entries.forEach((entry, i) => {
    if (!isPlainObject(entry)) out.push(src.problem(["clusters", i], `must be a mapping of a cluster's fields (got ${echo(entry)})`));
    else check(entry, (s) => ["clusters", i, ...s]);
  });
  return out;
}

/**
 * Each problem once: the same line, field and message for several fleet entries (a shared value,
 * or a shared install folder) becomes one line that names the entries.
 */
function withoutRepeats(problems: readonly (ConfigProblem & { entry?: number })[]): ConfigProblem[] {
  const byText = new Map<string, { problem: ConfigProblem; entries: number[] }>();
  for (const { entry, ...problem } of problems) {
    const key = formatProblem(problem);
    const seen = byText.get(key) ?? { problem, entries: [] };
    if (entry !== undefined) seen.entries.push(entry);
    byText.set(key, seen);
  }
  return [...byText.values()].map(({ problem, entries }) =>
    entries.length ? { ...problem, message: `${problem.message} (for ${entries.map((i) => `clusters[${i}]`).join(", ")})` } : problem,
  );
}

/**
 * Reads, validates and resolves a cluster or fleet file, with `checkProps` for the constructs'
 * rules on each cluster's props (src/cluster-file.ts gives it). Throws ConfigError listing every
 * problem.
 */
export function readClusterFile(file: string, checkProps: ClusterPropsCheck): LoadResult {
  const abs = path.resolve(file);
  const text = readText(abs, file);
  if (!text.trim()) throw new ConfigError([{ file, path: "", message: "the cluster file is empty" }]);

  const src = new Source(file, text);
  if (src.doc.errors.length) {
    throw new ConfigError(
      src.doc.errors.map((e) => ({
        file,
        path: "",
        line: src.lineAt(e.pos[0]),
        message: `malformed YAML/JSON: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const raw = src.toJS();
  if (!isPlainObject(raw)) {
    throw new ConfigError([{ file, path: "", line: 1, message: `the cluster file must be a mapping of fields (got ${echo(raw)})` }]);
  }

  const early = [
    // Only a file with an alias (written `*name`) can give a key through one.
    ...(text.includes("*") ? aliasedDuplicateKeys(src.doc) : []).map((f) => ({ ...src.problem(f.path, f.message), ...(f.offset !== undefined && { line: src.lineAt(f.offset) }) })),
    ...rawValueProblems(raw, formatPath).map((f) => src.problem(f.path, f.message)),
  ];
  const shapeProblems = withoutRepeats([...early, ...shapeCheck(src, raw)]);
  if (shapeProblems.length) throw new ConfigError(shapeProblems);

  const { clusters: entries, ...defaults } = raw;
  const list = Array.isArray(entries) ? entries.map((e) => merge(defaults, e)) : [raw];
  const baseDir = path.dirname(abs);
  const problems: (ConfigProblem & { entry?: number })[] = [];
  const warnings: string[] = [];
  const candidates: (Candidate | undefined)[] = [];
  // Fleet entries share an install folder more often than not: each folder is read and checked once.
  const installDirs = new Map<string, InstallAssets | InstallDirError>();
  // A field set in a fleet entry is reported at clusters[i].<field>; an inherited one at <field>.
  const placed = (index: number, segments: readonly Segment[]) =>
    Array.isArray(entries) && valueAt(entries[index], segments) !== undefined ? ["clusters", index, ...segments] : [...segments];

  list.forEach((entryRaw, index) => {
    const at = (segments: readonly Segment[]) => placed(index, segments);
    // A fleet entry's problem with a field it inherits is reported at the shared field, for this entry.
    const inherited = (where: readonly Segment[]) => (Array.isArray(entries) && where[0] !== "clusters" ? index : undefined);
    const report = (f: Finding) => {
      // A value read from installDir is reported in its own file, by its own field name.
      if (f.source) problems.push({ file: shownPath(f.source.file), path: f.source.path, message: f.message, entry: inherited([]) });
      else problems.push({ ...src.problem(at(f.path), f.message), entry: inherited(at(f.path)) });
    };

    // The shared fields and the entry were checked apart; what only their merge lacks (a required field) is found here.
    const result = clusterSchema.safeParse(entryRaw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        for (const p of issueProblems(src, entryRaw, issue, at)) problems.push({ ...p, entry: inherited(at(issue.path.filter((x): x is Segment => typeof x !== "symbol"))) });
      }
      return;
    }
    const parsed = result.data;
    let assets: InstallAssets | undefined;
    if (parsed.installDir) {
      const dir = path.resolve(baseDir, parsed.installDir);
      let read = installDirs.get(dir);
      if (!read) {
        try {
          read = readInstallDir(dir);
        } catch (e) {
          if (!(e instanceof InstallDirError)) throw e;
          read = e;
        }
        installDirs.set(dir, read);
      }
      if (read instanceof InstallDirError) {
        report({ path: ["installDir"], message: read.message, source: read.source });
        return;
      }
      assets = read;
    }
    // Identity from metadata.json, as written, unless the file gives it: validated the same way.
    const sources: Partial<Record<IdentityField, ValueSource>> = {};
    const identity = (field: IdentityField, explicit: unknown, fromAssets: unknown, source: ValueSource) => {
      if (explicit !== undefined || fromAssets === undefined) return explicit;
      sources[field] = source;
      return fromAssets;
    };
    const metadata = assets?.metadata;
    const metadataSource = (p: string) => ({ file: metadata?.file ?? "", path: p });
    const cluster: Candidate = {
      ...parsed,
      clusterName: identity("clusterName", parsed.clusterName, metadata?.clusterName, metadataSource("clusterName")),
      infraId: identity("infraId", parsed.infraId, metadata?.infraId, metadataSource("infraID")),
      region: identity("region", parsed.region, metadata?.region, metadataSource("aws.region")),
      baseDomain: identity("baseDomain", parsed.baseDomain, assets?.baseDomain, {
        file: path.join(assets?.dir ?? "", "master.ign"),
        path: "ignition.config.merge[0].source",
      }),
      assets,
      sources,
    };
    semanticProblems(cluster, checkProps).forEach(report);
    for (const w of clusterWarnings(cluster)) {
      const p = src.problem(at(w.path), w.message);
      const entry = inherited(at(w.path));
      warnings.push(oneLine(`${p.line ? `${file}:${p.line}` : file}: warning: ${p.path}: ${p.message}${entry === undefined ? "" : ` (for clusters[${entry}])`}`));
    }
    candidates[index] = cluster;
  });

  // Indexes stay those of the file, also when an entry had problems of its own.
  const fleet = fleetProblems(candidates);
  fleet.errors.forEach((f) => problems.push(src.problem(f.path, f.message)));
  if (problems.length) throw new ConfigError(withoutRepeats(problems));
  warnings.push(...fleet.warnings.map((w) => oneLine(`${file}: ${w}`)));
  return { clusters: candidates as ClusterConfig[], warnings, problem: (index, segments, message) => src.problem(placed(index, segments), message) };
}
