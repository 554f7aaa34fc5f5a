// Runs a TypeScript entry point (main.ts by default) without type-checking or transpiling the whole
// program on every run, as the stock template's ts-node path does: esbuild bundles it once into
// .build/<name>.cjs, and again only when one of the bundle's inputs changed. The bundle is then
// loaded through V8's code cache, so later runs skip most of parsing and compiling it.
// Start it through scripts/run (`sh scripts/run [entry.ts] [args...]`), which gives node the flags
// and environment every caller shares.
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

// The project root: the folder above this script, symlinks resolved (esbuild reports real paths).
const root = fs.realpathSync(path.join(__dirname, ".."));
const entryArg = process.argv[2] && process.argv[2].endsWith(".ts") ? process.argv.splice(2, 1)[0] : "main.ts";
const entry = path.resolve(root, entryArg);
// UPI_BUILD_DIR moves the bundles (tests use a fresh one).
// Named after the entry's path, so main.ts and examples/single-stack/main.ts keep apart.
const bundleName = path.relative(root, entry).replace(/[\\/]/g, "-").replace(/\.ts$/, ".cjs");
const bundle = path.join(process.env.UPI_BUILD_DIR || path.join(root, ".build"), bundleName);

/**
 * The last line of every bundle lists the files it was built from: esbuild's metafile inputs
 * outside node_modules (the entry, every source it imports, wherever it lives). Packages are
 * covered by the lockfiles instead: npm gives the files it extracts a fixed old mtime, but
 * rewrites node_modules/.package-lock.json on every install. This script is one too (it holds
 * the build options).
 */
const INPUTS_MARK = "\n//# inputs=";
const DEPENDENCY_INPUTS = ["package-lock.json", "node_modules/.package-lock.json"];

function isFresh(source, builtMs) {
  const at = source.lastIndexOf(INPUTS_MARK);
  if (at < 0) return false;
  const inputs = [...JSON.parse(source.slice(at + INPUTS_MARK.length)), ...DEPENDENCY_INPUTS, path.relative(root, __filename)];
  for (const input of inputs) {
    let mtimeMs;
    try {
      mtimeMs = fs.statSync(path.resolve(root, input)).mtimeMs;
    } catch {
      if (input === DEPENDENCY_INPUTS[1]) continue; // npm before 7 writes none
      return false;
    }
    if (mtimeMs >= builtMs) return false;
  }
  return true;
}

/**
 * Modules cdktf requires when it loads, for every synth, that a synth never runs: `archiver`, with
 * its streams and zlib glue (lib/private/fs.js; only a directory asset is zipped, and this
 * product's one asset, bootstrap.ign, is a file), and Node's child_process, with net and dgram
 * (its execSync checks a Terraform binary's version and runs cdktf's test matchers, which synth
 * never asks for). In the bundle each is required where it is used. If cdktf changes such a
 * line, it is bundled as it is.
 */
const LAZY_REQUIRES = [
  ['const archiver = require("archiver");', 'const archiver = (...a) => require("archiver")(...a);'],
  ['const child_process_1 = require("child_process");', 'const child_process_1 = { execSync: (...a) => require("child_process").execSync(...a) };'],
];
const lazyRequires = {
  name: "lazy-requires",
  setup(b) {
    b.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/](private[\\/]fs|validations[\\/]validate-binary-version|testing[\\/]matchers)\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, "utf8");
      const contents = LAZY_REQUIRES.reduce((text, [eager, lazy]) => text.replace(eager, lazy), source);
      return contents === source ? undefined : { contents, loader: "js" };
    });
  },
};

