// node bench/test-cpu.cjs [jest arguments...]
//
// Where `npm test`'s CPU goes: runs jest (all suites, or those the arguments select) under Linux
// process accounting, with a shim on PATH that records each Terraform run (its test file and
// arguments) and then execs the real Terraform, so the process, its pid and its signals stay
// Terraform's own. Prints CPU (user + system) by process name for the whole run, then Terraform's
// (each run with the provider processes it started) by test file and by command. Needs root and
// Debian's acct package (accton, dump-acct). Accounting counts every process on the machine: run
// it with nothing else running. Writes bench/results/test-cpu-<timestamp>.json.
// Results and what they mean: bench/tests.md.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const scratch = path.join(root, ".build", "bench", "test-cpu");
const jestArgs = process.argv.slice(2);

for (const tool of ["accton", "dump-acct"]) {
  if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
    console.error(`bench/test-cpu: needs ${tool} (Debian: apt-get install acct) and root`);
    process.exit(1);
  }
}
const realTerraform = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" }).stdout.trim();
if (!realTerraform) {
  console.error("bench/test-cpu: terraform is not on PATH");
  process.exit(1);
}

fs.rmSync(scratch, { recursive: true, force: true });
fs.mkdirSync(path.join(scratch, "bin"), { recursive: true });
const accounting = path.join(scratch, "pacct");
const runsLog = path.join(scratch, "terraform-runs.tsv");
fs.writeFileSync(accounting, "");
fs.writeFileSync(runsLog, "");
// exec keeps the pid: the accounting record of that pid is Terraform's, and signals reach it.
fs.writeFileSync(
  path.join(scratch, "bin", "terraform"),
  `#!/bin/sh\nprintf '%s\\t%s\\t%s\\n' "$$" "\${UPI_TEST_FILE:-}" "$*" >> ${JSON.stringify(runsLog)}\nexec ${JSON.stringify(realTerraform)} "$@"\n`,
  { mode: 0o755 },
);

const accton = (arg) => {
  const r = spawnSync("accton", [arg], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`accton ${arg} failed (root is needed):\n${r.stderr}`);
};
const started = Date.now();
// Ctrl-C reaches jest as well; this process then turns accounting off before it exits.
process.on("SIGINT", () => undefined);
accton(accounting);
let jest;
try {
  jest = spawnSync("npx", ["jest", ...jestArgs], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PATH: `${path.join(scratch, "bin")}${path.delimiter}${process.env.PATH}` },
  });
} finally {
  accton("off");
}
const wall = (Date.now() - started) / 1000;

// dump-acct: command|version|user|system|elapsed|uid|gid|memory|io|pid|ppid|... (times in clock ticks).
const TICK = 100;
const processes = spawnSync("dump-acct", [accounting], { encoding: "utf8", maxBuffer: 1 << 28 })
  .stdout.split("\n")
  .filter(Boolean)
  .map((line) => {
    const f = line.split("|").map((s) => s.trim());
    return { command: f[0], cpu: (Number(f[2]) + Number(f[3])) / TICK, pid: f[9], ppid: f[10] };
  });

const logged = fs.readFileSync(runsLog, "utf8").split("\n").filter(Boolean);
const runs = new Map(
  logged.map((line) => {
    const [pid, file, args] = line.split("\t");
    const subcommand = args.split(" ").find((a) => !a.startsWith("-")) ?? args;
    return [pid, { file: file || "(outside a test file)", subcommand, cpu: 0, providers: 0, providerCpu: 0 }];
  }),
);
// Process IDs wrap at pid_max (threads use them too): a reused one would charge two runs to one.
const reused = logged.length - runs.size;
if (reused) console.error(`bench/test-cpu: ${reused} Terraform process IDs were used twice; their runs are charged to the last one`);
for (const p of processes) {
  if (p.command === "terraform" && runs.has(p.pid)) runs.get(p.pid).cpu += p.cpu;
  // The provider plugins a Terraform run started: their comm is cut to 15 characters.
  if (p.command.startsWith("terraform-provi") && runs.has(p.ppid)) {
    runs.get(p.ppid).providers += 1;
    runs.get(p.ppid).providerCpu += p.cpu;
  }
}

function table(title, rows, columns) {
  console.log(`\n${title}`);
  for (const row of rows) console.log(`  ${columns.map(([, fmt]) => fmt(row)).join("  ")}`);
}
const sum = (list, key) => list.reduce((t, x) => t + x[key], 0);
function groupBy(list, key) {
  const groups = new Map();
  for (const x of list) groups.set(x[key], [...(groups.get(x[key]) ?? []), x]);
  return [...groups.entries()].map(([name, members]) => ({
    name,
    runs: members.length,
    cpu: sum(members, "cpu"),
    providers: sum(members, "providers"),
    providerCpu: sum(members, "providerCpu"),
    total: sum(members, "cpu") + sum(members, "providerCpu"),
  }));
}

const byName = groupBy(processes, "command")
  .map((g) => ({ ...g, total: g.cpu }))
  .filter((g) => g.total >= 1)
  .sort((a, b) => b.total - a.total);
const allRuns = [...runs.values()];
const byFile = groupBy(allRuns, "file").sort((a, b) => b.total - a.total);
const bySubcommand = groupBy(allRuns, "subcommand").sort((a, b) => b.total - a.total);
const s = (n) => n.toFixed(1).padStart(7);

console.log(`\njest exited ${jest.status}; ${wall.toFixed(0)} s wall, ${sum(processes, "cpu").toFixed(0)} s CPU in all (${processes.length} processes)`);
table("CPU by process name (s):", byName, [
  ["", (g) => g.name.padEnd(16)],
  ["", (g) => `${String(g.runs).padStart(5)} processes`],
  ["", (g) => s(g.total)],
]);
const terraformColumns = [
  ["", (g) => `${String(g.runs).padStart(4)} runs`],
  ["", (g) => `terraform ${s(g.cpu)}`],
  ["", (g) => `providers ${String(g.providers).padStart(4)} started ${s(g.providerCpu)}`],
  ["", (g) => `total ${s(g.total)}`],
  ["", (g) => `per run ${(g.total / g.runs).toFixed(2).padStart(5)}`],
];
table("Terraform by test file (CPU s):", byFile, [["", (g) => g.name.padEnd(52)], ...terraformColumns]);
table("Terraform by command (CPU s):", bySubcommand, [["", (g) => g.name.padEnd(10)], ...terraformColumns]);

const result = { date: new Date().toISOString(), jestArgs, exitCode: jest.status, wall, cpu: sum(processes, "cpu"), byName, byFile, bySubcommand };
const file = path.join(root, "bench", "results", `test-cpu-${result.date.replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\n${path.relative(root, file)}`);
process.exit(jest.status ?? 1);
