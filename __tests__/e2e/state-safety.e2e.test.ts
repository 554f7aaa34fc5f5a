import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListRolesCommand } from "@aws-sdk/client-iam";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { emulatorCluster, EmulatorCluster } from "../../test-support/emulator-cluster";
import { EMULATOR_ENV } from "../../test-support/moto";
import { startTerraform, terraform, terraformOk, waitForOutput } from "../../test-support/terraform";

/**
 * State safety with the S3 backend on the emulator: locks, interrupted applies, and backend
 * settings that are wrong. Its own emulator and a one-AZ cluster; runs beside cluster.e2e.
 */
jest.setTimeout(900_000);

const INFRA_ID = "demo-x7k2p";
const STACKS = ["demo-network", "demo-infra", "demo-bootstrap", "demo-machines"];
let env: EmulatorCluster;
const timings: Record<string, number> = {};

beforeAll(async () => {
  env = await emulatorCluster("safety-state");
  env.synth({ network: { availabilityZones: 1, natGateways: "single" } });
});

afterAll(async () => {
  console.log(`state-safety timings (s): ${JSON.stringify(timings)}`);
  await env?.close();
});

async function stateObject(stack: string): Promise<string> {
  const r = await env.aws.s3.send(new GetObjectCommand({ Bucket: env.stateBucket, Key: `openshift/demo/${stack}.tfstate` }));
  return r.Body!.transformToString();
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe("bad backend settings end with Terraform's error, and no local state is created instead", () => {
  test.each([
    ["a missing bucket", async () => ({ backend: { type: "s3", s3: { bucket: "no-such-bucket" } } }), /bucket does not exist|NoSuchBucket|S3 bucket "no-such-bucket"/i],
    [
      "an unreachable endpoint",
      async () => {
        const dead = `http://127.0.0.1:${await closedPort()}`;
        return { aws: { serviceEndpoints: { s3: dead, sts: dead }, maxRetries: 1, s3UsePathStyle: true, skipCredentialsValidation: true, skipRequestingAccountId: true } };
      },
      /connection refused|connect:|dial tcp/i,
    ],
  ])("%s", async (name, overrides, error) => {
    const out = path.join(env.dir, name.replace(/\W+/g, "-"));
    env.synth(await overrides(), out);
    const cwd = path.join(out, "stacks", "demo-network");
    const start = Date.now();
    const init = await terraform(cwd, ["init", "-input=false"], EMULATOR_ENV);
    timings[`init with ${name}`] = (Date.now() - start) / 1000;
    expect(init.code).not.toBe(0);
    expect(init.stderr).toMatch(error);
    const plan = await terraform(cwd, ["plan", "-input=false"], EMULATOR_ENV);
    expect(plan.code).not.toBe(0);
    expect(fs.readdirSync(cwd).filter((f) => f.endsWith(".tfstate"))).toEqual([]);
    expect(fs.existsSync(path.join(cwd, ".terraform", "terraform.tfstate")) && JSON.parse(fs.readFileSync(path.join(cwd, ".terraform", "terraform.tfstate"), "utf8")).backend?.type !== "s3").toBe(false);
  });
});

describe("locking", () => {
  beforeAll(() => env.apply("demo-network"));

  test("while a lock is held, a second plan or apply fails fast with a lock error and the state is unchanged", async () => {
    const cwd = env.stackDir("demo-network");
    const before = await stateObject("demo-network");
    // A destroy waiting for its confirmation holds the lock.
    const holder = startTerraform(cwd, ["destroy", "-input=true"], EMULATOR_ENV);
    await waitForOutput(holder, /Enter a value:/);
    for (const args of [["plan"], ["apply", "-auto-approve"]]) {
      const start = Date.now();
      const second = await terraform(cwd, [...args, "-input=false", "-lock-timeout=0s"], EMULATOR_ENV);
      timings[`${args[0]} while locked`] = (Date.now() - start) / 1000;
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/Error acquiring the state lock/);
      expect(Date.now() - start).toBeLessThan(30_000);
    }
    holder.child.stdin!.end("no\n");
    const cancelled = await holder.done;
    expect(cancelled.stdout + cancelled.stderr).toMatch(/Destroy cancelled/);
    expect(await stateObject("demo-network")).toBe(before);
    // And the lock is released again.
    await terraformOk(cwd, ["plan", "-input=false", "-lock-timeout=0s"], EMULATOR_ENV);
  });
});

