import { DescribeInstancesCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { CreateHostedZoneCommand, DeleteHostedZoneCommand, ListHostedZonesCommand } from "@aws-sdk/client-route-53";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { setupStackFolder } from "../../src/hcp/names";
import { filter } from "../../test-support/aws";
import { documented, runDocumented, runDocumentedOk } from "../../test-support/documented-commands";
import { emulatorCluster, EmulatorCluster } from "../../test-support/emulator-cluster";
import { HcpDouble } from "../../test-support/hcp-double";
import { ROOT } from "../../test-support/paths";
import { Run, terraform, terraformEnv, terraformOk } from "../../test-support/terraform";
import { stepTimer } from "../../test-support/timings";

/**
 * HCP Terraform on moto plus the local HCP API double (test-support/hcp-double.ts), one cluster
 * through its life as an HCP user runs it: network and infra deployed with local state, moved into
 * HCP workspaces by the command synth prints, then the workspaces configured from the set-up
 * stack's synthesized tfe_* resources (executionMode local). A run in a downstream workspace
 * (with that workspace's run token, as a remote or agent run carries) stops on HCP's refusal while
 * its upstream does not share its state, and creates nothing; shared, it plans. Then `cdktf deploy
 * '*'` exactly as docs/hcp-terraform.md writes it, state in the double, and `npm run plan`: zero changes.
 * Another checkout with another workspacePrefix stops on the own-state guard's message.
 * Wall time: 218 to 255 s on the two shared cores (the local deploy of network and infra 104 to
 * 115 s, cdktf deploy 40 s, npm run plan 14 to 24 s, npm run plan on the empty workspaces 12 to 55 s).
 *
 * Between those two, an edit a guard refuses (a new root-volume KMS key, PLAN-EC2-1), synthesized
 * into a fresh folder and planned with plain Terraform, stops on the rule's message, the
 * workspace's state untouched: 4 to 6 s more (whole suite 225 and 246 s in two runs). So does a
 * public zone given by id that is not the one the api record is in (PLAN-DNS-1 compares zone_id).
 * Last, the teardown line the summary prints, `cdktf destroy '*'`, empties every workspace's state
 * and leaves the set-up stack's workspaces (idle machine: the DNS plan 3 s, the teardown 71 s,
 * whole suite about 250 s).
 */
jest.setTimeout(900_000);

const ORG = "acme";
const PREFIX = "e2e-";
const STACKS = ["demo-network", "demo-infra", "demo-bootstrap", "demo-machines", "demo-ingress"];
const NETWORK = { availabilityZones: 1, natGateways: "single" };
const KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

let env: EmulatorCluster;
let hcp: HcpDouble;
const { timings, timed } = stepTimer();

const workspace = (stack: string) => `${PREFIX}${stack}`;
/** What every command on the cloud stacks runs with: the emulator's, and the double's CA and credentials (`token`: a run's). */
const cloudEnv = (token?: string) => ({ ...env.terraformEnv(), ...hcp.env(token) });
const cloudBackend = () => ({
  type: "cloud",
  cloud: { organization: ORG, hostname: hcp.hostname, workspacePrefix: PREFIX, project: "openshift", executionMode: "local" },
});
/** Terraform's messages wrap at the terminal's width; matched whole here. */
const oneLine = (r: Run) => `${r.stderr}\n${r.stdout}`.replace(/\s+/g, " ");
const row = (stdout: string, stack: string) =>
  stdout
    .split("\n")
    .find((l) => l.startsWith(`  ${stack} `))
    ?.trim()
    .split(/\s{2,}/)
    .slice(1);

/** Runs a command line as synth printed it (through sh, from the project root), answering `input`. */
function runPrinted(command: string, input: string, extraEnv: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd: ROOT, env: terraformEnv(extraEnv), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(input);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  [env, hcp] = await Promise.all([emulatorCluster("hcp-e2e-unused"), HcpDouble.start({ organization: ORG })]);
});

