import { DescribeInstancesCommand, DescribeSubnetsCommand } from "@aws-sdk/client-ec2";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { filter } from "../../test-support/aws";
import { documented, runDocumented } from "../../test-support/documented-commands";
import { emulatorCluster, EmulatorCluster } from "../../test-support/emulator-cluster";
import { terraform, terraformOk } from "../../test-support/terraform";
import { stepTimer } from "../../test-support/timings";

/**
 * The guards inside the synthesized Terraform (src/guards) on one deployed cluster: each edit is
 * synthesized into a FRESH output folder (no upi-output.json from an earlier synth, as in a new
 * checkout, on another machine or in an HCP VCS run), then planned with plain `terraform plan` in
 * the stack folder and deployed with `cdktf deploy '*'`: both are refused before any stack
 * changes (every state's serial and the live objects unchanged), with the rule's message. Then the
 * rule is acknowledged in the cluster file and the edit goes through.
 */
jest.setTimeout(900_000);

const INFRA_ID = "demo-x7k2p";
const STATE_BUCKET = "guards-state";
const KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
let env: EmulatorCluster;
const { timings, timed } = stepTimer();

/** Three zones, one NAT gateway, the control plane alone (no bootstrap node, no workers): what the guards are about, quickly. */
const cluster = (machines: Record<string, unknown> = {}, more: Record<string, unknown> = {}) => ({
  network: { availabilityZones: 3, natGateways: "single", vpcEndpoints: [] },
  machines: { rhcosAmi: env.ami, bootstrap: { enabled: false }, compute: { replicas: 0 }, ...machines },
  ...more,
});
const acknowledge = (...rules: string[]) => ({ guardrails: { acknowledge: rules.map((rule) => ({ rule, reason: "deliberate, in a maintenance window" })) } });

beforeAll(async () => {
  env = await emulatorCluster(STATE_BUCKET);
  env.synth(cluster());
  await timed("deploy", async () => {
    await env.apply("demo-network");
    await env.apply("demo-infra");
    await Promise.all([env.apply("demo-machines"), env.apply("demo-bootstrap"), env.apply("demo-ingress")]);
  });
});

afterAll(async () => {
  console.log(`guards e2e timings (s): ${JSON.stringify(timings)}`);
  await env?.close();
});

/** Synthesizes the edit into a new output folder, and says that no earlier synth's record was there. */
function fresh(name: string, config: Record<string, unknown>): { out: string; file: string } {
  const out = path.join(env.dir, name);
  expect(fs.existsSync(out)).toBe(false);
  const file = env.synth(config, out);
  return { out, file };
}

/**
 * What the states hold, by key: each managed object's address and id, and, for `stack`'s state,
 * its serial too. cdktf deploy applies the upstream stacks first: with nothing to change there,
 * the apply may still write their state (the data sources it re-read), so their serial is no sign.
 */
async function states(stack: string): Promise<Record<string, unknown>> {
  const listed = await env.aws.s3.send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }));
  const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith(".tfstate"));
  const read = await Promise.all(keys.map(async (Key) => JSON.parse(await (await env.aws.s3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key }))).Body!.transformToString())));
  const out: Record<string, unknown> = {};
  keys.forEach((key, i) => {
    const managed = (read[i].resources ?? [])
      .filter((r: any) => r.mode === "managed")
      .flatMap((r: any) => r.instances.map((inst: any) => `${r.type}.${r.name}${inst.index_key === undefined ? "" : `[${inst.index_key}]`} ${inst.attributes?.id}`))
      .sort();
    // A stack cdktf deploy applied for the first time, empty (bootstrap and ingress here), holds nothing.
    if (managed.length) out[key] = key.endsWith(`/${stack}.tfstate`) ? { serial: read[i].serial, managed } : managed;
  });
  return out;
}

/** The running masters' instance types, by name. */
async function masters(): Promise<Record<string, string>> {
  const r = await env.aws.ec2.send(
    new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "pending", "running", "stopped"), filter("tag:Name", `${INFRA_ID}-master-*`)] }),
  );
  const all = (r.Reservations ?? []).flatMap((res) => res.Instances ?? []);
  return Object.fromEntries(all.map((i) => [`${i.Tags!.find((t) => t.Key === "Name")!.Value}`, `${i.InstanceType} ${i.InstanceId}`]));
}

