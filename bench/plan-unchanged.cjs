// node bench/plan-unchanged.cjs [runs, default 3]
//
// `npm run plan` of an unchanged, deployed cluster against the same stacks' `terraform plan`s one
// after another (the issue-23 goal: at most 0.6 of their wall time on 2 cores). The embedded
// example (examples/default: 3 AZs, NAT per AZ, 3 + 2 machines, local state) is deployed on the
// emulator exactly as README's "Try it without an AWS account" does it: `npm run emulator`, its
// printed environment, `npm run synth`, then `terraform apply` per stack in dependency order (not
// measured). Then, `runs` times, alternating: the serial plans as a user types them (Go's default GC
// unless GOGC is set) and `npm run plan` as shipped (synth included). Wall and CPU time (user and
// system, all processes) under GNU time, medians; the load average is recorded. Needs terraform,
// python3 with moto, GNU time, and TERRAFORM_PROVIDER_MIRROR where the registry is out of reach.
// Writes bench/results/plan-unchanged-<timestamp>.json.
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..");
const runs = Number(process.argv[2]) || 3;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "upi-plan-unchanged-"));
const outdir = path.join(scratch, "cdktf.out");

function timed(argv, env, cwd = root) {
  const report = path.join(scratch, "time.txt");
  const r = spawnSync("/usr/bin/time", ["-o", report, "-f", "%e %U %S", ...argv], { cwd, env, encoding: "utf8", maxBuffer: 1 << 28 });
  const [wall, user, sys] = fs.readFileSync(report, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: user + sys, status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** Starts `npm run emulator` and resolves with the environment its "Paste these lines" block exports. */
function startEmulator() {
  const child = spawn("sh", ["scripts/run", "scripts/emulator/main.ts"], { cwd: root, env: process.env, stdio: ["ignore", "pipe", "inherit"], detached: true });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (!out.includes("Ctrl-C stops the emulator")) return;
      const env = {};
      for (const line of out.split("\n").filter((l) => l.startsWith("export "))) {
        for (const [, k, v] of line.slice(7).matchAll(/(\w+)=('[^']*'|\S+)/g)) env[k] = v.replace(/^'|'$/g, "");
      }
      resolve({ env, stop: () => process.kill(-child.pid, "SIGTERM") });
    });
    child.on("exit", (code) => reject(new Error(`npm run emulator exited (${code}):\n${out}`)));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const emulator = await startEmulator();
  try {
    const env = { ...process.env, ...emulator.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
    const synth = spawnSync("sh", ["scripts/run", "main.ts"], { cwd: root, env, encoding: "utf8" });
    if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stderr}`);
    // Dependency order: each stack after the stacks it reads.
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).stacks;
    const order = [];
    const visit = (name) => order.includes(name) || (manifest[name].dependencies.forEach(visit), order.push(name));
    Object.keys(manifest).forEach(visit);
    const stacks = order.map((s) => path.join(outdir, "stacks", s));
    console.log(`deploying ${stacks.map((s) => path.basename(s)).join(", ")} on the emulator (not measured)`);
    for (const dir of stacks) {
      for (const args of [
        ["init", "-input=false", "-no-color"],
        ["apply", "-auto-approve", "-input=false", "-no-color"],
      ]) {
        const r = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 28 });
        if (r.status !== 0) throw new Error(`terraform ${args[0]} failed in ${dir}:\n${r.stderr}`);
      }
    }
    const serialScript = stacks.map((d) => `terraform -chdir=${JSON.stringify(d)} plan -input=false -no-color -detailed-exitcode >/dev/null 2>&1; test $? -eq 0`).join(" && ");
    const loadBefore = os.loadavg();
    const serial = [];
    const npmRunPlan = [];
    for (let i = 0; i < runs; i++) {
      const s = timed(["sh", "-c", serialScript], env);
      if (s.status !== 0) throw new Error("a serial plan failed or planned changes: the cluster is not unchanged");
      serial.push(s);
      const p = timed(["npm", "run", "plan"], env);
      if (p.status !== 0) throw new Error(`npm run plan exited ${p.status}:\n${p.output.slice(-3000)}`);
      npmRunPlan.push(p);
      console.log(`run ${i + 1}: serial ${s.wall.toFixed(1)} s wall ${s.cpu.toFixed(1)} s CPU; npm run plan ${p.wall.toFixed(1)} s wall ${p.cpu.toFixed(1)} s CPU`);
    }
    const loadAfter = os.loadavg();
    const row = (xs) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)), runs: xs.map(({ wall, cpu }) => ({ wall, cpu })) });
    const result = {
      date: new Date().toISOString(),
      cpus: os.cpus().length,
      stacks: stacks.length,
      loadAverage: { before: loadBefore, after: loadAfter },
      serial: row(serial),
      npmRunPlan: row(npmRunPlan),
    };
    result.wallRatio = result.npmRunPlan.wall / result.serial.wall;
    result.cpuRatio = result.npmRunPlan.cpu / result.serial.cpu;
    console.log(
      `medians: serial ${result.serial.wall.toFixed(1)} s wall, npm run plan ${result.npmRunPlan.wall.toFixed(1)} s wall: ${result.wallRatio.toFixed(2)} of the wall time (goal 0.6), ${result.cpuRatio.toFixed(2)} of the CPU; load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")} before, ${loadAfter.map((l) => l.toFixed(1)).join(" ")} after`,
    );
    const file = path.join(root, "bench", "results", `plan-unchanged-${result.date.replace(/[:.]/g, "-")}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(root, file)}`);
  } finally {
    emulator.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`plan-unchanged: ${e.message}`);
  process.exitCode = 1;
});
