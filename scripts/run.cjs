// Runs a TypeScript entry point (main.ts by default) without type-checking or transpiling the whole
// program on every run, as the stock template's ts-node path does: esbuild bundles it once into
// .build/<name>.cjs, and again only when a source file or the lockfile changed.
// Usage: node scripts/run.cjs [entry.ts] [args...]
const fs = require("node:fs");
const path = require("node:path");

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
    logLevel: "warning",
  });
  fs.renameSync(partial, bundle);
}
require(bundle);
