import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, tempDir } from "../test-support/paths";

/**
 * The synth runner bundles main.ts on first use; several first uses at once must all work. (CI
 * caught a synth loading another's half-written bundle; without the atomic rename this test
 * fails about every other run, with it never.)
 */
test("synths started together with no bundle yet all succeed", async () => {
  const buildDir = tempDir("upi-build-");
  // Staggered starts: some processes finish building while others are still writing.
  const runs = await Promise.all(
    Array.from({ length: 12 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 25));
      const child = spawn(process.execPath, [path.join(ROOT, "scripts", "run.cjs")], {
        cwd: ROOT,
        env: { ...process.env, UPI_BUILD_DIR: buildDir, CDKTF_OUTDIR: path.join(buildDir, `out-${i}`) },
      });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr })));
    }),
  );
  expect(runs).toEqual(Array.from({ length: 12 }, () => ({ code: 0, stderr: "" })));
  expect(fs.readdirSync(buildDir).filter((f) => f.endsWith(".partial"))).toEqual([]);
}, 120_000);
