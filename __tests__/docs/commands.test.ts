import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { formatSummary } from "../../src/summary";
import { synthesize } from "../../src/synth";
import { canonicalForm, DOCUMENTED_COMMANDS, DocumentedCommandEntry, markdownDocuments } from "../../test-support/documented-commands";
import { DEFAULT_CLUSTER_FILE, ROOT, tempDir } from "../../test-support/paths";
import { readmeCommands, ShownCommand, textCommands, unmarkedCommands } from "../../test-support/shown-commands";
import { baseCluster } from "../../test-support/synth";

/**
 * Every command README.md, the guides in docs/, `help` and a synth's output show is in the
 * registry of documented commands (test-support/documented-commands.ts), and every one the registry says a test runs is
 * run by one: a test runs it as written through `documented("<id>"`, found here by a scan of
 * __tests__. A document that gains a command fails here until the command is run, or the
 * registry says why it is not.
 */

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/**
 * What synth prints (stdout and stderr) as a user sees it, with the output folder shown as
 * `cdktf.out`: the default example; then a day-2 edit of a cluster with edge zones (a new AMI,
 * and a moved state).
 */
function synthOutputs(): string[] {
  const dir = tempDir("upi-docs-");
  const outdir = path.join(dir, "cdktf.out");
  // The summary as printed from the folder holding the output (its paths read `cdktf.out`).
  const shown = (result: ReturnType<typeof synthesize>) =>
    [...result.warnings, formatSummary(result, { cwd: dir })].join("\n").split(path.relative(process.cwd(), outdir)).join("cdktf.out");
  const outputs = [shown(synthesize(DEFAULT_CLUSTER_FILE, outdir))];
  const file = path.join(dir, "cluster.yaml");
  const cluster = (ami: string, keyPrefix: string) =>
    baseCluster({
      machines: { rhcosAmi: ami },
      network: { edgeZones: [{ name: "us-east-1-nyc-1a", type: "local-zone" }] },
      backend: { type: "s3", s3: { bucket: "tf-state", keyPrefix } },
    });
  fs.rmSync(outdir, { recursive: true });
  fs.writeFileSync(file, stringify(cluster("ami-0123456789abcdef0", "openshift/demo")));
  synthesize(file, outdir);
  fs.writeFileSync(file, stringify(cluster("ami-0fedcba9876543210", "platform/demo")));
  outputs.push(shown(synthesize(file, outdir)));
  // A cloud backend's own Next lines (the set-up stack).
  fs.rmSync(outdir, { recursive: true });
  outputs.push(shown(synthesize(path.join(ROOT, "examples", "cloud", "cluster.yaml"), outdir)));
  return outputs;
}

const sources: { name: string; text: string; markdown?: boolean; commands: ShownCommand[] }[] = [];
beforeAll(() => {
  // The guides in docs/ are read as README is: sh blocks, prompted lines, code spans.
  for (const doc of markdownDocuments()) sources.push({ ...doc, markdown: true, commands: readmeCommands(doc.text) });
  const help = read("help");
  sources.push({ name: "help", text: help, commands: textCommands(help, "help") });
  for (const text of synthOutputs()) sources.push({ name: "synth output", text, commands: textCommands(text, "synth") });
});

const byForm = new Map<string, DocumentedCommandEntry>();
for (const e of DOCUMENTED_COMMANDS) for (const form of e.forms) byForm.set(form, e);

test("every command README, docs/, help and synth show is in the registry, character for character", () => {
  const missing = sources.flatMap((s) => s.commands.filter((c) => !byForm.has(c.text)).map((c) => `${s.name}:${c.line}: ${c.text}`));
  expect(missing).toEqual([]);
});

test("the guides in docs/ are read as README is: each guide's commands count", () => {
  const guides = sources.filter((s) => s.name.startsWith("docs/"));
  expect(guides.map((s) => s.name)).toEqual(
    fs
      .readdirSync(path.join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => `docs/${f}`),
  );
  // The edge zones' script moved out of README: its lines are found in its guide.
  expect(guides.find((s) => s.name === "docs/edge-zones.md")?.commands.map((c) => c.text)).toContain("ZONE=us-east-1-nyc-1a");
  expect(sources.find((s) => s.name === "README.md")?.commands.map((c) => c.text)).not.toContain("ZONE=us-east-1-nyc-1a");
});

