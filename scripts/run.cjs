// Runs a TypeScript entry point (main.ts by default) without type-checking or transpiling the whole
// program on every run, as the stock template's ts-node path does: esbuild bundles it once into
// .build/<name>.cjs, and again only when one of the bundle's inputs changed. The bundle is then
// loaded through V8's code cache, so later runs skip most of parsing and compiling it.
// Start it through scripts/run (`sh scripts/run [entry.ts] [args...]`), which gives node the flags
// and environment every caller shares.
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const v8 = require("node:v8");
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
 * never asks for), `semver`, which compiles some forty regular expressions as it loads (only that
 * version check uses it), and Node's `assert`, which cdktf calls only to throw (on an element
 * without a type, a logical ID changed too late, both count and forEach). In the bundle each is
 * required where it is used; an assertion that holds requires nothing. If cdktf changes such a
 * line, it is bundled as it is.
 */
const LAZY_REQUIRES = [
  ['const archiver = require("archiver");', 'const archiver = (...a) => require("archiver")(...a);'],
  ['const child_process_1 = require("child_process");', 'const child_process_1 = { execSync: (...a) => require("child_process").execSync(...a) };'],
  ['const semver = require("semver");', 'const semver = { satisfies: (...a) => require("semver").satisfies(...a) };'],
  ['const assert_1 = require("assert");', 'const assert_1 = { ok: (value, message) => value || require("assert").ok(value, message) };'],
  ['const assert = require("assert");', 'const assert = (value, message) => value || require("assert")(value, message);'],
];
const lazyRequires = {
  name: "lazy-requires",
  setup(b) {
    b.onLoad(
      { filter: /[\\/]cdktf[\\/]lib[\\/](private[\\/]fs|validations[\\/]validate-binary-version|testing[\\/]matchers|terraform-(element|resource|data-source))\.js$/ },
      (args) => {
        const source = fs.readFileSync(args.path, "utf8");
        const contents = LAZY_REQUIRES.reduce((text, [eager, lazy]) => text.replace(eager, lazy), source);
        return contents === source ? undefined : { contents, loader: "js" };
      },
    );
  },
};

/**
 * The product reads one function of @aws-sdk/util-endpoints, `partition` (a region's partition,
 * from the SDK's own region list), which the package re-exports from @aws-sdk/core's client
 * module: bundled whole, that is 350 modules of SDK client code (its middleware, its shared-config
 * file reader, fs/promises and readline) set up on every synth (a few milliseconds) for nothing.
 * The bundle takes the one module that defines it. Only named imports of `partition` are sent
 * there: esbuild refuses to build if that module no longer exports it, and anything else imported
 * from the package is bundled as it is.
 */
