import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import * as fs from "node:fs";
import * as path from "node:path";
import { filter } from "../../test-support/aws";
import { CliResult, runNpmScript } from "../../test-support/cli";
import { emulatorCluster, EmulatorCluster } from "../../test-support/emulator-cluster";
import { EMULATOR_ENV } from "../../test-support/moto";
import { actionsByAddress } from "../../test-support/plans";
import { ROOT } from "../../test-support/paths";
import { terraform, terraformEnv, terraformOk } from "../../test-support/terraform";
import { parsePlanJson } from "../../src/plan/plan-json";

/**
 * `npm run plan` and `npm run roll` on one deployed cluster (one AZ, one NAT gateway, state in the
 * emulator's S3), shared by every case: each case writes the cluster file it is about, runs the
 * command as a user would, and asserts the plan exactly, as `{address: action}` per stack.
 */
jest.setTimeout(1_200_000);

const STACKS = ["demo-network", "demo-infra", "demo-bootstrap", "demo-machines", "demo-ingress"];
const BASE = { network: { availabilityZones: 1, natGateways: "single" } };
let env: EmulatorCluster;
const timings: Record<string, number> = {};

beforeAll(async () => {
  env = await emulatorCluster("plan-state");
  env.synth(BASE);
  await env.apply("demo-network");
  await env.apply("demo-infra");
  await Promise.all([env.apply("demo-bootstrap"), env.apply("demo-machines")]);
});

afterAll(async () => {
  console.log(`plan e2e timings (s): ${JSON.stringify(timings)}`);
  await env?.close();
});

/** Writes the cluster file (the base cluster with `overrides`) and runs an npm script on it. */
async function run(script: "plan" | "roll", args: string[], overrides: Record<string, unknown> = {}): Promise<CliResult> {
  env.synth({ ...BASE, ...overrides });
  const start = Date.now();
  const r = await runNpmScript(script, args, { ...(terraformEnv(EMULATOR_ENV) as Record<string, string>), CLUSTER_CONFIG: env.configFile, CDKTF_OUTDIR: env.outdir });
  timings[`${script} ${args.join(" ")} ${JSON.stringify(overrides)}`.trim()] = (Date.now() - start) / 1000;
  if (r.status === null) throw new Error(`npm run ${script} did not finish:\n${r.stderr}`);
  return r;
}

/** The JSON plan saved in a stack folder, or undefined when the stack was not planned. */
async function savedPlan(stack: string, file = "upi.tfplan") {
  if (!fs.existsSync(path.join(env.stackDir(stack), file))) return undefined;
  const shown = await terraformOk(env.stackDir(stack), ["show", "-json", file], EMULATOR_ENV);
  return parsePlanJson(shown.stdout, `${stack}/${file}`);
}

/** `{stack: {address: action}}` of the plans `npm run plan` saved; "not planned" for a stack without one. */
async function plannedActions(): Promise<Record<string, Record<string, string> | "not planned">> {
  const plans = await Promise.all(STACKS.map((stack) => savedPlan(stack)));
  return Object.fromEntries(STACKS.map((stack, i) => [stack, plans[i] ? actionsByAddress(plans[i]!) : "not planned"]));
}