afterAll(async () => {
  console.log(`hcp e2e timings (s): ${JSON.stringify(timings)}`);
  await Promise.all([env?.close(), hcp?.stop()]);
});

describe("a local-state cluster moved into HCP Terraform with the command synth prints", () => {
  let moveCommands: Record<string, string>;

  beforeAll(async () => {
    env.synth({ network: NETWORK, backend: { type: "local" } });
    await timed("local deploy of network and infra", async () => {
      await env.apply("demo-network");
      await env.apply("demo-infra");
    });
    const r = env.trySynth({ network: NETWORK, backend: cloudBackend() });
    expect(r.status).toBe(0);
    // Each stack's warning names the command that moves its state; the first backquoted command of its line.
    moveCommands = Object.fromEntries(
      STACKS.flatMap((stack) => {
        const line = `${r.stderr}\n${r.stdout}`.split("\n").find((l) => l.includes(`${stack}: its state moves`));
        const command = line?.match(/`(terraform [^`]+)`/)?.[1];
        return command ? [[stack, command]] : [];
      }),
    );
    // The administrator applies the set-up stack first (docs/hcp-terraform.md): the double takes its tfe_* resources.
    hcp.configureFrom(JSON.parse(fs.readFileSync(path.join(setupStackFolder(env.outdir, "demo"), "cdk.tf.json"), "utf8")));
  });

  test("synth prints a move command for the stacks applied locally; the set-up stack's workspaces run locally, in the project", () => {
    expect(Object.keys(moveCommands)).toEqual(expect.arrayContaining(["demo-network", "demo-infra"]));
    for (const stack of STACKS) expect(hcp.workspaces.get(workspace(stack))).toMatchObject({ executionMode: "local", globalRemoteState: false });
    expect(hcp.projects.get(hcp.workspaces.get(workspace("demo-network"))!.projectId)?.name).toBe("openshift");
    // Only the stacks that read the network stack's outputs may read its state.
    expect([...hcp.workspaces.get(workspace("demo-network"))!.consumers]).toContain(workspace("demo-infra"));
    expect([...hcp.workspaces.get(workspace("demo-network"))!.consumers]).not.toContain(workspace("demo-ingress"));
  });

  test("the printed commands move network and infra into their workspaces; the next plans show no change", async () => {
    await timed("state moves", async () => {
      for (const stack of ["demo-network", "demo-infra"]) {
        const r = await runPrinted(moveCommands[stack], "yes\n", cloudEnv());
        expect({ stack, code: r.code, stderr: r.stderr }).toEqual({ stack, code: 0, stderr: "" });
      }
    });
    expect(hcp.currentState(workspace("demo-network")).outputs.StateOwner.value).toBe("demo-network");
    expect(hcp.currentState(workspace("demo-infra")).resources.length).toBeGreaterThan(10);
    const plans = await timed("plans after the move", () =>
      Promise.all(["demo-network", "demo-infra"].map((stack) => terraform(env.stackDir(stack), ["plan", "-detailed-exitcode", "-input=false"], cloudEnv()))),
    );
    expect(plans.map((p) => ({ code: p.code, stderr: p.stderr }))).toEqual([
      { code: 0, stderr: "" },
      { code: 0, stderr: "" },
    ]);
  });

  test("without sharing, a run in the bootstrap workspace stops on HCP's refusal and creates nothing; shared, it plans", async () => {
    const network = hcp.workspaces.get(workspace("demo-network"))!;
    const consumers = [...network.consumers];
    expect(consumers).toContain(workspace("demo-bootstrap"));
    network.consumers.clear();
    const token = hcp.runToken(workspace("demo-bootstrap"));
    const dir = env.stackDir("demo-bootstrap");
    await terraformOk(dir, ["init", "-input=false"], cloudEnv(token));
    const refused = await timed("refused run", () => terraform(dir, ["apply", "-auto-approve", "-input=false"], cloudEnv(token)));
    expect(refused.code).toBe(1);
    expect(oneLine(refused)).toContain(`error loading the remote state: Error creating workspace ${workspace("demo-network")}: resource not found`);
    expect(hcp.currentState(workspace("demo-bootstrap"))).toBeUndefined();
    const bootstrap = await env.aws.ec2.send(new DescribeInstancesCommand({ Filters: [filter("tag:Name", "demo-x7k2p-bootstrap")] }));
    expect(bootstrap.Reservations ?? []).toEqual([]);

    consumers.forEach((c) => network.consumers.add(c));
    const shared = await timed("shared run's plan", () => terraform(dir, ["plan", "-input=false"], cloudEnv(token)));
    expect({ code: shared.code, stderr: shared.stderr }).toEqual({ code: 0, stderr: "" });
    expect(shared.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
  });
});

describe("cdktf deploy '*' as docs/hcp-terraform.md writes it, state in HCP workspaces", () => {
  const vars = () => ({ clusterFile: env.configFile, outdir: env.outdir, cluster: "demo" });

  beforeAll(async () => {
    await timed("cdktf deploy '*'", () => runDocumentedOk(documented("cdktf-deploy-all", vars()), { env: cloudEnv() }));
  });

  test("every stack's state is in its workspace, each workspace unlocked", async () => {
    // The ingress stack is empty until day 2 (no router hostname): nothing of its own to record.
    for (const stack of STACKS.filter((s) => s !== "demo-ingress")) expect(hcp.currentState(workspace(stack))?.outputs.StateOwner?.value).toBe(stack);
    for (const stack of STACKS) expect(hcp.workspaces.get(workspace(stack))!.lockedBy).toBeUndefined();
    const zones = await env.aws.route53.send(new ListHostedZonesCommand({}));
    expect(zones.HostedZones!.map((z) => z.Name).sort()).toEqual(["demo.example.com.", "example.com."]);
  });

  test("npm run plan on the cloud cluster: every stack planned, zero changes, exit 0", async () => {
    const r = await timed("npm run plan", () => runDocumented(documented("npm-run-plan", vars()), { env: cloudEnv() }));
    expect({ code: r.code, output: r.code === 0 ? "" : `${r.stdout}\n${r.stderr}` }).toEqual({ code: 0, output: "" });
    for (const stack of STACKS) expect(row(r.stdout, stack)).toEqual(["0", "0", "0", "0", "no changes"]);
    expect(r.stdout).toContain("No changes: the infrastructure matches the cluster file.");
  });

  test("a guard refuses an edit with its state in HCP: plain terraform plan of a fresh folder stops on PLAN-EC2-1, and the workspace keeps its state version, unlocked", async () => {
    const ws = hcp.workspaces.get(workspace("demo-machines"))!;
    const before = { versions: ws.stateVersions.map((v) => v.id), serial: hcp.currentState(ws.name).serial };
    // A fresh output folder (no record of an earlier synth), as in another checkout or an HCP VCS run.
    const out = path.join(env.dir, "kms-key");
    env.synth({ network: NETWORK, backend: cloudBackend(), machines: { rhcosAmi: env.ami, controlPlane: { rootVolume: { kmsKeyArn: KMS_KEY } } } }, out);
    const dir = env.stackDir("demo-machines", out);
    await terraformOk(dir, ["init", "-input=false", "-no-color"], cloudEnv());
    const plan = await timed("refused plan (PLAN-EC2-1)", () => terraform(dir, ["plan", "-input=false", "-no-color", "-detailed-exitcode"], cloudEnv()));
    expect(plan.code).toBe(1);
    const text = oneLine(plan).replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
    for (const n of [0, 1, 2]) expect(text).toContain(`replaces control-plane instance demo-x7k2p-master-${n} (root_block_device.kms_key_id (unset) -> ${KMS_KEY})`);
    expect(text).toContain("[PLAN-EC2-1] control-plane instances are never replaced or deleted by an apply: this plan replaces");
    expect(text).toContain("If it is deliberate, acknowledge PLAN-EC2-1 in the cluster file's guardrails.acknowledge");
    expect({ versions: ws.stateVersions.map((v) => v.id), serial: hcp.currentState(ws.name).serial, lockedBy: ws.lockedBy }).toEqual({ ...before, lockedBy: undefined });
  });

  test("another checkout with another workspacePrefix: each stack stops on the own-state guard's message, not on Unable to find remote state", async () => {
    const outdir = path.join(env.dir, "other-prefix");
    const other = cloudBackend();
    const file = env.trySynth({ network: NETWORK, backend: { ...other, cloud: { ...other.cloud, workspacePrefix: "other-" } } }, outdir).file;
    hcp.configureFrom(JSON.parse(fs.readFileSync(path.join(setupStackFolder(outdir, "demo"), "cdk.tf.json"), "utf8")));
    const r = await timed("npm run plan, empty workspaces", () => runDocumented(documented("npm-run-plan", { clusterFile: file, outdir }), { env: cloudEnv() }));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      `demo-network: objects this stack creates already live in AWS but its state at ${hcp.hostname}/${ORG}/workspaces/other-demo-network holds nothing: ` +
        "they are managed by another Terraform state (an earlier backend setting, or another checkout's). Nothing was changed.",
    );
    expect(r.stdout).not.toMatch(/own-state.*Unable to find remote state/);
    for (const stack of STACKS) expect(hcp.currentState(`other-${stack}`)).toBeUndefined();
  });

  test("a public zone given by id that is not the api record's: plain terraform plan of a fresh folder stops on PLAN-DNS-1, the workspace's state untouched", async () => {
    const ws = hcp.workspaces.get(workspace("demo-infra"))!;
    const before = ws.stateVersions.map((v) => v.id);
    // Another zone of the same name, as a second account's or a re-created one would be.
    const other = (await env.aws.route53.send(new CreateHostedZoneCommand({ Name: "example.com", CallerReference: "hcp-e2e-other-zone" }))).HostedZone!.Id!.replace(
      "/hostedzone/",
      "",
    );
    try {
      const out = path.join(env.dir, "other-zone");
      env.synth({ network: NETWORK, backend: cloudBackend(), dns: { publicHostedZoneId: other } }, out);
      const dir = env.stackDir("demo-infra", out);
      await terraformOk(dir, ["init", "-input=false", "-no-color"], cloudEnv());
      const plan = await timed("refused plan (PLAN-DNS-1)", () => terraform(dir, ["plan", "-input=false", "-no-color", "-detailed-exitcode"], cloudEnv()));
      expect(plan.code).toBe(1);
      const text = oneLine(plan).replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
      expect(text).toContain("[PLAN-DNS-1] the private zone and the api and api-int records stay: this plan replaces the public record api.demo.example.com (zone_id ");
      expect(text).toContain(`-> ${other})`);
      expect({ versions: ws.stateVersions.map((v) => v.id), lockedBy: ws.lockedBy }).toEqual({ versions: before, lockedBy: undefined });
    } finally {
      // The cluster's own file looks its zone up by name: two of that name would stop its teardown.
      await env.aws.route53.send(new DeleteHostedZoneCommand({ Id: other }));
    }
  });

  test("the teardown line the summary prints (cdktf destroy '*'): every workspace's state is left without resources, the workspaces stay, no VPC or instance is left", async () => {
    await timed("cdktf destroy '*'", () => runDocumentedOk(documented("cdktf-destroy-all", vars()), { env: cloudEnv() }));
    for (const stack of STACKS) {
      expect(hcp.workspaces.has(workspace(stack))).toBe(true);
      expect((hcp.currentState(workspace(stack))?.resources ?? []).filter((r: { mode: string }) => r.mode === "managed")).toEqual([]);
    }
    const { Vpcs } = await env.aws.ec2.send(new DescribeVpcsCommand({}));
    expect(Vpcs!.filter((v) => !v.IsDefault)).toEqual([]);
    const { Reservations } = await env.aws.ec2.send(new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "pending", "running", "stopping", "stopped")] }));
    expect(Reservations!.flatMap((r) => r.Instances ?? [])).toEqual([]);
  });
});
