import { spawn, spawnSync } from "node:child_process";
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

/** Runs the runner against `buildDir`, writing to `outdir`. */
function runAt(buildDir: string, outdir: string) {
  return spawnSync(process.execPath, [path.join(ROOT, "scripts", "run.cjs")], {
    cwd: ROOT,
    env: { ...process.env, UPI_BUILD_DIR: buildDir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
}

const caches = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".v8cache"));
const stackFiles = (outdir: string) =>
  Object.fromEntries(fs.readdirSync(path.join(outdir, "stacks")).map((s) => [s, fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8")]));

test("the bundle's V8 code cache: written on first use, same output with it, replaced when it does not fit or the bundle is rebuilt", () => {
  const buildDir = tempDir("upi-cache-");
  const cold = runAt(buildDir, path.join(buildDir, "cold"));
  expect(cold.status).toBe(0);
  const [first] = caches(buildDir);
  expect(first).toMatch(/^main\.cjs\.[\d.]+-\d+\.v8cache$/);

  const warm = runAt(buildDir, path.join(buildDir, "warm"));
  expect({ status: warm.status, stdout: warm.stdout.replace(/warm/g, "cold") }).toEqual({ status: 0, stdout: cold.stdout });
  expect(stackFiles(path.join(buildDir, "warm"))).toEqual(stackFiles(path.join(buildDir, "cold")));

  // A cache V8 cannot use (another Node, other flags, a damaged file) is compiled around and rewritten.
  fs.writeFileSync(path.join(buildDir, first), "not a code cache");
  expect(runAt(buildDir, path.join(buildDir, "damaged")).status).toBe(0);
  expect(fs.statSync(path.join(buildDir, first)).size).toBeGreaterThan(1000);

  // A rebuilt bundle gets a cache of its own; the old one is removed.
  fs.utimesSync(path.join(buildDir, "main.cjs"), 0, 0);
  expect(runAt(buildDir, path.join(buildDir, "rebuilt")).status).toBe(0);
  expect(caches(buildDir)).toHaveLength(1);
  expect(caches(buildDir)[0]).not.toBe(first);
}, 120_000);