test("help and synth write a command inside a sentence in backticks", () => {
  const unmarked = sources.filter((s) => !s.markdown).flatMap((s) => unmarkedCommands(s.text, s.commands).map((l) => `${s.name} ${l}`));
  expect(unmarked).toEqual([]);
});

test("every registry entry is shown somewhere (no stale forms)", () => {
  const shown = new Set(sources.flatMap((s) => s.commands.map((c) => c.text)));
  const stale = DOCUMENTED_COMMANDS.flatMap((e) => e.forms.filter((f) => !shown.has(f)).map((f) => `${e.id}: ${f}`));
  expect(stale).toEqual([]);
});

test("each entry is run by a test, or says why not", () => {
  const problems = DOCUMENTED_COMMANDS.flatMap((e) => {
    if (e.run && e.notRun) return [`${e.id}: both run and notRun`];
    if (!e.run && !(e.notRun && e.why)) return [`${e.id}: neither run nor notRun with a reason`];
    if (e.check && !e.check()) return [`${e.id}: its claim does not hold (${e.why})`];
    return [];
  });
  expect(problems).toEqual([]);
});

/** The ids each test file runs, from a scan of __tests__ for `documented("<id>"`. */
function runIds(): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith(".ts") ? [path.join(dir, d.name)] : []));
  for (const file of walk(path.join(ROOT, "__tests__"))) {
    for (const [, id] of fs.readFileSync(file, "utf8").matchAll(/documented\("([\w-]+)"/g)) ids.set(id, [...(ids.get(id) ?? []), path.relative(ROOT, file)]);
  }
  return ids;
}

test("each entry marked run is run by a test of its kind (unit, or an emulator suite)", () => {
  const ids = runIds();
  const problems = DOCUMENTED_COMMANDS.filter((e) => e.run).flatMap((e) => {
    const files = ids.get(e.id) ?? [];
    const ofKind = files.filter((f) => f.includes(".e2e.") === (e.run === "e2e"));
    return ofKind.length ? [] : [`${e.id}: marked ${e.run}, run by no ${e.run} test (run by: ${files.join(", ") || "none"})`];
  });
  expect(problems).toEqual([]);
  const unknown = [...ids.keys()].filter((id) => !DOCUMENTED_COMMANDS.some((e) => e.id === id));
  expect(unknown).toEqual([]);
});

test("the forms of one entry are one command once substituted", () => {
  const vars = {
    outdir: "/o",
    stack: "s-network",
    cluster: "c",
    clusterFile: "/c.yaml",
    address: "aws_x.y",
    importId: "id-1",
    zone: "z-1a",
    machine: "m-0",
    stackDir: "/o/s",
    planJson: "/p.json",
  };
  const problems = DOCUMENTED_COMMANDS.filter((e) => e.run && e.forms.length > 1).flatMap((e) => {
    const [first, ...rest] = e.forms.map((f) => canonicalForm(e, f, vars));
    return rest.filter((c) => JSON.stringify(c) !== JSON.stringify(first)).map((c) => `${e.id}: ${JSON.stringify(c)} is not ${JSON.stringify(first)}`);
  });
  expect(problems).toEqual([]);
});

describe("the rules that find commands", () => {
  test("README: sh blocks line by line (comments and continuations), prompted lines of text blocks, code spans of two words or more in prose", () => {
    const markdown = [
      "Run `npm run synth`, not `cdktf` alone or `UPI_DEBUG=1`.",
      "```sh",
      "# a comment",
      "ZONE=a",
      "terraform -chdir=x \\",
      "  output -raw Y   # sg-…",
      "```",
      "```text",
      "$ npm run plan            # or: more",
      "  stack  create",
      "```",
      "```yaml",
      "run: npm test",
      "```",
    ].join("\n");
    expect(readmeCommands(markdown).map((c) => [c.line, c.text])).toEqual([
      [1, "npm run synth"],
      [4, "ZONE=a"],
      [5, "terraform -chdir=x output -raw Y"],
      [9, "npm run plan"],
    ]);
  });

  test("help and synth: a line's first column, and code spans; a command in a sentence without backticks is reported", () => {
    const text = ["  cdktf diff <stack>         Plan one stack.", "  See `terraform validate`.", "  Then run cdktf deploy '*' again."].join("\n");
    const found = textCommands(text, "help");
    expect(found.map((c) => c.text)).toEqual(["cdktf diff <stack>", "terraform validate"]);
    expect(unmarkedCommands(text, found)).toEqual(["line 3: Then run cdktf deploy '*' again."]);
  });
});