/** The table's row of a stack: its four counts and status. */
const row = (stdout: string, stack: string) => stdout.split("\n").find((l) => l.startsWith(`  ${stack} `))?.trim().split(/\s{2,}/).slice(1);
const findingLines = (stdout: string) => stdout.split("\n").filter((l) => /^(warning: )?\[PLAN-/.test(l));

describe("npm run plan", () => {
  test("an unchanged cluster: every stack planned, zero changes, exit 0", async () => {
    const r = await run("plan", []);
    expect({ status: r.status, stderr: r.stderr.split("\n").filter((l) => /error|failed/i.test(l)) }).toEqual({ status: 0, stderr: [] });
    for (const stack of STACKS) expect(row(r.stdout, stack)).toEqual(["0", "0", "0", "0", "no changes"]);
    expect(await plannedActions()).toEqual(Object.fromEntries(STACKS.map((s) => [s, {}])));
    expect(r.stdout).toContain("No changes: the infrastructure matches the cluster file.");
  });

  describe("a dangerous edit: a new network.vpcCidr", () => {
    const edit = { network: { ...BASE.network, vpcCidr: "10.1.0.0/16" } };
    const replaced = ["aws_subnet.network_private-subnet-0_0C797916", "aws_subnet.network_public-subnet-0_3247A438", "aws_vpc.network_vpc_4E8F0223"];
    let planJsonFile: string;
    let liveFindings: string[];

    test("exits 1 naming the VPC and subnets; the stacks that read the network's outputs wait", async () => {
      const r = await run("plan", [], edit);
      planJsonFile = path.join(env.dir, "network-plan.json");
      fs.writeFileSync(planJsonFile, (await terraformOk(env.stackDir("demo-network"), ["show", "-json", "upi.tfplan"], EMULATOR_ENV)).stdout);
      expect(r.status).toBe(1);
      liveFindings = findingLines(r.stdout);
      expect(liveFindings.map((l) => l.split(": ").slice(0, 2).join(": "))).toEqual(replaced.map((a) => `[PLAN-VPC-1] demo-network: ${a}`));
      expect(row(r.stdout, "demo-infra")).toEqual(["-", "-", "-", "-", "waits on demo-network"]);
      expect(row(r.stdout, "demo-machines")).toEqual(["-", "-", "-", "-", "waits on demo-network, demo-infra"]);
      const actions = await plannedActions();
      expect(actions).toMatchObject({ "demo-infra": "not planned", "demo-bootstrap": "not planned", "demo-machines": "not planned" });
      const network = actions["demo-network"] as Record<string, string>;
      expect(Object.entries(network).filter(([, a]) => a !== "replace")).toEqual([["aws_internet_gateway.network_internet-gateway_E855E801", "update"]]);
      for (const address of replaced) expect(network[address]).toBe("replace");
      expect(r.stdout).not.toMatch(/To apply/);
    });

    test("--check on the saved plan JSON gives the same verdict", async () => {
      const r = await runNpmScript("plan", ["--check", planJsonFile], { CLUSTER_CONFIG: "" });
      expect(r.status).toBe(1);
      expect(findingLines(r.stdout)).toEqual(liveFindings.map((l) => l.replace("] demo-network: ", `] ${planJsonFile}: `)));
    });

    test("acknowledged, it exits 0 with the findings as warnings; --check with the same cluster file agrees", async () => {
      const acknowledged = { ...edit, guardrails: { acknowledge: [{ rule: "PLAN-VPC-1", reason: "moving to the 10.1 range, cluster rebuilt" }] } };
      const r = await run("plan", [], acknowledged);
      expect(r.status).toBe(0);
      expect(findingLines(r.stdout)).toEqual(liveFindings.map((l) => `warning: ${l.replace(/ \(fix: .*\)$/, " (acknowledged: moving to the 10.1 range, cluster rebuilt)")}`));
      expect(r.stdout).toContain("To apply exactly these plans:");
      expect((await runNpmScript("plan", ["--check", planJsonFile], { CLUSTER_CONFIG: env.configFile })).status).toBe(0);
    });
  });
});

describe("npm run roll", () => {
  const liveInstances = async () => {
    const reservations = (await env.aws.ec2.send(new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "running")] }))).Reservations ?? [];
    return Object.fromEntries(reservations.flatMap((r) => r.Instances ?? []).map((i) => [i.Tags?.find((t) => t.Key === "Name")?.Value, i.InstanceId]));
  };

  test("worker-1 --replace: exactly that worker is replaced, and it prints the commands it runs", async () => {
    const before = await liveInstances();
    const r = await run("roll", ["demo", "worker-1", "--replace", "--auto-approve"]);
    expect({ status: r.status, stderr: r.stderr.split("\n").filter((l) => /error/i.test(l)) }).toEqual({ status: 0, stderr: [] });
    const worker = "aws_instance.compute_worker-1_instance_649DCFC8";
    const dir = path.relative(ROOT, env.stackDir("demo-machines"));
    expect(r.stdout).toContain(`terraform -chdir=${dir} plan -input=false -replace=${worker} -target=${worker} -out=roll.tfplan -no-color`);
    expect(r.stdout).toContain(`terraform -chdir=${dir} apply -input=false -no-color roll.tfplan`);
    // The targeted apply leaves the worker's old IP in ComputePrivateIps; a plan of outputs alone records the new one.
    expect(r.stdout).toContain(`terraform -chdir=${dir} apply -input=false -no-color outputs.tfplan`);
    expect(actionsByAddress((await savedPlan("demo-machines", "roll.tfplan"))!)).toEqual({ [worker]: "replace" });

    const after = await liveInstances();
    expect(after["demo-x7k2p-worker-1"]).not.toBe(before["demo-x7k2p-worker-1"]);
    const othersOf = (instances: Record<string, unknown>) => Object.entries(instances).filter(([name]) => name !== "demo-x7k2p-worker-1");
    expect(othersOf(after)).toEqual(othersOf(before));
    const again = await terraform(env.stackDir("demo-machines"), ["plan", "-input=false", "-detailed-exitcode"], EMULATOR_ENV);
    expect(again.code).toBe(0);
  });
});
