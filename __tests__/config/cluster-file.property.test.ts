import { fc, test } from "@fast-check/jest";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { ConfigError, formatProblem } from "../../src/config/errors";
import { GuardrailError } from "../../src/policy/guardrails";
import { synthesize } from "../../src/synth";
import { runSynth } from "../../test-support/cli";
import { anyFile, FUZZ_SEED, fuzzRuns, GeneratedFile, hostileYamlFile, mutatedFile, validFile } from "../../test-support/fuzz";
import { DEFAULT_CLUSTER_FILE, tempDir } from "../../test-support/paths";
import { treeDigest } from "../../test-support/tree-digest";

/**
 * docs/cluster-file.md's promise, checked on generated cluster files (valid ones, ones with hostile values,
 * and YAML-level hostility): a good file synthesizes with no guardrail finding it did not
 * acknowledge; a bad one is refused with one clean line per problem (`file:line: field.path: ...`,
 * or a guardrail's `[rule] stack/path: ... (fix: ...)`) and leaves the earlier output byte for byte; nothing
 * crashes (the CLI's exit 2) and no case takes over 5 s. In-process (loadClusterFile and
 * synthesize, as the CLI runs them) for speed, with a smaller sample through the real CLI.
 * Seeded (FUZZ_SEED, fixed in CI); FUZZ_RUNS=5000 for a longer local campaign.
 */

jest.setTimeout(3_600_000);

const CASE_BUDGET_MS = 5000;
const dir = tempDir("upi-fuzz-");
const file = path.join(dir, "cluster.yaml");
const outdir = path.join(dir, "cdktf.out");

const tally = {
  cases: 0,
  accepted: 0,
  refused: 0,
  guardrail: 0,
  slowestMs: 0,
  slow: [] as string[],
  times: [] as number[],
  byKind: {} as Record<string, { accepted: number; refused: number }>,
};
let suiteStart = 0;

beforeAll(() => {
  suiteStart = performance.now();
  // An earlier good output, which every refused case must leave as it is.
  fs.writeFileSync(file, fs.readFileSync(DEFAULT_CLUSTER_FILE, "utf8").replace("./install", path.join(path.dirname(DEFAULT_CLUSTER_FILE), "install")));
  synthesize(file, outdir);
});