/** Terraform's error box as one line: wrapped lines joined, the box drawing removed. */
const oneLine = (text: string) =>
  text
    .split("\n")
    .map((l) => l.replace(/^[│╷╵]\s?/, ""))
    .join(" ")
    .replace(/\s+/g, " ");

/** Plain `terraform init` and `terraform plan` in a stack folder of `out`. */
async function plainPlan(out: string, stack: string): Promise<{ code: number | null; text: string }> {
  await terraformOk(env.stackDir(stack, out), ["init", "-input=false", "-no-color"], env.terraformEnv(out));
  const r = await terraform(env.stackDir(stack, out), ["plan", "-input=false", "-no-color", "-detailed-exitcode"], env.terraformEnv(out));
  return { code: r.code, text: oneLine(`${r.stdout}\n${r.stderr}`) };
}

/** README's `cdktf deploy '*'`, on the edit's file and folder. */
async function cdktfDeploy(out: string, file: string): Promise<{ code: number | null; text: string }> {
  const r = await runDocumented(documented("cdktf-deploy-all", { clusterFile: file, outdir: out }), { env: env.terraformEnv(out) });
  return { code: r.code, text: oneLine(`${r.stdout}\n${r.stderr}`) };
}

/**
 * How `cdktf deploy` ended, for an edit that the same folder's plain `terraform plan` refused on
 * `rule` (asserted before): "refused" when it prints the rule's message or its precondition's
 * address (cdktf prints either). cdktf 0.21 runs Terraform in a pseudo-terminal and, in some runs,
 * loses Terraform's last lines when it exits, the error among them (cdk-terrain#169, fixed in CDK
 * Terrain 0.23): the deploy then ends on "Invoking Terraform CLI failed" with no error printed at
 * all, which is that same refusal. Anything else comes back as the output's end, to read.
 */
function deployOutcome(deploy: { code: number | null; text: string }, rule: string, message: string): string {
  if (deploy.code === 0) return "applied";
  if (deploy.text.includes(message) || new RegExp(`in resource\\.terraform_data\\.guard-${rule}\\b`).test(deploy.text)) return "refused";
  if (/Invoking Terraform CLI failed with exit code 1\s*$/.test(deploy.text) && !/Error/.test(deploy.text)) return "refused";
  return deploy.text.slice(-3000);
}

const HOW = (rule: string) => `If it is deliberate, acknowledge ${rule} in the cluster file's guardrails.acknowledge (with the reason) and synthesize again`;

