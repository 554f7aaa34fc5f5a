import { DescribeInstancesCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { ListHostedZonesCommand, ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import * as fs from "node:fs";
import * as path from "node:path";
import { filter } from "../../test-support/aws";
import { CliResult, runNpmScript } from "../../test-support/cli";
import { CommandVars, documented, PreparedCommand, runDocumented, runDocumentedOk } from "../../test-support/documented-commands";
import { emulatorCluster, EmulatorCluster } from "../../test-support/emulator-cluster";
import { actionsByAddress, actionsFromPlanLog } from "../../test-support/plans";
import { EXAMPLE_INSTALL_DIR, ROOT } from "../../test-support/paths";
import { terraform, terraformOk } from "../../test-support/terraform";
import { stepTimer } from "../../test-support/timings";
import { parsePlanJson } from "../../src/plan/plan-json";

/**
 * `npm run plan`, `npm run roll` and day-2 edits on one deployed cluster (two AZs, a NAT gateway
 * in each, two workers, state in the emulator's S3), shared by every case: each case writes the
 * cluster file it is about, runs the command as a user would, and asserts the plan exactly, as
 * `{address: action}` per stack.
 */
jest.setTimeout(1_200_000);

const STACKS = ["demo-network", "demo-infra", "demo-bootstrap", "demo-machines", "demo-ingress"];
const BASE = { network: { availabilityZones: 2 } };
let env: EmulatorCluster;
const { timings, timed } = stepTimer();

beforeAll(async () => {
  const deployStart = Date.now();
  env = await emulatorCluster("plan-state");
  env.synth(BASE);
  await env.apply("demo-network");
  await env.apply("demo-infra");
  await Promise.all([env.apply("demo-bootstrap"), env.apply("demo-machines")]);
  timings.deploy = (Date.now() - deployStart) / 1000;
});

afterAll(async () => {
  console.log(`plan e2e timings (s): ${JSON.stringify(timings)}`);
  await env?.close();
});

/**
 * Writes the cluster file (the base cluster with `overrides`) and runs a documented command on it
 * as docs/day-2.md writes it (`npm run plan`, `npm run roll -- demo <machine>`), with the cluster's file,
 * output folder and name.
 */
async function run(command: (vars: CommandVars) => PreparedCommand, overrides: Record<string, unknown> = {}): Promise<CliResult> {
  env.synth({ ...BASE, ...overrides });
  const prepared = command({ clusterFile: env.configFile, outdir: env.outdir, cluster: "demo" });
  const start = Date.now();
  const r = await runDocumented(prepared, { env: env.terraformEnv() });
  timings[`${prepared.script} ${JSON.stringify(overrides)}`] = (Date.now() - start) / 1000;
  if (r.code === null) throw new Error(`${prepared.script} did not finish:\n${r.stderr}`);
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** The JSON plan saved in a stack folder (of the cluster's output folder by default), or undefined when the stack was not planned. */
async function savedPlan(stack: string, file = "upi.tfplan", outdir = env.outdir) {
  if (!fs.existsSync(path.join(env.stackDir(stack, outdir), file))) return undefined;
  const shown = await terraformOk(env.stackDir(stack, outdir), ["show", "-json", file], env.terraformEnv());
  return parsePlanJson(shown.stdout, `${stack}/${file}`);
}

/** `{stack: {address: action}}` of the plans `npm run plan` saved; "not planned" for a stack without one. */
async function plannedActions(outdir = env.outdir): Promise<Record<string, Record<string, string> | "not planned">> {
  const plans = await Promise.all(STACKS.map((stack) => savedPlan(stack, "upi.tfplan", outdir)));
  return Object.fromEntries(STACKS.map((stack, i) => [stack, plans[i] ? actionsByAddress(plans[i]) : "not planned"]));
}

/** The table's row of a stack: its four counts and status. */
const row = (stdout: string, stack: string) =>
  stdout
    .split("\n")
    .find((l) => l.startsWith(`  ${stack} `))
    ?.trim()
    .split(/\s{2,}/)
    .slice(1);
const findingLines = (stdout: string) => stdout.split("\n").filter((l) => /^(warning: )?\[PLAN-/.test(l));

/** The managed resources a synthesized stack declares (`type.name`), those matching `pattern`. */
function addresses(outdir: string, stack: string, pattern = /./): string[] {
  const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
  return Object.entries<Record<string, unknown>>(json.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .filter((a) => pattern.test(a));
}

/** `{address: action}` for every address given. */
const each = (list: readonly string[], action: string) => Object.fromEntries(list.map((a) => [a, action]));

// An unchanged cluster is planned by npm run plan in another folder, with the day-2 edits below.
describe("npm run plan", () => {
  describe("a dangerous edit: a new network.vpcCidr", () => {
    const edit = { network: { ...BASE.network, vpcCidr: "10.1.0.0/16" } };
    const replaced = () => addresses(env.outdir, "demo-network", /^aws_(vpc|subnet)\./).sort();
    let planJsonFile: string;
    const acknowledgement = "moving to the 10.1 range, cluster rebuilt";

    test("exits 1 on the network stack's own guard (PLAN-VPC-1, naming the VPC and each subnet); the stacks that read the network's outputs wait", async () => {
      const r = await run((v) => documented("npm-run-plan", v), edit);
      expect(r.status).toBe(1);
      // Terraform itself refuses the plan (src/guards): its message is the stack's one finding.
      const [finding, ...more] = findingLines(r.stdout);
      expect(more).toEqual([]);
      expect(finding).toMatch(/^\[PLAN-VPC-1\] demo-network: the VPC and its subnets stay: this plan replaces /);
      expect(finding).toContain("replaces the VPC demo-x7k2p-vpc (cidr_block 10.0.0.0/16 -> 10.1.0.0/16)");
      expect(finding.match(/replaces the (public|private) subnet 10\.0\.\d+\.0\/20 \([a-z0-9-]+\) \(cidr_block 10\.0\.\d+\.0\/20 -> 10\.1\.\d+\.0\/20\)/g)).toHaveLength(
        replaced().length - 1,
      );
      expect(finding).toContain("If it is deliberate, acknowledge PLAN-VPC-1 in the cluster file's guardrails.acknowledge");
      expect(row(r.stdout, "demo-network")).toEqual(["-", "-", "-", "-", "refused (below)"]);
      expect(row(r.stdout, "demo-infra")).toEqual(["-", "-", "-", "-", "waits on demo-network"]);
      expect(row(r.stdout, "demo-machines")).toEqual(["-", "-", "-", "-", "waits on demo-network, demo-infra"]);
      expect(await plannedActions()).toMatchObject({ "demo-network": "not planned", "demo-infra": "not planned", "demo-bootstrap": "not planned", "demo-machines": "not planned" });
      expect(r.stdout).not.toMatch(/To apply/);
    });

    test("acknowledged, it exits 0 with the checker's findings as warnings; --check with the same cluster file agrees", async () => {
      const acknowledged = { ...edit, guardrails: { acknowledge: [{ rule: "PLAN-VPC-1", reason: acknowledgement }] } };
      const r = await run((v) => documented("npm-run-plan", v), acknowledged);
      expect(r.status).toBe(0);
      expect(findingLines(r.stdout).map((l) => l.split(": ").slice(0, 3).join(": "))).toEqual(replaced().map((a) => `warning: [PLAN-VPC-1] demo-network: ${a}`));
      expect(findingLines(r.stdout).every((l) => l.endsWith(`(acknowledged: ${acknowledgement})`))).toBe(true);
      expect(r.stdout).toContain("To apply exactly these plans:");
      // Only the network stack's saved plan is read: each `terraform show -json` starts the AWS provider (some 2.5 s of CPU).
      const network = actionsByAddress((await savedPlan("demo-network"))!);
      expect(Object.entries(network).filter(([, a]) => a !== "replace")).toEqual([
        ["aws_internet_gateway.network_internet-gateway_E855E801", "update"],
        ["terraform_data.guard-PLAN-VPC-1", "delete"],
      ]);
      for (const address of replaced()) expect(network[address]).toBe("replace");
      // docs/day-2.md's two lines, on the plan npm run plan saved: the acknowledgements come from CLUSTER_CONFIG.
      const stackDir = env.stackDir("demo-network");
      fs.copyFileSync(path.join(stackDir, "upi.tfplan"), path.join(stackDir, "plan.tfplan"));
      planJsonFile = path.join(env.dir, "acknowledged-plan.json");
      const check = await runDocumented(documented("plan-check", { stackDir, planJson: planJsonFile, clusterFile: env.configFile }), { env: env.terraformEnv() });
      expect({ status: check.code, stderr: check.stderr }).toEqual({ status: 0, stderr: "" });
      expect(findingLines(check.stdout)).toHaveLength(replaced().length);
      expect(findingLines(check.stdout).every((l) => l.startsWith("warning: [PLAN-VPC-1]"))).toBe(true);
    });

    test("--check on that saved plan JSON without the cluster file's acknowledgement refuses it, naming the VPC and subnets", async () => {
      const r = await runNpmScript("plan", ["--check", planJsonFile], { CLUSTER_CONFIG: "" });
      expect(r.status).toBe(1);
      expect(findingLines(r.stdout).map((l) => l.split(": ").slice(0, 2).join(": "))).toEqual(replaced().map((a) => `[PLAN-VPC-1] ${planJsonFile}: ${a}`));
    });
  });
});

describe("npm run roll", () => {
  const liveInstances = async () => {
    const reservations = (await env.aws.ec2.send(new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "running")] }))).Reservations ?? [];
    return Object.fromEntries(reservations.flatMap((r) => r.Instances ?? []).map((i) => [i.Tags?.find((t) => t.Key === "Name")?.Value, i.InstanceId]));
  };

  const workerIp = async () => {
    const r = await env.aws.ec2.send(new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "running"), filter("tag:Name", "demo-x7k2p-worker-1")] }));
    return r.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress;
  };

  test("worker-1 --replace: exactly that worker is replaced, and it prints the commands it runs", async () => {
    const before = await liveInstances();
    const beforeIp = await workerIp();
    const r = await run((v) => documented("npm-run-roll-replace", { ...v, machine: "worker-1" }));
    expect({ status: r.status, stderr: r.stderr.split("\n").filter((l) => /error/i.test(l)) }).toEqual({ status: 0, stderr: [] });
    const worker = "aws_instance.compute_worker-1_instance_649DCFC8";
    const dir = path.relative(ROOT, env.stackDir("demo-machines"));
    expect(r.stdout).toContain(`terraform -chdir=${dir} plan -input=false -replace=${worker} -target=${worker} -out=roll.tfplan -no-color`);
    expect(r.stdout).toContain(`terraform -chdir=${dir} apply -input=false -no-color roll.tfplan`);
    // The targeted apply leaves the worker's old IP in ComputePrivateIps; a plan of outputs alone records a new one. The
    // emulator hands the freed address back now that a terminated instance's interface goes with it (moto_launcher.py), as
    // EC2 may: then there is nothing to record. The plan below (-detailed-exitcode) checks the outputs either way.
    const ipChanged = (await workerIp()) !== beforeIp;
    expect(r.stdout.includes(`terraform -chdir=${dir} apply -input=false -no-color outputs.tfplan`)).toBe(ipChanged);
    expect(r.stdout.trim().split("\n").pop()).toBe("Rolled demo-x7k2p-worker-1 (replaced). demo-machines has nothing else pending.");
    expect(actionsByAddress((await savedPlan("demo-machines", "roll.tfplan"))!)).toEqual({ [worker]: "replace" });

    const after = await liveInstances();
    expect(after["demo-x7k2p-worker-1"]).not.toBe(before["demo-x7k2p-worker-1"]);
    const othersOf = (instances: Record<string, unknown>) => Object.entries(instances).filter(([name]) => name !== "demo-x7k2p-worker-1");
    expect(othersOf(after)).toEqual(othersOf(before));
    const again = await terraform(env.stackDir("demo-machines"), ["plan", "-input=false", "-detailed-exitcode"], env.terraformEnv());
    expect(again.code).toBe(0);
  });

  test("worker-1 with nothing pending: nothing to roll, nothing applied", async () => {
    const r = await run((v) => documented("npm-run-roll", { ...v, machine: "worker-1" }));
    expect({ status: r.status, nothing: /^Nothing to roll/m.test(r.stdout) }).toEqual({ status: 0, nothing: true });
  });
});

