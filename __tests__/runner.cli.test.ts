import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { RUN } from "../test-support/cli";
import { documented, runDocumented } from "../test-support/documented-commands";
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
      const child = spawn(RUN[0], [RUN[1]], {
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

/** Runs `entry` through the runner against `buildDir`. */
function runAt(buildDir: string, env: Record<string, string> = {}, entry?: string) {
  return spawnSync(RUN[0], entry ? [RUN[1], entry] : [RUN[1]], {
    cwd: ROOT,
    env: { ...process.env, UPI_BUILD_DIR: buildDir, ...env },
    encoding: "utf8",
  });
}

const caches = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".v8cache"));
const stackFiles = (outdir: string) =>
  Object.fromEntries(fs.readdirSync(path.join(outdir, "stacks")).map((s) => [s, fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8")]));

test("the bundle's V8 code cache: written on first use, same output with it, replaced when it does not fit or the bundle is rebuilt", () => {
  const buildDir = tempDir("upi-cache-");
  const cold = runAt(buildDir, { CDKTF_OUTDIR: path.join(buildDir, "cold") });
  expect(cold.status).toBe(0);
  const [first] = caches(buildDir);
  expect(first).toMatch(/^main\.cjs\.[\d.]+-\d+\.v8cache$/);

  const warm = runAt(buildDir, { CDKTF_OUTDIR: path.join(buildDir, "warm") });
  expect({ status: warm.status, stdout: warm.stdout.replace(/warm/g, "cold") }).toEqual({ status: 0, stdout: cold.stdout });
  expect(stackFiles(path.join(buildDir, "warm"))).toEqual(stackFiles(path.join(buildDir, "cold")));

  // A cache V8 cannot use (another Node, other flags, a damaged file) is compiled around and rewritten.
  fs.writeFileSync(path.join(buildDir, first), "not a code cache");
  expect(runAt(buildDir, { CDKTF_OUTDIR: path.join(buildDir, "damaged") }).status).toBe(0);
  expect(fs.statSync(path.join(buildDir, first)).size).toBeGreaterThan(1000);

  // A rebuilt bundle gets a cache of its own; the old one is removed.
  fs.utimesSync(path.join(buildDir, "main.cjs"), 0, 0);
  expect(runAt(buildDir, { CDKTF_OUTDIR: path.join(buildDir, "rebuilt") }).status).toBe(0);
  expect(caches(buildDir)).toHaveLength(1);
  expect(caches(buildDir)[0]).not.toBe(first);
}, 120_000);

/**
 * scripts/run.cjs sets V8's flags after start-up (on the command line they would cost Node's
 * built-in modules their code cache): they must still act. V8 prints its traces to stdout; a
 * default synth with neither flag prints 15 pretenuring decisions and marks 29 functions for
 * optimization.
 */
test("the runner's V8 flags act on the synth: no allocation-site pretenuring, fewer functions optimized", () => {
  const buildDir = tempDir("upi-flags-");
  const traced = (flag: string) => {
    const r = runAt(buildDir, { CDKTF_OUTDIR: path.join(buildDir, "out"), UPI_NODE_FLAGS: flag });
    expect(r.status).toBe(0);
    return r.stdout;
  };
  traced(""); // builds the bundle and records the built-in modules it loads
  expect(traced("--trace-pretenuring-statistics")).not.toContain("pretenuring:");
  expect(traced("--trace-opt").match(/marking .* for optimization/g)?.length ?? 0).toBeLessThan(12);
}, 120_000);

describe("a program of its own through the runner", () => {
  // Outside src/ and away from the entry, where the old check never looked.
  const dir = tempDir("upi-program-");
  const entry = path.join(dir, "entry.ts");
  const lib = path.join(dir, "lib", "message.ts");
  fs.mkdirSync(path.dirname(lib));
  fs.writeFileSync(
    entry,
    `import { message, fail } from "./lib/message";
console.log(JSON.stringify({ message, dirname: __dirname, execArgv: process.execArgv, caCerts: process.env.NODE_EXTRA_CA_CERTS ?? null }));
if (process.env.FAIL === "caught") {
  try { fail(); } catch (e) { console.error((e as Error).stack); }
}
if (process.env.FAIL === "uncaught") fail();
`,
  );
  const writeLib = (message: string) => {
    fs.writeFileSync(lib, `export const message: string = ${JSON.stringify(message)};\n\nexport function fail(): never {\n  throw new Error("failed on purpose");\n}\n`);
    // Later than the bundle's mtime, whatever the file system's timestamp resolution.
    const later = new Date(Date.now() + 2000);
    fs.utimesSync(lib, later, later);
  };
  const buildDir = tempDir("upi-build-");
  const run = (env: Record<string, string> = {}) => runAt(buildDir, env, entry);

  test("an edit to any file the bundle was built from rebuilds it; nothing changed, nothing rebuilt", () => {
    writeLib("one");
    const first = run();
    expect(first.stderr).toBe("");
    expect(JSON.parse(first.stdout).message).toBe("one");
    const bundle = fs.readdirSync(buildDir).find((f) => f.endsWith("entry.cjs"))!;
    const builtAt = fs.statSync(path.join(buildDir, bundle)).mtimeMs;

    writeLib("two");
    expect(JSON.parse(run().stdout).message).toBe("two");
    const rebuiltAt = fs.statSync(path.join(buildDir, bundle)).mtimeMs;
    expect(rebuiltAt).toBeGreaterThan(builtAt);

    // Input mtimes are compared with the bundle's: make the bundle the newest file, then run again.
    const newest = new Date(Date.now() + 10_000);
    fs.utimesSync(path.join(buildDir, bundle), newest, newest);
    const touchedAt = fs.statSync(path.join(buildDir, bundle)).mtimeMs;
    expect(JSON.parse(run().stdout).message).toBe("two");
    expect(fs.statSync(path.join(buildDir, bundle)).mtimeMs).toBe(touchedAt);
  });

  test("the program runs from its own folder, with no V8 flag on node's command line and NODE_EXTRA_CA_CERTS cleared", () => {
    const out = JSON.parse(run({ NODE_EXTRA_CA_CERTS: "/nonexistent/ca.pem" }).stdout);
    expect(out.dirname).toBe(dir);
    expect(out.execArgv).toEqual(["--enable-source-maps"]);
    expect(out.caCerts).toBe("");
  });

  test("traces point into the TypeScript: an uncaught error, and a UPI_DEBUG trace", () => {
    const uncaught = run({ FAIL: "uncaught" });
    expect(uncaught.status).toBe(1);
    // fail() throws on line 4, column 9 of lib/message.ts; the call is on line 6 of entry.ts.
    expect(uncaught.stderr).toContain(`at fail (${lib}:4:9)`);
    expect(uncaught.stderr).toContain(`(${entry}:6:`);
    expect(uncaught.stderr).not.toMatch(/entry\.cjs:\d/);

    const debug = run({ FAIL: "caught", UPI_DEBUG: "1" });
    expect(debug.stderr).toContain(`at fail (${lib}:4:9)`);
  });
});

test("the built-in modules a program loaded are loaded first on its next run, and work: https after a run that used it", () => {
  // A recorded `_tls_common` loaded before `tls` once left tls.createSecureContext undefined for
  // good, and npm run plan -- --check-run (HTTPS to HCP) failed on its second run.
  const dir = tempDir("upi-builtins-");
  const entry = path.join(dir, "entry.ts");
  fs.writeFileSync(entry, `import * as https from "node:https";\nimport * as tls from "node:tls";\nconsole.log(typeof https.request, typeof tls.createSecureContext);\n`);
  const buildDir = tempDir("upi-build-");
  const runs = [1, 2].map(() => runAt(buildDir, {}, entry));
  expect(runs.map((r) => ({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }))).toEqual([1, 2].map(() => ({ status: 0, stdout: "function function", stderr: "" })));
  const [recorded] = fs.readdirSync(buildDir).filter((f) => f.endsWith(".builtins"));
  expect(JSON.parse(fs.readFileSync(path.join(buildDir, recorded), "utf8"))).toEqual(expect.arrayContaining(["https", "tls"]));
});

test("npm run synth and cdktf.json's app are the same command", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const cdktf = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
  expect(pkg.scripts.synth).toBe("sh scripts/run main.ts");
  expect(cdktf.app).toBe(pkg.scripts.synth);
});

test("synth needs Node alone: no Terraform on PATH (cdktf's own Terraform-version checks stay out of the app)", async () => {
  // A PATH with node, sh and dirname (what scripts/run uses) and nothing else.
  const bin = tempDir("upi-path-");
  for (const tool of [process.execPath, "/bin/sh", spawnSync("sh", ["-c", "command -v dirname"], { encoding: "utf8" }).stdout.trim()]) {
    fs.symlinkSync(tool, path.join(bin, path.basename(tool)));
  }
  const outdir = path.join(tempDir(), "out");
  // The command as docs/development.md shows it.
  const r = await runDocumented(documented("synth-runner", { outdir }), { env: { PATH: bin } });
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  expect(fs.readdirSync(path.join(outdir, "stacks"))).toHaveLength(5);
}, 60_000);
