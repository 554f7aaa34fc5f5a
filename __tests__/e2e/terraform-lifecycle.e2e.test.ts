import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListRolesCommand } from "@aws-sdk/client-iam";
import { GetObjectCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { filter } from "../../test-support/aws";
import { emulatorCluster, EmulatorCluster } from "../../test-support/emulator-cluster";
import { documented, PreparedCommand, runDocumentedOk } from "../../test-support/documented-commands";
import { startTerraform, terraform, terraformOk, waitForOutput } from "../../test-support/terraform";

/**
 * The UPI flow stack by stack with plain terraform, as a pipeline runs it, with state in the
 * emulator's S3: backend settings that are wrong, locks, interrupted applies that converge, an
 * orphaned instance adopted, then the bootstrap stack removed alone. Its own emulator and a
 * one-AZ cluster; runs beside cluster.e2e, which deploys and destroys everything through cdktf.
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
  console.log(`terraform-lifecycle timings (s): ${JSON.stringify(timings)}`);
  await env?.close();
});

async function stateObject(stack: string): Promise<string> {
  const r = await env.aws.s3.send(new GetObjectCommand({ Bucket: env.stateBucket, Key: `openshift/demo/${stack}.tfstate` }));
  return r.Body!.transformToString();
}

/** The S3-native lock beside a stack's state (`use_lockfile`), or undefined when none is held. */
async function lockObject(stack: string): Promise<Record<string, unknown> | undefined> {
  try {
    const r = await env.aws.s3.send(new GetObjectCommand({ Bucket: env.stateBucket, Key: `openshift/demo/${stack}.tfstate.tflock` }));
    return JSON.parse(await r.Body!.transformToString());
  } catch (e) {
    if ((e as Error).name === "NoSuchKey") return undefined;
    throw e;
  }
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Addresses whose create has started and not yet finished, from an apply's output. */
function creating(output: string): string[] {
  const started = new Set<string>();
  for (const [, address, what] of output.matchAll(/^(\S+): (Creating\.\.\.|Creation complete)/gm)) {
    if (what === "Creating...") started.add(address);
    else started.delete(address);
  }
  return [...started];
}

/** Starts an apply, sends SIGINT once its output matches `moment`, and applies again. */
async function interruptThenApply(stack: string, moment: RegExp | ((output: string) => boolean)) {
  const cwd = env.stackDir(stack);
  await terraformOk(cwd, ["init", "-input=false"], env.terraformEnv());
  const start = Date.now();
  const first = startTerraform(cwd, ["apply", "-auto-approve", "-input=false"], env.terraformEnv());
  await waitForOutput(first, moment);
  first.child.kill("SIGINT");
  const stopped = await first.done;
  timings[`${stack} interrupted`] = (Date.now() - start) / 1000;
  expect(stopped.code).not.toBe(0);
  expect(stopped.stdout + stopped.stderr).toMatch(/Interrupt received|operation canceled|execution halted/i);
  const converged = await terraformOk(cwd, ["apply", "-auto-approve", "-input=false"], env.terraformEnv());
  timings[`${stack} interrupted and converged`] = (Date.now() - start) / 1000;
  // Whether the interrupt caught a create in flight is a race; say which way it went.
  console.log(`${stack}: the converging apply ${/Resources: (\d+) imported/.exec(converged.stdout)?.[0] ?? "imported nothing"}`);
  const again = await terraform(cwd, ["plan", "-detailed-exitcode", "-input=false"], env.terraformEnv());
  expect({ stack, code: again.code }).toEqual({ stack, code: 0 });
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
    const init = await terraform(cwd, ["init", "-input=false"], env.terraformEnv());
    timings[`init with ${name}`] = (Date.now() - start) / 1000;
    expect(init.code).not.toBe(0);
    expect(init.stderr).toMatch(error);
    const plan = await terraform(cwd, ["plan", "-input=false"], env.terraformEnv());
    expect(plan.code).not.toBe(0);
    expect(fs.readdirSync(cwd).filter((f) => f.endsWith(".tfstate"))).toEqual([]);
    expect(
      fs.existsSync(path.join(cwd, ".terraform", "terraform.tfstate")) &&
        JSON.parse(fs.readFileSync(path.join(cwd, ".terraform", "terraform.tfstate"), "utf8")).backend?.type !== "s3",
    ).toBe(false);
  });
});

