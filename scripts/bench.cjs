// npm run bench [-- --runs N] [-- --profile] [-- --only default,fleets,stock]
//
// Synth wall time and peak RSS (median, min, max of N runs after a warm-up) for: the default
// example through `npm run synth`; generated fleets of 10, 50, 100 and 200 clusters (3 AZs, 7
// machines each: bench/fleet.cjs); and, for the same default example, the stock cdktf path
// (`cdktf synth` with `app: npx ts-node main.ts`, TypeScript 5.9), installed into a scratch folder
// on first use. Prints the ratios the project aims at (GOALS). The load average is recorded:
// other work on the machine makes every row slower, the ratios less so.
// Writes bench/results/<timestamp>.json; bench/results/baseline.json is the committed reference.
// --profile also writes a CPU profile of one default and one 50-cluster synth and prints where
// the time goes, by phase. --only runs some of the series (default: the two default-example rows),
// to compare one change's effect without the minutes the fleets and the stock path take; a ratio
// whose rows were not run is not printed.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { writeFleetFile } = require("../bench/fleet.cjs");

const root = path.join(__dirname, "..");
const resultsDir = path.join(root, "bench", "results");
const scratch = path.join(root, ".build", "bench");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 9;
const profile = args.includes("--profile");
const SERIES = ["default", "fleets", "stock"];
const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : SERIES;
const unknown = only.filter((s) => !SERIES.includes(s));
if (unknown.length) {
  console.error(`bench: --only takes a comma-separated list of ${SERIES.join(", ")} (got ${unknown.join(", ")})`);
  process.exit(1);
}

if (spawnSync("/usr/bin/time", ["-f", "%e", "true"]).status !== 0) {
  console.error("bench: needs GNU time at /usr/bin/time for peak RSS (Debian: apt-get install time)");
  process.exit(1);
}

/**
 * Runs a command once under GNU time; returns wall seconds, CPU seconds (user and system, all its
 * processes: on a busy machine the steadier measure) and peak RSS in MB of the largest process.
 */