const PARTITION_MODULE = "dist-es/submodules/client/util-endpoints/lib/aws/partition.js";
const partitionOnly = {
  name: "partition-only",
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/util-endpoints$/ }, (args) => {
      if (args.kind !== "import-statement") return undefined;
      const importer = fs.readFileSync(args.importer, "utf8");
      // Each import of the package in the importing file names `partition` alone.
      const imports = importer.match(/import\s*\{[^}]*\}\s*from\s*["']@aws-sdk\/util-endpoints["']/g) ?? [];
      if (!imports.length || !imports.every((i) => /^import\s*\{\s*partition\s*\}/.test(i))) return undefined;
      try {
        const endpoints = path.dirname(require.resolve("@aws-sdk/util-endpoints/package.json", { paths: [args.resolveDir] }));
        const core = path.dirname(require.resolve("@aws-sdk/core/package.json", { paths: [endpoints] }));
        const file = path.join(core, PARTITION_MODULE);
        return fs.existsSync(file) ? { path: file } : undefined;
      } catch {
        return undefined;
      }
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
    plugins: [lazyRequires, partitionOnly],
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
  setV8Flags(`${file}.${mtimeMs}-${size}.builtins`);
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

/**
 * V8's flags for the program. Set here, not on node's command line: Node's built-in modules come
 * with a V8 code cache made under V8's default flags, which V8 refuses under any other flags, so
 * with these on the command line every built-in module the program loads (crypto, assert,
 * stream, ...) is compiled from source. Here the built-in modules the bundle loaded on its last
 * run are loaded first, under the default flags, then the flags are set; both act from then on
 * (V8 reads them as it allocates and as it counts calls).
 * - --no-allocation-site-pretenuring: V8 sometimes decides, by timing, to allocate cdktf's
 *   short-lived token objects straight into the old generation; a large fleet then runs six full
 *   collections and twice the memory (3.4 s and 300 MB instead of 2.2 s and 145 MB, one run in
 *   six).
 * - --interrupt-budget (8 times Node 20's 67584): V8 hands a function to its optimizing compiler
 *   after far more work in it. With the default, a default synth spends a quarter of its CPU
 *   optimizing, on background threads, functions it leaves a few milliseconds later; a fleet's
 *   long loops are still optimized (fleets of 10 to 100 take the same CPU or less).
 */
const V8_FLAGS = ["--no-allocation-site-pretenuring", "--interrupt-budget=540672"];

/**
 * Loads the built-in modules listed in `builtinsFile` (those the bundle loaded before), sets
 * V8_FLAGS, and at exit adds to the list any built-in module loaded since. Once per process.
 */
let flagsSet = false;
function setV8Flags(builtinsFile) {
  if (flagsSet) return;
  flagsSet = true;
  let known = [];
  try {
    // Public modules only: one of the underscored ones loaded before its parent can see that parent
    // half-loaded (`_tls_common` first leaves `tls.createSecureContext` undefined for good).
    known = JSON.parse(fs.readFileSync(builtinsFile, "utf8")).filter((id) => Module.isBuiltin(id) && !id.startsWith("_"));
  } catch {
    // none recorded yet (or the bundle runs from memory): they load under the flags, only slower
  }
  for (const id of known) require(id);
  // Measured on Node 20's V8; another V8 may not know a flag (it prints an error) or tune otherwise.
  if (process.versions.node.split(".")[0] === "20") for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
  if (!builtinsFile || !process.moduleLoadList) return;
  const loadedBefore = process.moduleLoadList.length;
  process.once("exit", () => {
    // Node lists each module it loads as "NativeModule <id>", its internal ones too.
    const ids = process.moduleLoadList.slice(loadedBefore).map((m) => m.replace(/^NativeModule /, ""));
    const added = ids.filter((id) => Module.builtinModules.includes(id) && !id.startsWith("_") && !known.includes(id));
    if (added.length) writeAtomically(builtinsFile, JSON.stringify([...known, ...added]));
  });
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
  setV8Flags(undefined);
  run(compile(unwritten, file), file);
}

/** The bundle as a CommonJS module's function; the wrapper on a line of its own, so that columns on the bundle's first line stay true. */
function compile(source, file, cachedData) {
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, { filename: file, lineOffset: -1, cachedData });
}

/** Writes `file` whole or not at all (other runs may read it meanwhile); a read-only or full disk is no error: every file written so is only an optimisation. */
function writeAtomically(file, contents) {
  try {
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, contents);
    fs.renameSync(partial, file);
    return true;
  } catch {
    return false;
  }
}

/** Writes the code cache, then removes an older bundle's cache and built-in module list. */
function writeCache(script, file, cacheFile) {
  if (!writeAtomically(cacheFile, script.createCachedData())) return;
  try {
    const dir = path.dirname(file);
    const prefix = `${path.basename(file)}.`;
    const current = path.basename(cacheFile).replace(/\.v8cache$/, "");
    for (const old of fs.readdirSync(dir)) {
      if (old.startsWith(prefix) && /\.(v8cache|builtins)$/.test(old) && !old.startsWith(`${current}.`)) fs.rmSync(path.join(dir, old), { force: true });
    }
  } catch {
    // as above
  }
}

load(bundle);
