import * as fs from "node:fs";
import * as path from "node:path";
import { runSynth } from "../../test-support/cli";
import { tempDir } from "../../test-support/paths";

/**
 * cdktf's own inputs get the same treatment as the cluster file: a bad value is one line naming
 * the variable, exit 1, and no output is written; a checkout whose build folder cannot be written
 * still synthesizes.
 */
const dir = tempDir("upi-env-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Row = [what: string, env: Record<string, string>, line: string];
const rows: Row[] = [
  ["CDKTF_CONTEXT_JSON not JSON", { CDKTF_CONTEXT_JSON: "{oops" }, `CDKTF_CONTEXT_JSON: must be a JSON object, as cdktf synth writes it from cdktf.json's "context" (`],
  ["CDKTF_CONTEXT_JSON null", { CDKTF_CONTEXT_JSON: "null" }, `CDKTF_CONTEXT_JSON: must be a JSON object, as cdktf synth writes it from cdktf.json's "context" (got null)`],
  ["CDKTF_CONTEXT_JSON a list", { CDKTF_CONTEXT_JSON: "[1]" }, `CDKTF_CONTEXT_JSON: must be a JSON object, as cdktf synth writes it from cdktf.json's "context" (got [1])`],
  ["SYNTH_HCL_OUTPUT 1", { SYNTH_HCL_OUTPUT: "1" }, `SYNTH_HCL_OUTPUT: must be true (write cdk.tf, as cdktf synth --hcl sets it) or false (got "1")`],
];

test.each(rows)("%s: one line, exit 1, nothing written", (_what, env, line) => {
  const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const r = runSynth({ ...env, CDKTF_OUTDIR: out });
  expect({ status: r.status, lines: r.stderr.trim().split("\n").length }).toEqual({ status: 1, lines: 1 });
  expect(r.stderr.trim().startsWith(line)).toBe(true);
  expect(fs.existsSync(out)).toBe(false);
});

test("a context object cdktf synth passes is accepted", () => {
  const r = runSynth({ CDKTF_CONTEXT_JSON: JSON.stringify({ excludeStackIdFromLogicalIds: "true" }), CDKTF_OUTDIR: path.join(dir, "context-ok") });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
});

test("a build folder that cannot be written: the bundle runs from memory, and synth succeeds", () => {
  // Below a file: mkdir fails (ENOTDIR) as it does for a read-only checkout (EROFS) or another user's folder (EACCES).
  const file = path.join(dir, "not-a-folder");
  fs.writeFileSync(file, "");
  const out = path.join(dir, "from-memory");
  const r = runSynth({ UPI_BUILD_DIR: path.join(file, "build"), CDKTF_OUTDIR: out });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  expect(fs.existsSync(path.join(out, "manifest.json"))).toBe(true);
});