/**
 * Day-2 edits (issues 11 and 16), each asserted as the exact plan of the stacks it touches
 * (`{address: action}` of every managed change). Plain `terraform plan` in the stack folders the
 * edit concerns, as an operator would run it. Edits that only plan are made in copies of the
 * cluster's output folder (its record and lock files; `.terraform` linked), so they run side by
 * side against the same live cluster; applies come after them, those that share no state side by side.
 */
describe("day 2 edits", () => {
  /**
   * `terraform plan -json -out=day2.tfplan` in one stack folder: `{address: action}` and the error
   * diagnostics. Without the state lock: several folders plan the same state at once, and a plan
   * writes no state.
   */
  async function planIn(outdir: string, stack: string) {
    const r = await terraform(env.stackDir(stack, outdir), ["plan", "-input=false", "-lock=false", "-json", "-out=day2.tfplan"], env.terraformEnv());
    const errors = r.stdout
      .split("\n")
      .filter((l) => l.includes('"@level":"error"'))
      .map((l) => JSON.parse(l).diagnostic)
      .map((d) => `${d.address ? `${d.address}: ` : ""}${d.summary}: ${d.detail}`);
    return { code: r.code, actions: actionsFromPlanLog(r.stdout), errors: errors.length ? errors : [r.stderr] };
  }

  /** Plans each stack, side by side: `{stack: {address: action}}`, throwing on a failed plan. */
  async function plansOf(outdir: string, stacks: readonly string[]) {
    const plans = await Promise.all(stacks.map((stack) => planIn(outdir, stack)));
    plans.forEach((p, i) => {
      if (p.code !== 0) throw new Error(`terraform plan in ${stacks[i]} failed:\n${p.errors.join("\n")}`);
    });
    return Object.fromEntries(stacks.map((stack, i) => [stack, plans[i].actions]));
  }

  /** A copy of the cluster's output folder, as the operator's folder is before an edit. */
  function copyOfOutput(name: string): string {
    const out = path.join(env.dir, name);
    fs.cpSync(env.outdir, out, { recursive: true, filter: (src) => !/[/\\](\.terraform|[^/\\]+\.tfplan)$/.test(src) });
    for (const stack of STACKS) {
      const initialised = path.join(env.stackDir(stack), ".terraform");
      if (fs.existsSync(initialised)) fs.symlinkSync(initialised, path.join(env.stackDir(stack, out), ".terraform"));
    }
    return out;
  }

  /** Synthesizes the base cluster with `overrides` into `outdir`; throws on a refusal. */
  function edit(outdir: string, overrides: Record<string, unknown>) {
    const r = env.trySynth({ ...BASE, ...overrides }, outdir);
    if (r.status !== 0) throw new Error(`synth refused the edit:\n${r.stderr}`);
    return r;
  }

  /** An installDir whose Ignition files carry a new CA bundle (a CA rotation adds a certificate). */
  function installDirWithNewCa(): string {
    const dir = path.join(env.dir, "install-new-ca");
    fs.cpSync(EXAMPLE_INSTALL_DIR, dir, { recursive: true });
    for (const file of ["master.ign", "worker.ign"]) {
      const ign = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
      const ca = ign.ignition.security.tls.certificateAuthorities[0];
      const pem = Buffer.from(ca.source.split(",")[1], "base64").toString("utf8");
      ca.source = `data:text/plain;charset=utf-8;base64,${Buffer.from(`${pem.trimEnd()}\n${pem}`).toString("base64")}`;
      fs.writeFileSync(path.join(dir, file), JSON.stringify(ign));
    }
    return dir;
  }

  const masters = (outdir: string, n: string) => addresses(outdir, "demo-machines", new RegExp(`_master-[${n}][-_]`));
  const workers = (outdir: string, n: string) => addresses(outdir, "demo-machines", new RegExp(`_worker-[${n}][-_]`));
  const managedState = async (dir: string) => (await terraformOk(dir, ["state", "list"], env.terraformEnv())).stdout.split("\n").filter((l) => l && !/(^|\.)data\./.test(l));
  const outdirs: Record<string, string> = {};
  /** Starts a timed part of a case now; its failure is reported by the test that awaits it. */
  const start = <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const p = timed(name, fn);
    p.catch(() => undefined);
    return p;
  };
  /** npm run plan on a folder of its own (its cluster file beside it). */
  const planFolder = async (outdir: string): Promise<CliResult> => {
    const r = await runDocumented(documented("npm-run-plan", { clusterFile: path.join(env.dir, `${path.basename(outdir)}.yaml`), outdir }), { env: env.terraformEnv() });
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  const applySaved = (outdir: string, stack: string) => terraformOk(env.stackDir(stack, outdir), ["apply", "-input=false", "day2.tfplan"], env.terraformEnv());
  /** `terraform apply -auto-approve -json`: plans and applies in one run; `{address: action}` of what it planned. */
  const applyPlanned = async (outdir: string, stack: string) =>
    actionsFromPlanLog((await terraformOk(env.stackDir(stack, outdir), ["apply", "-input=false", "-auto-approve", "-json"], env.terraformEnv())).stdout);

  let compute: Promise<{ added: string[]; down: Record<string, string>; workersAfter: string[] }>;
  let ingress: Promise<{ on: Record<string, string>; recordsOn: string[]; off: Record<string, string>; stateAfter: string[]; recordsAfter: string[] }>;

  const liveWorkers = async () => {
    const reservations =
      (await env.aws.ec2.send(new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "running"), filter("tag:Name", "demo-x7k2p-worker-*")] }))).Reservations ?? [];
    return reservations
      .flatMap((r) => r.Instances ?? [])
      .map((i) => i.Tags!.find((t) => t.Key === "Name")!.Value!)
      .sort();
  };
  const appsRecords = async () => {
    const zones = (await env.aws.route53.send(new ListHostedZonesCommand({}))).HostedZones ?? [];
    const sets = await Promise.all(zones.map((z) => env.aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: z.Id }))));
    return sets
      .flatMap((r, i) => (r.ResourceRecordSets ?? []).map((rr) => `${zones[i].Config?.PrivateZone ? "private" : "public"} ${rr.Name} ${rr.Type}`))
      .filter((r) => r.includes("apps.demo.example.com"))
      .sort();
  };

  describe("edits that only plan, and a changed backend (side by side)", () => {
    let planned: Record<string, Promise<any>>;
    let backend: Record<string, Promise<any>>;

    beforeAll(async () => {
      const newAmi = await env.anotherAmi();
      // "Another clone": a fresh folder, synthesized and initialized there; later its backend moves.
      // Its inits run while the copies below are synthesized (synth is CPU-bound and quick, one after the other).
      outdirs.clone = path.join(env.dir, "clone");
      const cloneSynth = env.trySynth(BASE, outdirs.clone);
      const cloneDir = (stack: string) => env.stackDir(stack, outdirs.clone);
      outdirs.ami = copyOfOutput("ami");
      const amiSynth = edit(outdirs.ami, { machines: { rhcosAmi: newAmi } });
      outdirs.ca = copyOfOutput("ca");
      edit(outdirs.ca, { installDir: installDirWithNewCa() });
      outdirs.compute = copyOfOutput("compute");
      edit(outdirs.compute, { machines: { rhcosAmi: env.ami, compute: { replicas: 4 } } });
      outdirs.az = copyOfOutput("az");
      edit(outdirs.az, { network: { availabilityZones: 3 } });
      outdirs.replicas = copyOfOutput("replicas");
      const replicas = (n: number, acknowledge: object[] = []) =>
        env.trySynth({ ...BASE, machines: { rhcosAmi: env.ami, controlPlane: { replicas: n } }, guardrails: { acknowledge } }, outdirs.replicas);
      const dayTwoRule = [{ rule: "UPI-DAY2-1", reason: "test: the plan it gives" }];
      const refused = { one: replicas(1), oneAcknowledged: replicas(1, dayTwoRule), zero: replicas(0) };
      // The machines stack's own guard refuses the masters' deletion as well (PLAN-EC2-1): both are acknowledged.
      const acknowledgedSynth = replicas(0, [...dayTwoRule, { rule: "PLAN-EC2-1", reason: "test: the plan it gives" }]);
      const movedTo = (keyPrefix: string) => ({ backend: { type: "s3", s3: { bucket: env.stateBucket, keyPrefix } } });

      planned = {
        ami: start("AMI bump", async () => ({ synth: amiSynth, plans: await plansOf(outdirs.ami, ["demo-bootstrap", "demo-machines"]) })),
        ca: start("new Ignition CA", () => plansOf(outdirs.ca, ["demo-bootstrap", "demo-machines"])),
        compute: start("compute 2 -> 4 (plan)", () => plansOf(outdirs.compute, ["demo-machines"])),
        az: start("AZ 2 -> 3 (network plan)", () => plansOf(outdirs.az, ["demo-network"])),
        replicas: start("controlPlane.replicas (synth, plan)", async () => ({ refused, acknowledgedSynth, plans: await plansOf(outdirs.replicas, ["demo-machines"]) })),
      };
      // The backend cases only read the live cluster (a migrated copy of its state aside): they run beside the plans above.
      const clone = start("another folder: npm run plan (init + plan), apply a saved plan", async () => {
        const plan = await planFolder(outdirs.clone);
        const actions = await plannedActions(outdirs.clone);
        // A saved plan applies as docs/day-2.md says (the ingress stack's: empty, so it changes nothing).
        const applied = await runDocumented(documented("terraform-apply-saved-plan", { outdir: outdirs.clone, stack: "demo-ingress" }), { env: env.terraformEnv() });
        return { synth: cloneSynth, plan, actions, applied };
      });
      const moved = clone.then(() =>
        start("keyPrefix: synth, npm run plan refused", async () => ({ synth: edit(outdirs.clone, movedTo("moved")), plan: await planFolder(outdirs.clone) })),
      );
      const migrated = moved.then(() =>
        start("keyPrefix: init -migrate-state, npm run plan", async () => {
          // As the synth's warning and docs/deploying.md write it: Terraform asks before it copies, the test answers yes.
          await Promise.all(STACKS.map((stack) => runDocumentedOk(documented("terraform-migrate-state", { outdir: outdirs.clone, stack }), { env: env.terraformEnv() })));
          return planFolder(outdirs.clone);
        }),
      );
      const reconfigured = migrated.then(() =>
        start("keyPrefix: init -reconfigure, apply, npm run plan", async () => {
          edit(outdirs.clone, movedTo("again"));
          await runDocumentedOk(documented("terraform-init-reconfigure"), { env: env.terraformEnv(), cwd: cloneDir("demo-network") });
          const applied = await terraform(cloneDir("demo-network"), ["apply", "-input=false", "-auto-approve"], env.terraformEnv());
          return { applied, plan: await planFolder(outdirs.clone) };
        }),
      );
      backend = { clone, moved, migrated, reconfigured };
      [moved, migrated, reconfigured].forEach((p) => void p.catch(() => undefined));

      // The applies start once nothing reads the base state any more (the last step of the backend
      // cases reads only an empty state and the live VPC). The machines and the ingress stack share
      // no state: the two run side by side.
      const readsDone = Promise.allSettled([...Object.values(planned), migrated]);
      compute = readsDone.then(() =>
        start("compute 2 -> 4 -> 2 (applies)", async () => {
          const added = workers(outdirs.compute, "23");
          await applySaved(outdirs.compute, "demo-machines");
          edit(outdirs.compute, { machines: { rhcosAmi: env.ami, compute: { replicas: 2 } } });
          const down = await applyPlanned(outdirs.compute, "demo-machines");
          return { added, down, workersAfter: await liveWorkers() };
        }),
      );
      ingress = readsDone.then(() =>
        start("ingress on -> off (applies)", async () => {
          const out = copyOfOutput("ingress");
          const dir = env.stackDir("demo-ingress", out);
          edit(out, { ingress: { routerLoadBalancerHostname: "router-0123.us-east-1.elb.amazonaws.com" } });
          // No infra apply first: infra's state has carried the zones' IDs since install (cluster.e2e
          // checks that its plan stays empty when ingress is turned on).
          const on = await applyPlanned(out, "demo-ingress");
          const recordsOn = await appsRecords();
          edit(out, {});
          const off = await applyPlanned(out, "demo-ingress");
          return { on, recordsOn, off, stateAfter: await managedState(dir), recordsAfter: await appsRecords() };
        }),
      );
      [compute, ingress].forEach((p) => void p.catch(() => undefined));
    });

    test("a new machines.rhcosAmi: zero changes to bootstrap and machines; synth says new machines boot it", async () => {
      const { synth, plans } = await planned.ami;
      expect(plans).toEqual({ "demo-bootstrap": {}, "demo-machines": {} });
      expect(synth.stdout).toMatch(/demo: new bootstrap, control-plane, compute machines boot ami-\w+ \(was ami-\w+\); running machines keep theirs/);
    });

    test("a new Ignition CA in installDir: zero machine changes", async () => {
      expect(await planned.ca).toEqual({ "demo-bootstrap": {}, "demo-machines": {} });
    });

    test("compute 2 -> 4: exactly two new workers (instance and placement each), nothing else", async () => {
      const added = workers(outdirs.compute, "23");
      expect(added).toHaveLength(4);
      expect(await planned.compute).toEqual({ "demo-machines": each(added, "create") });
    });

    test("controlPlane.replicas: 1 is refused in one line, acknowledged or not; 3 -> 0 on the running cluster unless acknowledged", async () => {
      const { refused, acknowledgedSynth, plans } = await planned.replicas;
      const one =
        /^.*replicas\.yaml:\d+: machines\.controlPlane\.replicas: must be 3 \(OpenShift supports exactly three control-plane machines\) or 0 \(none created here\) \(got 1\)$/;
      for (const r of [refused.one, refused.oneAcknowledged])
        expect({ status: r.status, lines: r.stderr.trim().split("\n") }).toEqual({ status: 1, lines: [expect.stringMatching(one)] });
      expect({ status: refused.zero.status, lines: refused.zero.stderr.trim().split("\n") }).toEqual({
        status: 1,
        lines: [
          expect.stringMatching(
            /^.*replicas\.yaml:\d+: machines\.controlPlane\.replicas: 3 -> 0 on a running control plane deletes demo-x7k2p-master-0, demo-x7k2p-master-1, demo-x7k2p-master-2: etcd loses quorum .*acknowledge UPI-DAY2-1 in guardrails\.acknowledge with the reason/,
          ),
        ],
      });
      // Acknowledged, the plan is what the edit asks for, and nothing else.
      expect(acknowledgedSynth.stderr).toContain("warning: [UPI-DAY2-1] demo: machines.controlPlane.replicas: 3 -> 0");
      // With no master left, PLAN-EC2-2 has nothing to guard, and PLAN-EC2-1's guard is acknowledged away.
      expect(plans).toEqual({ "demo-machines": each([...masters(env.outdir, "012"), "terraform_data.guard-PLAN-EC2-1", "terraform_data.guard-PLAN-EC2-2"], "delete") });
    });

    test("AZ 2 -> 3: the network plan adds the third zone's subnets, NAT gateway and routes, and nothing else but the S3 endpoint's route tables", async () => {
      const added = addresses(outdirs.az, "demo-network").filter((a) => !addresses(env.outdir, "demo-network").includes(a));
      expect(added.map((a) => a.split(".")[0]).sort()).toEqual([
        "aws_eip",
        "aws_nat_gateway",
        "aws_route",
        "aws_route_table",
        "aws_route_table_association",
        "aws_route_table_association",
        "aws_subnet",
        "aws_subnet",
      ]);
      const [s3Endpoint] = addresses(env.outdir, "demo-network", /^aws_vpc_endpoint\./);
      expect(await planned.az).toEqual({ "demo-network": { ...each(added, "create"), [s3Endpoint]: "update" } });
    });

    test("an unchanged cluster, synthesized into another folder: npm run plan inits there, plans every stack, zero changes, exit 0", async () => {
      const { synth, plan, actions, applied } = await backend.clone;
      expect(synth.status).toBe(0);
      expect({ status: plan.status, stderr: plan.stderr.split("\n").filter((l: string) => /error|failed/i.test(l)) }).toEqual({ status: 0, stderr: [] });
      for (const stack of STACKS) expect(row(plan.stdout, stack)).toEqual(["0", "0", "0", "0", "no changes"]);
      expect(actions).toEqual(Object.fromEntries(STACKS.map((s) => [s, {}])));
      expect(plan.stdout).toContain("No changes: the infrastructure matches the cluster file.");
      expect({ code: applied.code, stdout: applied.stdout.match(/Apply complete! .*/)?.[0] }).toEqual({
        code: 0,
        stdout: "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.",
      });
    });

    describe("a changed backend (issue 16), in that folder", () => {
      const stackLine = (stack: string, from: string, to: string, why: string) =>
        new RegExp(
          `^\\[PLAN-STATE-1\\] ${stack}: the state moved from s3://plan-state/${from}/${stack}\\.tfstate .* to s3://plan-state/${to}/${stack}\\.tfstate .* and ${why}: .*init -migrate-state`,
        );

      test("a new backend.s3.keyPrefix: synth warns for each stack; npm run plan refuses each, with the command that moves its state", async () => {
        const { synth, plan } = await backend.moved;
        expect(synth.stderr.split("\n").filter((l: string) => l.includes("its state moves from"))).toHaveLength(STACKS.length);
        expect(plan.status).toBe(1);
        const lines = findingLines(plan.stdout);
        expect(lines).toEqual(STACKS.map((s) => expect.stringMatching(stackLine(s, "openshift/demo", "moved", "this folder is still initialized for the old location"))));
        expect(lines[0]).toContain(`terraform -chdir=${path.relative(ROOT, env.stackDir("demo-network", outdirs.clone))} init -migrate-state`);
        expect(plan.stdout).not.toMatch(/To apply/);
      });

      test("after terraform init -migrate-state in each stack: npm run plan goes through with zero changes", async () => {
        const plan = await backend.migrated;
        expect({ status: plan.status, findings: findingLines(plan.stdout) }).toEqual({ status: 0, findings: [] });
        for (const stack of STACKS) expect(row(plan.stdout, stack)).toEqual(["0", "0", "0", "0", "no changes"]);
      });

      test("an empty new state forced with init -reconfigure: the plan stops on the VPC's guard naming the old location; nothing is created", async () => {
        const { applied, plan } = await backend.reconfigured;
        expect(applied.code).toBe(1);
        const said = applied.stderr.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
        expect(said).toMatch(
          /VPC demo-x7k2p-vpc already exists \(vpc-\w+\) but this stack's state has never been applied: it is managed by the state at s3:\/\/plan-state\/moved\/demo-network\.tfstate /,
        );
        expect(applied.stdout).not.toMatch(/Creation complete|Apply complete/);
        const vpcs = (await env.aws.ec2.send(new DescribeVpcsCommand({ Filters: [filter("tag:Name", "demo-x7k2p-vpc")] }))).Vpcs ?? [];
        expect(vpcs).toHaveLength(1);
        // Terraform wrote no state at the new location.
        const pulled = JSON.parse((await terraformOk(env.stackDir("demo-network", outdirs.clone), ["state", "pull"], env.terraformEnv())).stdout);
        expect({ serial: pulled.serial, resources: pulled.resources }).toEqual({ serial: 0, resources: [] });
        // npm run plan refuses it too; the other stacks still point at the old location.
        expect(plan.status).toBe(1);
        // Read through its moved-from folder, the old place holds the migrated state (issue 25).
        expect(findingLines(plan.stdout)[0]).toMatch(stackLine("demo-network", "moved", "again", "the state there holds nothing yet, while the old one holds resources"));
      });
    });
  });

  describe("edits that apply", () => {
    test("compute 4 -> 2 (after 2 -> 4 was applied): exactly the two highest workers are removed", async () => {
      const { added, down, workersAfter } = await compute;
      expect(down).toEqual(each(added, "delete"));
      expect(workersAfter).toEqual(["demo-x7k2p-worker-0", "demo-x7k2p-worker-1"]);
    });

    test("ingress on -> off: the next apply deletes its records, and its state is empty", async () => {
      const { on, recordsOn, off, stateAfter, recordsAfter } = await ingress;
      expect(Object.values(on)).toEqual(["create", "create"]);
      expect(recordsOn).toEqual(["private \\052.apps.demo.example.com. A", "public \\052.apps.demo.example.com. A"]);
      expect(Object.values(off)).toEqual(["delete", "delete"]);
      expect(Object.keys(off).sort()).toEqual(Object.keys(on).sort());
      expect(Object.keys(off).every((a) => a.startsWith("aws_route53_record."))).toBe(true);
      expect(stateAfter).toEqual([]);
      expect(recordsAfter).toEqual([]);
    });
  });

  describe("AZ 2 -> 3 applied", () => {
    test("no machine is replaced or moved; the API load balancers take the new subnets in place", async () => {
      await timed("AZ 2 -> 3: network apply", () => applySaved(outdirs.az, "demo-network"));
      const plans = await timed("AZ 2 -> 3: downstream plans", () => plansOf(outdirs.az, ["demo-infra", "demo-bootstrap", "demo-machines"]));
      expect(plans).toEqual({
        "demo-infra": { "aws_lb.api_external_579D39C2": "update", "aws_lb.api_internal_7A9691CA": "update" },
        "demo-bootstrap": {},
        "demo-machines": {},
      });
    });

    test("3 -> 2 while a machine lives in the third zone: synth refuses it, naming the machine", () => {
      edit(outdirs.az, { network: { availabilityZones: 3 }, machines: { rhcosAmi: env.ami, compute: { replicas: 3 } } });
      const r = env.trySynth({ ...BASE, machines: { rhcosAmi: env.ami, compute: { replicas: 3 } } }, outdirs.az);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(
          /az\.yaml:\d+: network\.availabilityZones: 3 -> 2 removes the availability zone where demo-x7k2p-worker-2 \(zone 3\) lives; remove or move those machines first, or keep the zone/,
        ),
      ]);
    });
  });
});