let infraApplied: Promise<void>;

/** Documented commands (README, docs/, help, the synth summary) as written, against the emulator. */
const run = (commands: PreparedCommand | PreparedCommand[]) => runDocumentedOk(commands, { env: env.terraformEnv() });
/** The test's values for their placeholders: this cluster's output folder, and `more`. */
const vars = (more: Record<string, string>) => ({ outdir: env.outdir, ...more });

describe("locking, while another stack's apply runs", () => {
  beforeAll(async () => {
    // docs/deploying.md, as written: init, then apply (answering Terraform's question).
    await run([documented("terraform-init", vars({ stack: "demo-network" })), documented("terraform-apply", vars({ stack: "demo-network" }))]);
    // The infra stack's pipeline starts meanwhile: it reads the network stack's outputs, which
    // takes no lock. It is interrupted while only the waits for its load balancers and zone are
    // in flight, every create call answered (docs/deploying.md: "If an apply is interrupted"). Awaited by the
    // next group.
    infraApplied = interruptThenApply(
      "demo-infra",
      (out) => /aws_lb\.api_\w+: Still creating\.\.\. \[10s elapsed\]/.test(out) && creating(out).every((a) => /^aws_(lb|route53_zone)\./.test(a)),
    );
    infraApplied.catch(() => undefined);
  });

  test("while a lock is held, a second plan or apply fails fast with a lock error and the state is unchanged", async () => {
    const cwd = env.stackDir("demo-network");
    const before = await stateObject("demo-network");
    // A destroy waiting for its confirmation holds the lock (planned from the state alone, so it
    // asks at once).
    const holder = startTerraform(cwd, ["destroy", "-input=true", "-refresh=false"], env.terraformEnv());
    await waitForOutput(holder, /Enter a value:/);
    expect(await lockObject("demo-network")).toMatchObject({ ID: expect.any(String), Operation: expect.stringMatching(/^OperationType/) });
    for (const args of [["plan"], ["apply", "-auto-approve"]]) {
      const start = Date.now();
      const second = await terraform(cwd, [...args, "-input=false", "-lock-timeout=0s"], env.terraformEnv());
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
    expect(await lockObject("demo-network")).toBeUndefined();
  });
});

describe("interrupted applies converge", () => {
  const stateList = async (stack: string) => (await terraformOk(env.stackDir(stack), ["state", "list"], env.terraformEnv())).stdout.trim().split("\n").filter(Boolean);

  beforeAll(async () => {
    await infraApplied;
    // The two stacks share only infra's outputs, so a pipeline applies them side by side.
    // The bootstrap stack by the synth summary's command line (init && apply).
    await Promise.all([run(documented("terraform-init-apply", vars({ stack: "demo-bootstrap" }))), interruptThenApply("demo-machines", /aws_instance\.[\w-]+: Creating\.\.\./)]);
  });

  test("an instance the state never recorded (RunInstances answered after the interrupt) is adopted, not launched again", async () => {
    const cwd = env.stackDir("demo-machines");
    const address = (await stateList("demo-machines")).find((a) => /^aws_instance\.compute_worker-1_instance_/.test(a))!;
    await terraformOk(cwd, ["state", "rm", address], env.terraformEnv());
    const apply = await terraformOk(cwd, ["apply", "-auto-approve", "-input=false"], env.terraformEnv());
    expect(apply.stdout).toMatch(new RegExp(`${address.replace(/\./g, "\\.")}: Importing\\.\\.\\.`));
    expect(apply.stdout).toMatch(/Resources: 1 imported, 0 added/);
    expect(await stateList("demo-machines")).toContain(address);
  });

  test("an instance profile the state lost (its create cut short) is imported by docs/deploying.md's command; the plan then shows no change", async () => {
    const address = (await stateList("demo-infra")).find((a) => /^aws_iam_instance_profile\.worker/.test(a))!;
    await terraformOk(env.stackDir("demo-infra"), ["state", "rm", address], env.terraformEnv());
    expect(await stateList("demo-infra")).not.toContain(address);
    await run(documented("terraform-import", vars({ stack: "demo-infra", address, importId: `${INFRA_ID}-worker-profile` })));
    expect(await stateList("demo-infra")).toContain(address);
    // The infra stack then plans no change: "the other stacks then plan no change", below.
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
    expect(
      Roles!
        .map((r) => r.RoleName)
        .filter((n) => n!.startsWith(INFRA_ID))
        .sort(),
    ).toEqual(["bootstrap", "master", "worker"].map((r) => `${INFRA_ID}-${r}-role`));
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
});

describe("the bootstrap stack removed alone, once the control plane is up", () => {
  let groups: string[];
  const targetCounts = () =>
    Promise.all(groups.map(async (arn) => (await env.aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions?.length ?? 0));

  beforeAll(async () => {
    const infra = await env.outputs("demo-infra");
    groups = [infra.ExternalApiTargetGroupArn, infra.InternalApiTargetGroupArn, infra.InternalServiceTargetGroupArn];
  });

  test("before: the bootstrap node and 3 masters in each of the three groups", async () => {
    expect(await targetCounts()).toEqual([4, 4, 4]);
  });

  test("its destroy plan removes exactly its 16 resources; the other stacks then plan no change", async () => {
    const cwd = env.stackDir("demo-bootstrap");
    // The plan's machine-readable log lists each planned change.
    const plan = await terraformOk(cwd, ["plan", "-destroy", "-input=false", "-json", "-out=destroy.plan"], env.terraformEnv());
    const changes = plan.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((m) => m.type === "planned_change")
      .map((m) => m.change);
    expect(changes.filter((c) => c.action !== "delete")).toEqual([]);
    expect(changes.map((c) => c.resource.resource_type).sort()).toEqual(
      [
        "aws_iam_instance_profile",
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_instance",
        "aws_lb_target_group_attachment",
        "aws_lb_target_group_attachment",
        "aws_lb_target_group_attachment",
        "aws_s3_bucket",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_object",
        "aws_security_group",
        "aws_vpc_security_group_egress_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_ingress_rule",
      ].sort(),
    );
    const start = Date.now();
    await terraformOk(cwd, ["apply", "-input=false", "destroy.plan"], env.terraformEnv());
    timings["bootstrap destroy"] = (Date.now() - start) / 1000;

    const others = await Promise.all(
      ["demo-network", "demo-infra", "demo-machines"].map(async (stack) => {
        const again = await terraform(env.stackDir(stack), ["plan", "-detailed-exitcode", "-input=false"], env.terraformEnv());
        return { stack, code: again.code, out: again.code === 0 ? "" : again.stdout.slice(-2000) };
      }),
    );
    for (const o of others) expect(o).toEqual({ stack: o.stack, code: 0, out: "" });
  });

  test("after: 9 targets remain, the bootstrap node, bucket, role and group are gone, the rest is intact", async () => {
    expect(await targetCounts()).toEqual([3, 3, 3]);
    const reservations = (await env.aws.ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [];
    const live = reservations.flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name !== "terminated");
    expect(live.map((i) => i.Tags?.find((t) => t.Key === "Name")?.Value).sort()).toEqual([
      `${INFRA_ID}-master-0`,
      `${INFRA_ID}-master-1`,
      `${INFRA_ID}-master-2`,
      `${INFRA_ID}-worker-0`,
      `${INFRA_ID}-worker-1`,
    ]);
    const { Buckets } = await env.aws.s3.send(new ListBucketsCommand({}));
    expect(Buckets!.map((b) => b.Name)).toEqual([env.stateBucket]);
    const { Roles } = await env.aws.iam.send(new ListRolesCommand({}));
    expect(
      Roles!
        .map((r) => r.RoleName)
        .filter((n) => n!.startsWith(INFRA_ID))
        .sort(),
    ).toEqual([`${INFRA_ID}-master-role`, `${INFRA_ID}-worker-role`]);
    const { SecurityGroups } = await env.aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [filter("group-name", `${INFRA_ID}-bootstrap-sg`)] }));
    expect(SecurityGroups).toHaveLength(0);
  });
});