afterAll(() => {
  const kinds = Object.entries(tally.byKind).map(([k, v]) => `${k} ${v.accepted} accepted/${v.refused} refused`);
  console.log(
    `cluster-file properties: ${tally.cases} generated cases (seed ${FUZZ_SEED}; ${kinds.join(", ")}; ${tally.guardrail} refusals by a guardrail), ` +
      `median ${Math.round(median(tally.times))} ms, slowest ${Math.round(tally.slowestMs)} ms, suite ${((performance.now() - suiteStart) / 1000).toFixed(1)} s`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Lines that are not one clean problem line. */
function badLines(error: ConfigError, clusterFile: string): string[] {
  const bad: string[] = [];
  for (const p of error.problems) {
    const line = formatProblem(p);
    const wrong =
      !p.file ||
      /[\r\n]/.test(line) ||
      /^\s+at |Error:|\[object Object\]/.test(p.message) ||
      !p.message.trim() ||
      (p.line !== undefined && !(Number.isInteger(p.line) && p.line >= 1)) ||
      // A field of the cluster file is named with its line: `file:line: field.path: ...`.
      (p.file === clusterFile && p.path !== "" && p.line === undefined);
    if (wrong) bad.push(line);
  }
  return bad;
}

/** Synthesizes one generated file in-process and checks the contract; returns what happened. */
function checkInProcess(g: GeneratedFile): "accepted" | "refused" {
  fs.writeFileSync(file, g.text);
  const before = treeDigest(outdir);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let outcome: "accepted" | "refused";
  try {
    const result = synthesize(file, outdir);
    outcome = "accepted";
    // No guardrail finding but those the file acknowledges (choosing the documented IAM is one).
    const acknowledged = new Set(result.clusters.flatMap((c) => [...c.guardrails.acknowledge.map((a) => a.rule), ...(c.iam.policy === "documented" ? ["UPI-IAM-1"] : [])]));
    const findings = result.warnings.filter((w) => /\[UPI-/.test(w));
    expect(findings.filter((w) => !acknowledged.has(/\[(UPI-[A-Z0-9]+-\d+)\]/.exec(w)![1]))).toEqual([]);
  } catch (e) {
    if (e instanceof GuardrailError) {
      // A security setting the file chose (unencrypted state, say) without acknowledging it.
      outcome = "refused";
      tally.guardrail++;
      expect(e.message.split("\n").filter((l) => !/^\[UPI-[A-Z0-9]+-\d+\] \S+: .+ \(fix: .+\)$/.test(l))).toEqual([]);
    } else if (e instanceof ConfigError) {
      outcome = "refused";
      expect({ bad: badLines(e, file), how: g.how }).toEqual({ bad: [], how: g.how });
    } else {
      // What the CLI reports as an internal error (exit 2).
      throw new Error(`not a clean refusal (${(e as Error).name}): ${(e as Error).message}\n--- file (${g.how}) ---\n${g.text.slice(0, 2000)}`);
    }
    expect(treeDigest(outdir)).toBe(before);
  }
  const ms = performance.now() - start;
  // The bound is on CPU time: the wall time of a machine shared with other jobs says more about
  // them than about synth. Checked once the properties ran (below): shrinking would only repeat it.
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (cpuMs > CASE_BUDGET_MS) tally.slow.push(`${Math.round(cpuMs)} ms of CPU (${Math.round(ms)} ms wall): ${g.how}\n${g.text.slice(0, 1000)}`);
  tally.times.push(ms);
  tally.cases++;
  tally[outcome]++;
  tally.slowestMs = Math.max(tally.slowestMs, ms);
  const kind = (tally.byKind[g.kind] ??= { accepted: 0, refused: 0 });
  kind[outcome]++;
  return outcome;
}

describe("generated cluster files, in-process", () => {
  test.prop([validFile], { seed: FUZZ_SEED, numRuns: fuzzRuns(40) })("valid files synthesize with no finding, or are refused cleanly", (g) => {
    checkInProcess(g);
  });

  test.prop([mutatedFile], { seed: FUZZ_SEED + 1, numRuns: fuzzRuns(150) })("files with hostile values: a clean refusal or a clean synth, never a crash", (g) => {
    checkInProcess(g);
  });

  test.prop([hostileYamlFile], { seed: FUZZ_SEED + 2, numRuns: fuzzRuns(150) })("YAML-level hostility: a clean refusal or a clean synth, never a crash", (g) => {
    checkInProcess(g);
  });

  test(`no case takes over ${CASE_BUDGET_MS / 1000} s`, () => {
    expect(tally.slow).toEqual([]);
  });

  test("most valid files are accepted (the generator exercises synth, not only refusals)", () => {
    const valid = tally.byKind.valid;
    expect(valid.accepted).toBeGreaterThan(valid.refused);
  });
});

describe("generated cluster files, through the real CLI", () => {
  const cases = fc.sample(anyFile, { seed: FUZZ_SEED + 3, numRuns: Number(process.env.FUZZ_CLI_RUNS ?? 8) });

  test.each(cases.map((g, i) => [i, g.kind, g.how, g] as const))("case %i (%s: %s): exit 0 or 1, clean lines, earlier output intact", (_i, _kind, _how, g) => {
    fs.writeFileSync(file, g.text);
    const before = treeDigest(outdir);
    // The time bound is checked in-process, on CPU time; a child's wall time on a shared machine is noise.
    const r = runSynth({ CLUSTER_CONFIG: file, CDKTF_OUTDIR: outdir });
    tally.cases++;
    expect([0, 1]).toContain(r.status);
    if (r.status === 1) {
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines.filter((l) => !/^\S[^\n]*?(:\d+)?: \S/.test(l) || /^\s+at |Error:/.test(l))).toEqual([]);
      expect(treeDigest(outdir)).toBe(before);
    } else {
      expect(r.stdout).toMatch(/^Synthesized \d+ stacks into /);
    }
  });
});
