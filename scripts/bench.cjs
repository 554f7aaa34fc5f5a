// npm run bench [-- --runs N] [-- --profile]
//
// Synth wall time and peak RSS (median, min, max of N runs after a warm-up) for: the default
// example through `npm run synth`; generated fleets of 10 and 25 clusters (3 AZs, 7 machines each: 25 is the most the
// synth budget, src/config/validate.ts, accepts);
// and, for the same default example, the stock cdktf path (`cdktf synth` with
// `app: npx ts-node main.ts`, TypeScript 5.9), installed into a scratch folder on first use.
// Writes bench/results/<timestamp>.json; bench/results/baseline.json is the committed reference.
// --profile also writes a CPU profile of one default and one 25-cluster synth and prints where
// the time goes, by phase.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { stringify } = require("yaml");

const root = path.join(__dirname, "..");
const resultsDir = path.join(root, "bench", "results");
const scratch = path.join(root, ".build", "bench");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 9;
const profile = args.includes("--profile");

if (spawnSync("/usr/bin/time", ["-f", "%e", "true"]).status !== 0) {
  console.error("bench: needs GNU time at /usr/bin/time for peak RSS (Debian: apt-get install time)");
  process.exit(1);
}

/** Runs a command once under GNU time; returns wall seconds and peak RSS in MB of the largest process. */
function measure(command, argv, options) {
  const report = path.join(os.tmpdir(), `upi-bench-${process.pid}.time`);
  const r = spawnSync("/usr/bin/time", ["-o", report, "-f", "%e %M", command, ...argv], { ...options, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${command} ${argv.join(" ")} failed:\n${r.stderr}\n${r.stdout}`);
  const [wall, rssKb] = fs.readFileSync(report, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return { wall, rssMb: rssKb / 1024 };
}

function series(name, command, argv, options) {
  measure(command, argv, options); // warm-up: the page cache, and our bundle when sources changed
  const samples = Array.from({ length: runs }, () => measure(command, argv, options));
  const stat = (key) => {
    const v = samples.map((s) => s[key]).sort((a, b) => a - b);
    return { median: v[Math.floor(v.length / 2)], min: v[0], max: v[v.length - 1] };
  };
  const row = { name, runs, wall: stat("wall"), rssMb: stat("rssMb") };
  console.log(`${name.padEnd(34)} ${row.wall.median.toFixed(2).padStart(6)} s  (${row.wall.min.toFixed(2)}-${row.wall.max.toFixed(2)})  ${row.rssMb.median.toFixed(0).padStart(5)} MB  (${row.rssMb.min.toFixed(0)}-${row.rssMb.max.toFixed(0)})`);
  return row;
}

function fleetFile(count) {
  const file = path.join(scratch, `fleet-${count}.yaml`);
  const clusters = Array.from({ length: count }, (_, i) => ({
    clusterName: `c${String(i + 1).padStart(3, "0")}`,
    infraId: `c${String(i + 1).padStart(3, "0")}-x7k2p`,
    network: { vpcCidr: `10.${i}.0.0/16` },
  }));
  const fleet = {
    installDir: path.join(root, "examples", "default", "install"),
    network: { availabilityZones: 3, natGateways: "perAz", vpcEndpoints: ["s3", "ec2", "elasticloadbalancing"] },
    machines: { rhcosAmi: "ami-0123456789abcdef0", controlPlane: { replicas: 3 }, compute: { replicas: 3 } },
    clusters,
  };
  fs.writeFileSync(file, stringify(fleet));
  return file;
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

console.log(`${os.cpus().length} cores, node ${process.version}; ${runs} runs each after a warm-up\n`);
console.log(`${"".padEnd(34)} ${"median".padStart(8)}  (min-max)     peak RSS (min-max)`);
const rows = [];
rows.push(series("default example (npm run synth)", "npm", ["run", "--silent", "synth"], { cwd: root, env: env({ CDKTF_OUTDIR: out("default") }) }));
rows.push(series("default example (scripts/run, no npm)", ...run, { cwd: root, env: env({ CDKTF_OUTDIR: out("default") }) }));
for (const count of [10, 25]) {
  const file = fleetFile(count);
  rows.push(series(`fleet of ${count} (${count * 5} stacks)`, ...run, { cwd: root, env: env({ CLUSTER_CONFIG: file, CDKTF_OUTDIR: out(`fleet-${count}`) }) }));
}
const stock = stockProject();
rows.push(
  series("stock: cdktf synth + ts-node", path.join(root, "node_modules", ".bin", "cdktf"), ["synth", "--output", out("stock")], {
    cwd: stock,
    env: env({ CHECKPOINT_DISABLE: "1", CI: "1" }),
  }),
);

const [npmRun, , fleet10, fleet25, stockRow] = rows;
const ratios = {
  stockOverNpmRunSynth: stockRow.wall.median / npmRun.wall.median,
  fleet25OverFleet10: fleet25.wall.median / fleet10.wall.median,
};
console.log(`\nstock path / npm run synth: ${ratios.stockOverNpmRunSynth.toFixed(1)}x`);
console.log(`fleet 25 / fleet 10: ${ratios.fleet25OverFleet10.toFixed(2)}x for 2.5x the clusters`);

let profiles;
if (profile) {
  profiles = {};
  for (const [name, extra] of [["default", {}], ["fleet-25", { CLUSTER_CONFIG: path.join(scratch, "fleet-25.yaml") }]]) {
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

const result = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, rows, ratios, profiles };
const file = path.join(resultsDir, `${result.date.replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote ${path.relative(root, file)} (compare with bench/results/baseline.json)`);
