// Runs a TypeScript entry point (main.ts by default) without type-checking or transpiling the whole
// program on every run, as the stock template's ts-node path does: esbuild bundles it once into
// .build/<name>.cjs, and again only when a source file or the lockfile changed. The bundle is then
// loaded through V8's code cache, so later runs skip most of parsing and compiling it.
// Usage: node scripts/run.cjs [entry.ts] [args...]
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");

// V8 sometimes decides, by timing, to allocate cdktf's short-lived token objects straight into the
// old generation; a large fleet then runs six full collections and twice the memory (3.4 s and
// 300 MB instead of 2.2 s and 145 MB, one run in six). Young-generation allocation throughout
// keeps every run on the fast path.
v8.setFlagsFromString("--no-allocation-site-pretenuring");

const root = path.join(__dirname, "..");
const entryArg = process.argv[2] && process.argv[2].endsWith(".ts") ? process.argv.splice(2, 1)[0] : "main.ts";
const entry = path.resolve(root, entryArg);
// UPI_BUILD_DIR moves the bundles (tests use a fresh one).
// Named after the entry's path, so main.ts and examples/single-stack/main.ts keep apart.
const bundleName = path.relative(root, entry).replace(/[\\/]/g, "-").replace(/\.ts$/, ".cjs");
const bundle = path.join(process.env.UPI_BUILD_DIR || path.join(root, ".build"), bundleName);

function newestSource(dir, newest = 0) {
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) newest = newestSource(full, newest);
    else if (item.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  let built;
  try {
    built = fs.statSync(bundle).mtimeMs;
  } catch {
    return true;
  }
  const inputs = [entry, path.join(root, "package-lock.json")].map((f) => fs.statSync(f).mtimeMs);
  return Math.max(...inputs, newestSource(path.join(root, "src"))) >= built;
}

if (isStale()) {
  // Several synths may start at once (parallel tests, fleets of CI jobs): each builds its own file
  // and renames it into place, so none ever loads a half-written bundle.
  const partial = `${bundle}.${process.pid}.partial`;
  require("esbuild").buildSync({
    entryPoints: [entry],
    outfile: partial,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // A third less to read and to check against the code cache on every run. Names are kept.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
  });
  fs.renameSync(partial, bundle);
}

/**
 * Loads the bundle as require() would, with a V8 code cache beside it. V8 checks a cache against
 * the source's length, not its content, so each cache is named after the exact bundle it was made
 * from (mtime and size); a rebuilt bundle never meets an old cache. The cache is written when the
 * process exits (the entry may end it with process.exit), so it also holds the functions compiled
 * while synthesizing.
 */
function load(file) {
  const fd = fs.openSync(file, "r");
  const { mtimeMs, size } = fs.fstatSync(fd);
  const source = fs.readFileSync(fd, "utf8");
  fs.closeSync(fd);
  const cacheFile = `${file}.${mtimeMs}-${size}.v8cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) process.once("exit", () => writeCache(script, file, cacheFile));
  const mod = new Module(file, module);
  mod.filename = file;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
}

function writeCache(script, file, cacheFile) {
  try {
    const partial = `${cacheFile}.${process.pid}.partial`;
    fs.writeFileSync(partial, script.createCachedData());
    fs.renameSync(partial, cacheFile);
    const dir = path.dirname(file);
    const prefix = `${path.basename(file)}.`;
    for (const old of fs.readdirSync(dir)) {
      if (old.startsWith(prefix) && old.endsWith(".v8cache") && path.join(dir, old) !== cacheFile) fs.rmSync(path.join(dir, old), { force: true });
    }
  } catch {
    // A cache is only an optimisation: a read-only or full disk must not fail the run.
  }
}

load(bundle);