describe("control plane", () => {
  test("PLAN-EC2-2: a new instance type for all three masters is refused by terraform plan and cdktf deploy; npm run roll takes one master, then the acknowledged rest applies", async () => {
    const before = { states: await states("demo-machines"), masters: await masters() };
    const edit = cluster({ controlPlane: { instanceType: "m6i.2xlarge" } });
    const { out, file } = fresh("instance-type", edit);

    const plan = await timed("EC2-2 terraform plan", () => plainPlan(out, "demo-machines"));
    expect(plan.code).toBe(1);
    expect(plan.text).toContain(
      "[PLAN-EC2-2] at most one master is stopped or replaced by one apply: this plan stops and starts control-plane instance demo-x7k2p-master-0 to change instance_type m6i.xlarge -> m6i.2xlarge; stops and starts control-plane instance demo-x7k2p-master-1",
    );
    expect(plan.text).toContain(`Nothing was changed. Fix: roll the masters one at a time with npm run roll -- <cluster> master-<n>`);
    expect(plan.text).toContain(HOW("PLAN-EC2-2"));
    expect(plan.text).not.toContain("[PLAN-EC2-1]");

    const deploy = await timed("EC2-2 cdktf deploy", () => cdktfDeploy(out, file));
    expect(deployOutcome(deploy, "PLAN-EC2-2", "[PLAN-EC2-2] at most one master is stopped")).toBe("refused");
    expect({ states: await states("demo-machines"), masters: await masters() }).toEqual(before);

    // The way the message gives: one master at a time. Its targeted apply updates its record alone.
    const roll = await timed("EC2-2 roll master-0", () =>
      runDocumented(documented("npm-run-roll", { clusterFile: file, outdir: out, cluster: "demo", machine: "master-0" }), { env: env.terraformEnv(out) }),
    );
    expect({ code: roll.code, stderr: roll.stderr.split("\n").filter((l) => /error/i.test(l)) }).toEqual({ code: 0, stderr: [] });
    expect(
      Object.values(await masters())
        .map((m) => m.split(" ")[0])
        .sort(),
    ).toEqual(["m6i.2xlarge", "m6i.xlarge", "m6i.xlarge"]);
    const again = await plainPlan(out, "demo-machines");
    expect(again.code).toBe(1);
    expect(again.text).toMatch(
      /this plan stops and starts control-plane instance demo-x7k2p-master-1 to change instance_type m6i\.xlarge -> m6i\.2xlarge; stops and starts control-plane instance demo-x7k2p-master-2 to change instance_type m6i\.xlarge -> m6i\.2xlarge\. Nothing/,
    );

    const acked = fresh("instance-type-acknowledged", { ...edit, ...acknowledge("PLAN-EC2-2") });
    await timed("EC2-2 acknowledged apply", () => env.apply("demo-machines", acked.out));
    const after = await masters();
    expect(Object.values(after).map((m) => m.split(" ")[0])).toEqual(["m6i.2xlarge", "m6i.2xlarge", "m6i.2xlarge"]);
    // Stopped and started in place: the same instances.
    expect(
      Object.values(after)
        .map((m) => m.split(" ")[1])
        .sort(),
    ).toEqual(
      Object.values(before.masters)
        .map((m) => m.split(" ")[1])
        .sort(),
    );
  });

  test("PLAN-EC2-1: a new root-volume KMS key (replaces every master) is refused by terraform plan and cdktf deploy; acknowledged, the masters are replaced", async () => {
    const before = { states: await states("demo-machines"), masters: await masters() };
    const edit = cluster({ controlPlane: { instanceType: "m6i.2xlarge", rootVolume: { kmsKeyArn: KMS_KEY } } });
    const { out, file } = fresh("kms-key", edit);

    const plan = await timed("EC2-1 terraform plan", () => plainPlan(out, "demo-machines"));
    expect(plan.code).toBe(1);
    for (const n of [0, 1, 2]) {
      expect(plan.text).toContain(`replaces control-plane instance demo-x7k2p-master-${n} (root_block_device.kms_key_id (unset) -> ${KMS_KEY})`);
    }
    expect(plan.text).toContain("[PLAN-EC2-1] control-plane instances are never replaced or deleted by an apply: this plan replaces");
    expect(plan.text).toContain(HOW("PLAN-EC2-1"));

    const deploy = await timed("EC2-1 cdktf deploy", () => cdktfDeploy(out, file));
    expect(deployOutcome(deploy, "PLAN-EC2-1", "[PLAN-EC2-1] control-plane instances are never replaced")).toBe("refused");
    expect({ states: await states("demo-machines"), masters: await masters() }).toEqual(before);

    const acked = fresh("kms-key-acknowledged", { ...edit, ...acknowledge("PLAN-EC2-1") });
    await timed("EC2-1 acknowledged apply", () => env.apply("demo-machines", acked.out));
    const after = await masters();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before.masters).sort());
    for (const name of Object.keys(after)) expect(after[name]).not.toEqual(before.masters[name]);
    // The records follow the apply: the same edit plans no change.
    expect((await plainPlan(acked.out, "demo-machines")).code).toBe(0);
  });
});

