// node bench/test-cpu.cjs [jest arguments...]
//
// Where `npm test`'s CPU goes: runs jest (all suites, or those the arguments select) under Linux
// process accounting, with a shim on PATH that records each Terraform run (its test file and
// subcommand) and then execs the real Terraform, so the process, its pid and its signals stay
// Terraform's own. Prints CPU (user + system) by process name for the whole run, then Terraform's
// (each run with the provider plugins it started) by test file and by command. Needs root and
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
const shellQuoted = (text) => `'${text.replace(/'/g, `'\\''`)}'`;
// The shim logs its pid, the test file and the subcommand (the first argument that is not an
// option), then execs Terraform: the accounting record of that pid is Terraform's, and signals reach it.
fs.writeFileSync(
  path.join(scratch, "bin", "terraform"),
  [
    "#!/bin/sh",
    "sub=",
    'for a in "$@"; do case "$a" in -*) ;; *) sub=$a; break ;; esac; done',
    `printf '%s\\t%s\\t%s\\n' "$$" "\${UPI_TEST_FILE:-}" "\${sub:-$1}" >> ${shellQuoted(runsLog)}`,
    `exec ${shellQuoted(realTerraform)} "$@"`,
    "",
  ].join("\n"),
  { mode: 0o755 },
);

const accton = (arg) => {
  const r = spawnSync("accton", [arg], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`accton ${arg} failed (root is needed):\n${r.stderr}`);
};
const started = Date.now();
// A signal that stops jest (Ctrl-C reaches it too) leaves this process to turn accounting off.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => undefined);
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

// Process IDs wrap at pid_max (threads take them too): the runs of a pid used twice cannot be told
// apart, so they are charged to a row of their own rather than to a test file or command.
const REUSED = "(pid used by several runs)";
const runs = new Map();
for (const line of fs.readFileSync(runsLog, "utf8").split("\n").filter(Boolean)) {
  const [pid, file, subcommand = ""] = line.split("\t");
  const earlier = runs.get(pid);
  if (earlier) Object.assign(earlier, { file: REUSED, subcommand: REUSED, runs: earlier.runs + 1 });
  // A command spawned without the suite's environment does not carry UPI_TEST_FILE.
  else runs.set(pid, { file: file || "(no test file in its environment)", subcommand, runs: 1, cpu: 0, providers: 0, providerCpu: 0 });
}
for (const p of processes) {
  if (p.command === "terraform" && runs.has(p.pid)) runs.get(p.pid).cpu += p.cpu;
  // The provider plugins a Terraform run started (terraform-provider-*: comm is cut to 15 characters).
  if (p.command.startsWith("terraform-provi") && runs.has(p.ppid)) {
    runs.get(p.ppid).providers += 1;
    runs.get(p.ppid).providerCpu += p.cpu;
  }
}

function table(title, rows, columns) {
  console.log(`\n${title}`);
  for (const row of rows) console.log(`  ${columns.map((fmt) => fmt(row)).join("  ")}`);
}
const sum = (list, key) => list.reduce((t, x) => t + x[key], 0);
const groups = (list, key) => {
  const byKey = new Map();
  for (const x of list) byKey.set(x[key], [...(byKey.get(x[key]) ?? []), x]);
  return [...byKey.entries()];
};

const byName = groups(processes, "command")
  .map(([name, members]) => ({ name, processes: members.length, cpu: sum(members, "cpu") }))
  .filter((g) => g.cpu >= 1)
  .sort((a, b) => b.cpu - a.cpu);
const terraformBy = (key) =>
  groups([...runs.values()], key)
    .map(([name, members]) => {
      const g = { name, runs: sum(members, "runs"), cpu: sum(members, "cpu"), providers: sum(members, "providers"), providerCpu: sum(members, "providerCpu") };
      return { ...g, total: g.cpu + g.providerCpu };
    })
    .sort((a, b) => b.total - a.total);
const byFile = terraformBy("file");
const bySubcommand = terraformBy("subcommand");
const s = (n) => n.toFixed(1).padStart(7);

console.log(`\njest exited ${jest.status}; ${wall.toFixed(0)} s wall, ${sum(processes, "cpu").toFixed(0)} s CPU in all (${processes.length} processes)`);
table("CPU by process name (s; those with at least 1 s):", byName, [(g) => g.name.padEnd(16), (g) => `${String(g.processes).padStart(5)} processes`, (g) => s(g.cpu)]);
const terraformColumns = [
  (g) => `${String(g.runs).padStart(4)} runs`,
  (g) => `terraform ${s(g.cpu)}`,
  (g) => `provider plugins ${String(g.providers).padStart(4)} started ${s(g.providerCpu)}`,
  (g) => `total ${s(g.total)}`,
  (g) => `per run ${(g.total / g.runs).toFixed(2).padStart(5)}`,
];
table("Terraform by test file (CPU s):", byFile, [(g) => g.name.padEnd(52), ...terraformColumns]);
table("Terraform by command (CPU s):", bySubcommand, [(g) => g.name.padEnd(10), ...terraformColumns]);

const result = { date: new Date().toISOString(), jestArgs, exitCode: jest.status, wall, cpu: sum(processes, "cpu"), byName, byFile, bySubcommand };
const file = path.join(root, "bench", "results", `test-cpu-${result.date.replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\n${path.relative(root, file)}`);
process.exit(jest.status ?? 1);