async function build() {
  // Several synths may start at once (parallel tests, fleets of CI jobs): each builds its own
  // files and renames them into place, the map first, so none ever loads a half-written bundle.
  // esbuild runs plugins only in its asynchronous API.
  const result = await require("esbuild").build({
    entryPoints: [entry],
    outfile: bundle,
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // A third less to read and to check against the code cache on every run. Names are kept.
    minifyWhitespace: true,
    minifySyntax: true,
    // Positions only: Node reads the TypeScript itself when it shows a line of it.
    sourcemap: "linked",
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: "warning",
    plugins: [lazyRequires],
    // cdktf writes every stack's JSON through json-stable-stringify; this copy writes the same
    // text several times faster (a tenth of a large fleet's synth).
    alias: { "json-stable-stringify": "./src/cdktf/stable-stringify.ts" },
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.split(/[\\/]/).includes("node_modules"));
  const isMap = (f) => f.path.endsWith(".map");
  try {
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    for (const file of [...result.outputFiles.filter(isMap), ...result.outputFiles.filter((f) => !isMap(f))]) {
      const partial = `${file.path}.${process.pid}.partial`;
      fs.writeFileSync(partial, file.path.endsWith(".map") ? file.contents : `${file.text}${INPUTS_MARK}${JSON.stringify(inputs)}\n`);
      fs.renameSync(partial, file.path);
    }
  } catch (e) {
    // A read-only checkout, or a build folder of another user's: the bundle runs from memory,
    // only slower (built on every run, no code cache).
    if (!["EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "ENOTDIR", "EEXIST"].includes(e.code)) throw e;
    return result.outputFiles.find((f) => !isMap(f)).text;
  }
  return undefined;
}

/**
 * Node maps traces through a source map only for modules its loader compiled, and the bundle is
 * compiled here (for the code cache). Compiling a one-line module at the bundle's path hands Node
 * the map. Not done up front: cdktf formats a trace for every token it creates, and with the map
 * each would be mapped (the map alone takes 0.1 s to decode). So it is done when a trace is for
 * a person: on an uncaught exception, before Node prints it, and for a UPI_DEBUG run.
 */
let mapHolder;
function useSourceMap(file) {
  if (mapHolder) return;
  mapHolder = new Module(file, module);
  mapHolder._compile(`//# sourceMappingURL=${path.basename(file)}.map`, file);
}

/**
 * Loads the bundle as require() would, with a V8 code cache beside it. V8 checks a cache against
 * the source's length, not its content, so each cache is named after the exact bundle it was made
 * from (mtime and size); a rebuilt bundle never meets an old cache. The cache is written when the
 * process exits (the entry may end it with process.exit), so it also holds the functions compiled
 * while synthesizing.
 */
function load(file, justBuilt = false) {
  let fd;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return rebuildAndLoad(file);
  }
  const { mtimeMs, size } = fs.fstatSync(fd);
  const source = fs.readFileSync(fd, "utf8");
  fs.closeSync(fd);
  // Checked once: an input edited while it builds (or dated in the future) waits for the next run.
  if (!justBuilt && !isFresh(source, mtimeMs)) return rebuildAndLoad(file);
  const cacheFile = `${file}.${mtimeMs}-${size}.v8cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
  const script = compile(source, file, cachedData);
  if (!cachedData || script.cachedDataRejected) process.once("exit", () => writeCache(script, file, cacheFile));
  if (process.env.UPI_DEBUG) useSourceMap(file);
  else process.once("uncaughtExceptionMonitor", () => useSourceMap(file));
  run(script, file);
}

function run(script, file) {
  const mod = new Module(file, module);
  mod.filename = file;
  // The program sees its own location, as under ts-node: main.ts finds the project from its
  // __dirname, not from wherever the bundle was written.
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, entry, path.dirname(entry));
}

async function rebuildAndLoad(file) {
  const unwritten = await build();
  if (unwritten === undefined) return load(file, true);
  run(compile(unwritten, file), file);
}

/** The bundle as a CommonJS module's function; the wrapper on a line of its own, so that columns on the bundle's first line stay true. */
function compile(source, file, cachedData) {
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, { filename: file, lineOffset: -1, cachedData });
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