describe("API load balancer and DNS", () => {
  test("PLAN-ELB-1 and PLAN-DNS-1: publish Internal (deletes the external NLB, its listener and target group, the public api record) is refused by both paths; acknowledged, it applies", async () => {
    const before = await states("demo-infra");
    const machines = { controlPlane: { instanceType: "m6i.2xlarge", rootVolume: { kmsKeyArn: KMS_KEY } } };
    const edit = cluster(machines, { publish: "Internal" });
    const { out, file } = fresh("internal", edit);

    const plan = await timed("ELB terraform plan", () => plainPlan(out, "demo-infra"));
    expect(plan.code).toBe(1);
    expect(plan.text).toContain("[PLAN-ELB-1] the API load balancers, listeners and target groups stay: this plan deletes");
    for (const what of [`API load balancer ${INFRA_ID}-ext`, `API target group ${INFRA_ID}-aext`, `API listener ${INFRA_ID}-ext:6443`])
      expect(plan.text).toContain(`deletes ${what}`);
    expect(plan.text).toContain("[PLAN-DNS-1] the private zone and the api and api-int records stay: this plan deletes the public record api.demo.example.com.");
    expect(plan.text).toContain(HOW("PLAN-ELB-1"));

    const deploy = await timed("ELB cdktf deploy", () => cdktfDeploy(out, file));
    expect(deployOutcome(deploy, "PLAN-ELB-1", "[PLAN-ELB-1] the API load balancers")).toBe("refused");
    expect(await states("demo-infra")).toEqual(before);

    const acked = fresh("internal-acknowledged", { ...edit, ...acknowledge("PLAN-ELB-1", "PLAN-DNS-1") });
    // The machines leave the external target group first, then it goes.
    await timed("ELB acknowledged apply", async () => {
      await env.apply("demo-machines", acked.out);
      await env.apply("demo-infra", acked.out);
    });
    const lbs = await env.aws.elbv2.send(new DescribeLoadBalancersCommand({}));
    expect((lbs.LoadBalancers ?? []).map((lb) => lb.LoadBalancerName).sort()).toEqual([`${INFRA_ID}-int`]);
  });
});

describe("network", () => {
  test("PLAN-VPC-1: network.availabilityZones 3 -> 2 passes synth in a fresh folder, and the network stack refuses it before anything applies; acknowledged, its plan goes through", async () => {
    const before = await states("demo-network");
    const machines = { controlPlane: { instanceType: "m6i.2xlarge", rootVolume: { kmsKeyArn: KMS_KEY } } };
    const twoZones = { network: { availabilityZones: 2, natGateways: "single", vpcEndpoints: [] }, publish: "Internal" };
    const { out, file } = fresh("two-zones", { ...cluster(machines), ...twoZones });
    const { Subnets } = await env.aws.ec2.send(new DescribeSubnetsCommand({ Filters: [filter("tag:Name", `${INFRA_ID}-*`)] }));
    const third = (Subnets ?? []).filter((s) => ["10.0.32.0/20", "10.0.80.0/20"].includes(s.CidrBlock!)).map((s) => s.AvailabilityZone);

    const plan = await timed("VPC terraform plan", () => plainPlan(out, "demo-network"));
    expect(plan.code).toBe(1);
    expect(plan.text).toContain("[PLAN-VPC-1] the VPC and its subnets stay: this plan deletes the ");
    expect(plan.text).toContain(`deletes the public subnet 10.0.32.0/20 (${third[0]})`);
    expect(plan.text).toContain(`deletes the private subnet 10.0.80.0/20 (${third[0]})`);
    expect(plan.text).toContain(HOW("PLAN-VPC-1"));

    // cdktf deploys the network stack first: it stops there, and nothing downstream is planned.
    const deploy = await timed("VPC cdktf deploy", () => cdktfDeploy(out, file));
    expect(deployOutcome(deploy, "PLAN-VPC-1", "[PLAN-VPC-1] the VPC and its subnets stay")).toBe("refused");
    expect(await states("demo-network")).toEqual(before);

    const acked = fresh("two-zones-acknowledged", { ...cluster(machines), ...twoZones, ...acknowledge("PLAN-VPC-1") });
    const ackedPlan = await timed("VPC acknowledged plan", () => plainPlan(acked.out, "demo-network"));
    // 2: the plan succeeded with changes (the third zone's subnets go).
    expect({ code: ackedPlan.code, deletes: /aws_subnet\.network_private-subnet-2_\w+ will be destroyed/.test(ackedPlan.text) }).toEqual({ code: 2, deletes: true });
  });
});
