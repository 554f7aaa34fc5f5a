// node bench/plan-fleet.cjs [clusters, default 10]
//
// `npm run plan` of a fleet against the same stacks' `terraform plan`s one after another, on the
// emulator (moto through scripts/emulator/moto_launcher.py, reached through AWS_ENDPOINT_URL as the
// emulator suites do), with nothing deployed: the network stacks plan their creation, the others
// stop at their upstream's missing state, as they would on a new fleet. Every stack folder is
// initialised first (not measured). The serial plans run as a user types them, with Go's default
// GC unless GOGC is set; `npm run plan` as shipped (GOGC=400, two processes per core). Wall time
// and CPU time (user and system, all processes) under GNU time; the load average is recorded.
// Needs terraform, python3 with moto, and TERRAFORM_PROVIDER_MIRROR where the registry is out of
// reach. Writes bench/results/plan-fleet-<timestamp>.json.
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { writeFleetFile } = require("./fleet.cjs");

const root = path.join(__dirname, "..");
const count = Number(process.argv[2]) || 10;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "upi-plan-bench-"));
const outdir = path.join(scratch, "cdktf.out");

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs argv under GNU time in `cwd`; wall and CPU seconds, and the exit status. */
function timed(argv, env, cwd = root) {
  const report = path.join(scratch, "time.txt");
  const r = spawnSync("/usr/bin/time", ["-o", report, "-f", "%e %U %S", ...argv], { cwd, env, encoding: "utf8", maxBuffer: 1 << 28 });
  const [wall, user, sys] = fs.readFileSync(report, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: user + sys, status: r.status };
}

async function main() {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const moto = spawn("python3", [path.join(root, "scripts", "emulator", "moto_launcher.py"), "-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  try {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error("moto did not start within 120 s");
      if (
        await fetch(`${endpoint}/moto-api/`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: "us-east-1",
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      CLUSTER_CONFIG: writeFleetFile(scratch, count),
      CDKTF_OUTDIR: outdir,
    };
    if (process.env.TERRAFORM_PROVIDER_MIRROR) {
      const rc = path.join(scratch, "terraform.rc");
      const mirror = JSON.stringify(process.env.TERRAFORM_PROVIDER_MIRROR);
      fs.writeFileSync(
        rc,
        `provider_installation {\n  filesystem_mirror {\n    path    = ${mirror}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
      );
      env.TF_CLI_CONFIG_FILE = rc;
    }
    const synth = spawnSync("sh", ["scripts/run"], { cwd: root, env, encoding: "utf8" });
    if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stderr}`);
    // In the manifest's order: each cluster's network, infra, bootstrap, machines, ingress.
    const stacks = Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).stacks).map((s) => path.join(outdir, "stacks", s));
    console.log(`${count} clusters, ${stacks.length} stacks; terraform init in each (not measured)`);
    for (const dir of stacks) {
      const init = spawnSync("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8" });
      if (init.status !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.stderr}`);
    }
    const loadBefore = os.loadavg();
    const serialScript = stacks.map((d) => `terraform -chdir=${JSON.stringify(d)} plan -input=false -no-color -out=serial.tfplan >/dev/null 2>&1`).join("; ");
    const serial = timed(["sh", "-c", serialScript], env);
    const npmRunPlan = timed(["sh", "scripts/run", "scripts/plan.ts"], env);
    const loadAfter = os.loadavg();
    const result = {
      date: new Date().toISOString(),
      cpus: os.cpus().length,
      clusters: count,
      stacks: stacks.length,
      loadAverage: { before: loadBefore, after: loadAfter },
      serial,
      npmRunPlan,
      wallRatio: npmRunPlan.wall / serial.wall,
      cpuRatio: npmRunPlan.cpu / serial.cpu,
    };
    console.log(`serial terraform plans: ${serial.wall.toFixed(1)} s wall, ${serial.cpu.toFixed(1)} s CPU`);
    console.log(`npm run plan (synth and all plans): ${npmRunPlan.wall.toFixed(1)} s wall, ${npmRunPlan.cpu.toFixed(1)} s CPU (exit ${npmRunPlan.status})`);
    console.log(
      `npm run plan / serial: ${result.wallRatio.toFixed(2)} of the wall time, ${result.cpuRatio.toFixed(2)} of the CPU; load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")} before, ${loadAfter.map((l) => l.toFixed(1)).join(" ")} after`,
    );
    const file = path.join(root, "bench", "results", `plan-fleet-${result.date.replace(/[:.]/g, "-")}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(root, file)}`);
  } finally {
    moto.kill();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`plan-fleet: ${e.message}`);
  process.exitCode = 1;
});