function measure(command, argv, options) {
  const report = path.join(os.tmpdir(), `upi-bench-${process.pid}.time`);
  const r = spawnSync("/usr/bin/time", ["-o", report, "-f", "%e %U %S %M", command, ...argv], { ...options, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${command} ${argv.join(" ")} failed:\n${r.stderr}\n${r.stdout}`);
  const [wall, user, sys, rssKb] = fs.readFileSync(report, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: user + sys, rssMb: rssKb / 1024 };
}

function series(name, command, argv, options) {
  measure(command, argv, options); // warm-up: the page cache, and our bundle when sources changed
  const samples = Array.from({ length: runs }, () => measure(command, argv, options));
  const stat = (key) => {
    const v = samples.map((s) => s[key]).sort((a, b) => a - b);
    return { median: v[Math.floor(v.length / 2)], min: v[0], max: v[v.length - 1] };
  };
  const row = { name, runs, wall: stat("wall"), cpu: stat("cpu"), rssMb: stat("rssMb") };
  console.log(
    `${name.padEnd(38)} ${row.wall.median.toFixed(2).padStart(6)} s (${row.wall.min.toFixed(2)}-${row.wall.max.toFixed(2)})  ${row.cpu.median.toFixed(2).padStart(6)} s  ${row.rssMb.median.toFixed(0).padStart(5)} MB (${row.rssMb.min.toFixed(0)}-${row.rssMb.max.toFixed(0)})`,
  );
  return row;
}

/** The stock template's path, in a scratch folder: cdktf synth running `npx ts-node main.ts`. */
function stockProject() {
  const dir = path.join(scratch, "stock");
  if (!fs.existsSync(path.join(dir, "node_modules", "ts-node"))) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "stock", private: true }));
    const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "ts-node@10.9.2", "typescript@5.9.3", "@types/node@20"], {
      cwd: dir,
      stdio: "inherit",
    });
    if (r.status !== 0) throw new Error("could not install ts-node into the scratch folder");
  }
  fs.copyFileSync(path.join(root, "main.ts"), path.join(dir, "main.ts"));
  for (const link of ["src", "examples"]) {
    const target = path.join(dir, link);
    if (!fs.existsSync(target)) fs.symlinkSync(path.join(root, link), target);
  }
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true, types: ["node"] } }),
  );
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx ts-node main.ts", sendCrashReports: "false" }));
  return dir;
}

/**
 * Where a synth's time goes, from a .cpuprofile: each sample is charged to the innermost of these
 * functions on its stack (names survive bundling), the rest to Node start-up and the runner.
 */
const PHASES = [
  ["(garbage collector)", "garbage collection"],
  ["prepareStack", "cdktf: first resolve pass (finds cross-stack references)"],
  ["synth", "cdktf: aspects, validation, second resolve, JSON written"],
  ["check", "guardrails on the synthesized JSON"],
  ["buildApp", "building the construct tree"],
  ["loadClusterFile", "cluster file: parse, validate, read installDir"],
  [/^node_modules\//, "module initialisation (esbuild names each module's wrapper after its path)"],
  ["Script", "bundle: read and load through the code cache"],
  ["main", "output swap, summary"],
];

function summarizeProfile(file) {
  const prof = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ms = new Map();
  prof.samples.forEach((id, i) => {
    let phase = "Node start-up, runner, exit";
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at).callFrame.functionName;
      const hit = PHASES.find(([fn]) => (typeof fn === "string" ? fn === name : fn.test(name)));
      if (hit) {
        phase = hit[1];
        break;
      }
    }
    ms.set(phase, (ms.get(phase) ?? 0) + prof.timeDeltas[i] / 1000);
  });
  return [...ms.entries()].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms  ${k}`);
}

fs.mkdirSync(scratch, { recursive: true });
fs.mkdirSync(resultsDir, { recursive: true });
const out = (name) => path.join(scratch, `out-${name}`);
const env = (extra) => ({ ...process.env, ...extra });
// The rows without npm run the command npm run synth runs (node's flags and environment are in it).
const run = ["sh", ["scripts/run"]];

const FLEETS = [10, 50, 100, 200];
/**
 * The targets (issue 23), each a ratio of two rows or a row's memory, with the bound it must meet
 * and the series (--only) its rows come from.
 */
const GOALS = [
  ["stock path / npm run synth", ["stock", "default"], (r) => r.stock.wall.median / r.npmRun.wall.median, ">=", 30],
  ["fleet of 50 / stock path", ["fleets", "stock"], (r) => r.fleets[50].wall.median / r.stock.wall.median, "<=", 0.5],
  ["fleet of 100 / fleet of 50", ["fleets"], (r) => r.fleets[100].wall.median / r.fleets[50].wall.median, "<=", 2.1],
  ["fleet of 200: peak RSS in MB", ["fleets"], (r) => r.fleets[200].rssMb.median, "<", 1024],
];

const loadBefore = os.loadavg();
console.log(`${os.cpus().length} cores, node ${process.version}; ${runs} runs each after a warm-up; load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")}\n`);
console.log(`${"".padEnd(38)} ${"wall, median (min-max)".padEnd(23)} CPU   peak RSS (min-max)`);
const rows = [];
const named = { fleets: {} };
if (only.includes("default")) {
  named.npmRun = series("default example (npm run synth)", "npm", ["run", "--silent", "synth"], { cwd: root, env: env({ CDKTF_OUTDIR: out("default") }) });
  rows.push(named.npmRun);
  rows.push(series("default example (scripts/run, no npm)", ...run, { cwd: root, env: env({ CDKTF_OUTDIR: out("default") }) }));
}
for (const count of only.includes("fleets") ? FLEETS : []) {
  const file = writeFleetFile(scratch, count);
  named.fleets[count] = series(`fleet of ${count} (${count * 5} stacks)`, ...run, { cwd: root, env: env({ CLUSTER_CONFIG: file, CDKTF_OUTDIR: out(`fleet-${count}`) }) });
  rows.push(named.fleets[count]);
}
if (only.includes("stock")) {
  const stock = stockProject();
  named.stock = series("stock: cdktf synth + ts-node", path.join(root, "node_modules", ".bin", "cdktf"), ["synth", "--output", out("stock")], {
    cwd: stock,
    env: env({ CHECKPOINT_DISABLE: "1", CI: "1" }),
  });
  rows.push(named.stock);
}
const loadAfter = os.loadavg();

console.log("");
const ratios = {};
// The same ratios of CPU time: what they would be on an idle machine, roughly, when others load it.
const byCpu = (r) => r && { ...r, wall: r.cpu };
const cpuRows = { npmRun: byCpu(named.npmRun), stock: byCpu(named.stock), fleets: Object.fromEntries(FLEETS.map((n) => [n, byCpu(named.fleets[n])])) };
const meets = (v, op, bound) => (op === ">=" ? v >= bound : op === "<=" ? v <= bound : v < bound);
const shown = (v) => v.toFixed(v < 10 ? 2 : 0).padStart(7);
console.log(`${"".padEnd(30)} ${"wall".padStart(7)} ${"CPU".padStart(7)}`);
for (const [name, , value, op, bound] of GOALS.filter(([, needs]) => needs.every((s) => only.includes(s)))) {
  const v = value(named);
  const cpu = value(cpuRows);
  ratios[name] = { value: v, byCpu: cpu, goal: `${op} ${bound}`, met: meets(v, op, bound) };
  console.log(`${name.padEnd(30)} ${shown(v)} ${shown(cpu)}   goal ${op} ${bound}: ${meets(v, op, bound) ? "met" : "NOT met"}`);
}
console.log(`load average after: ${loadAfter.map((l) => l.toFixed(1)).join(" ")}`);

let profiles;
if (profile) {
  profiles = {};
  for (const [name, extra] of [
    ["default", {}],
    ["fleet-50", { CLUSTER_CONFIG: writeFleetFile(scratch, 50) }],
  ]) {
    const dir = path.join(resultsDir, `profile-${name}`);
    fs.rmSync(dir, { recursive: true, force: true });
    // As `npm run synth` runs it; the second run is profiled, with the code cache warm.
    const profileEnv = env({ CDKTF_OUTDIR: out(name), UPI_NODE_FLAGS: `--cpu-prof --cpu-prof-dir=${dir}`, ...extra });
    spawnSync(...run, { cwd: root, env: profileEnv });
    fs.rmSync(dir, { recursive: true, force: true });
    spawnSync(...run, { cwd: root, env: profileEnv });
    const file = path.join(dir, fs.readdirSync(dir)[0]);
    profiles[name] = summarizeProfile(file);
    console.log(`\nwhere the time goes, ${name} (${path.relative(root, file)}):\n${profiles[name].join("\n")}`);
  }
}

const result = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, loadAverage: { before: loadBefore, after: loadAfter }, rows, ratios, profiles };
const file = path.join(resultsDir, `${result.date.replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote ${path.relative(root, file)} (compare with bench/results/baseline.json)`);
