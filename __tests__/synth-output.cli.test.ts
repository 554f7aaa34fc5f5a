import * as fs from "node:fs";
import * as path from "node:path";
import { runSynth } from "../test-support/cli";
import { fileDigests } from "../test-support/file-digests";
import { tempDir } from "../test-support/paths";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeFleetFile } = require("../bench/fleet.cjs") as { writeFleetFile(dir: string, count: number): string };

/**
 * Speed work must not change a byte of what is synthesized: the default example and the bench's
 * 50-cluster fleet, synthesized as `npm run synth` does, against digests recorded from the code
 * before that work. A deliberate change to the output records them again:
 * UPI_RECORD_DIGESTS=1 npx jest __tests__/synth-output.cli.test.ts
 */
const FIXTURE = path.join(__dirname, "fixtures", "synth-digests.json");

describe("synthesized output", () => {
  const recorded: Record<string, Record<string, string>> = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
  const seen: Record<string, Record<string, string>> = {};
  afterAll(() => {
    if (process.env.UPI_RECORD_DIGESTS) fs.writeFileSync(FIXTURE, `${JSON.stringify({ ...recorded, ...seen }, null, 1)}\n`);
  });

  test.each([
    ["default", () => ({})],
    ["fleet-50", (dir: string) => ({ CLUSTER_CONFIG: writeFleetFile(dir, 50) })],
  ])("%s is byte-identical to the recorded output", (name, env) => {
    const dir = tempDir();
    const outdir = path.join(dir, "cdktf.out");
    const r = runSynth({ ...env(dir), CDKTF_OUTDIR: outdir });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.status).toBe(0);
    seen[name] = fileDigests(outdir);
    if (!process.env.UPI_RECORD_DIGESTS) expect(seen[name]).toEqual(recorded[name]);
  });
});