describe("interrupted applies converge", () => {
  /** Starts an apply, sends SIGINT once `resource` is being created, and applies again. */
  async function interruptThenApply(stack: string, resource: RegExp) {
    const cwd = env.stackDir(stack);
    await terraformOk(cwd, ["init", "-input=false"], EMULATOR_ENV);
    const start = Date.now();
    const first = startTerraform(cwd, ["apply", "-auto-approve", "-input=false"], EMULATOR_ENV);
    await waitForOutput(first, resource);
    first.child.kill("SIGINT");
    const stopped = await first.done;
    timings[`${stack} interrupted`] = (Date.now() - start) / 1000;
    expect(stopped.code).not.toBe(0);
    expect(stopped.stdout + stopped.stderr).toMatch(/Interrupt received|operation canceled|execution halted/i);
    const converged = await terraformOk(cwd, ["apply", "-auto-approve", "-input=false"], EMULATOR_ENV);
    timings[`${stack} interrupted and converged`] = (Date.now() - start) / 1000;
    // Whether the interrupt caught a create in flight is a race; say which way it went.
    console.log(`${stack}: the converging apply ${/Resources: (\d+) imported/.exec(converged.stdout)?.[0] ?? "imported nothing"}`);
    const again = await terraform(cwd, ["plan", "-detailed-exitcode", "-input=false"], EMULATOR_ENV);
    expect({ stack, code: again.code }).toEqual({ stack, code: 0 });
  }


  const stateList = async (stack: string) => (await terraformOk(env.stackDir(stack), ["state", "list"], EMULATOR_ENV)).stdout.trim().split("\n").filter(Boolean);

  beforeAll(async () => {
    await interruptThenApply("demo-infra", /aws_lb\.api_\w+: Creating\.\.\./);
    await env.apply("demo-bootstrap");
    await interruptThenApply("demo-machines", /aws_instance\.[\w-]+: Creating\.\.\./);
  });

  test("an instance the state never recorded (RunInstances answered after the interrupt) is adopted, not launched again", async () => {
    const cwd = env.stackDir("demo-machines");
    const address = (await stateList("demo-machines")).find((a) => /^aws_instance\.compute_worker-1_instance_/.test(a))!;
    await terraformOk(cwd, ["state", "rm", address], EMULATOR_ENV);
    const apply = await terraformOk(cwd, ["apply", "-auto-approve", "-input=false"], EMULATOR_ENV);
    expect(apply.stdout).toMatch(new RegExp(`${address.replace(/\./g, "\\.")}: Importing\\.\\.\\.`));
    expect(apply.stdout).toMatch(/Resources: 1 imported, 0 added/);
    expect(await stateList("demo-machines")).toContain(address);
  });

  test("no duplicate VPC, load balancer, instance or role; the state lists every live object", async () => {
    const { Vpcs } = await env.aws.ec2.send(new DescribeVpcsCommand({}));
    expect(Vpcs!.filter((v) => !v.IsDefault)).toHaveLength(1);
    const { LoadBalancers } = await env.aws.elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(LoadBalancers!.map((l) => l.LoadBalancerName).sort()).toEqual([`${INFRA_ID}-ext`, `${INFRA_ID}-int`]);
    const { TargetGroups } = await env.aws.elbv2.send(new DescribeTargetGroupsCommand({}));
    expect(TargetGroups).toHaveLength(3);
    const reservations = (await env.aws.ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [];
    const live = reservations.flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name !== "terminated");
    const names = live.map((i) => i.Tags?.find((t) => t.Key === "Name")?.Value).sort();
    expect(names).toEqual([`${INFRA_ID}-bootstrap`, `${INFRA_ID}-master-0`, `${INFRA_ID}-master-1`, `${INFRA_ID}-master-2`, `${INFRA_ID}-worker-0`, `${INFRA_ID}-worker-1`]);
    const { Roles } = await env.aws.iam.send(new ListRolesCommand({}));
    expect(Roles!.map((r) => r.RoleName).filter((n) => n!.startsWith(INFRA_ID)).sort()).toEqual(
      ["bootstrap", "master", "worker"].map((r) => `${INFRA_ID}-${r}-role`),
    );
    const { SecurityGroups } = await env.aws.ec2.send(new DescribeSecurityGroupsCommand({}));
    const groups = SecurityGroups!.filter((g) => g.GroupName !== "default");

    const state = (await Promise.all(STACKS.map(stateList))).flat();
    const count = (type: string) => state.filter((a) => a.startsWith(`${type}.`)).length;
    expect(count("aws_vpc")).toBe(1);
    expect(count("aws_lb")).toBe(LoadBalancers!.length);
    expect(count("aws_lb_target_group")).toBe(TargetGroups!.length);
    expect(count("aws_instance")).toBe(live.length);
    expect(count("aws_iam_role")).toBe(3);
    expect(count("aws_security_group")).toBe(groups.length);
  });

  test("destroy, in reverse order, leaves nothing", async () => {
    for (const stack of [...STACKS].reverse()) {
      await terraformOk(env.stackDir(stack), ["init", "-input=false"], EMULATOR_ENV);
      await terraformOk(env.stackDir(stack), ["destroy", "-auto-approve", "-input=false"], EMULATOR_ENV);
    }
    const { Vpcs } = await env.aws.ec2.send(new DescribeVpcsCommand({}));
    expect(Vpcs!.filter((v) => !v.IsDefault)).toEqual([]);
    const { LoadBalancers } = await env.aws.elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(LoadBalancers).toEqual([]);
    const reservations = (await env.aws.ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [];
    expect(reservations.flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name !== "terminated")).toEqual([]);
    const { Roles } = await env.aws.iam.send(new ListRolesCommand({}));
    expect(Roles!.filter((r) => r.RoleName!.startsWith(INFRA_ID))).toEqual([]);
  });
});
