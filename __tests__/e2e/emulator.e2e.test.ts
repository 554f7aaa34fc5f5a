import { DescribeImagesCommand, DescribeInstancesCommand, DescribeNetworkInterfacesCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { awsClients, filter } from "../../test-support/aws";
import { documented, PreparedCommand, runDocumented, startDocumented } from "../../test-support/documented-commands";
import { ROOT, tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";
import { requireMoto, requireTerraform, TerraformProcess, waitForOutput } from "../../test-support/terraform";
import { stepTimer } from "../../test-support/timings";

/**
 * README's "Try it without an AWS account", as a newcomer runs it: `npm run emulator`, its lines
 * pasted into the shell, `npm run synth` of the embedded example, then every line the synth
 * summary prints under "Next", pasted as printed, the teardown included (cdktf gets
 * --auto-approve: it asks in a terminal UI, which a test has not). The embedded example
 * deploys as written: the emulator loads its made-up AMI and makes its public zone.
 */
jest.setTimeout(1_200_000);

const { timings, timed } = stepTimer();
const outdir = path.join(tempDir("upi-newcomer-"), "cdktf.out");
let emulator: TerraformProcess | undefined;
/** The lines `npm run emulator` prints to paste. */
let pasted: string[] = [];
let endpoint = "";

/** What the user pasted, then `command`, in one shell. */
const paste = (): PreparedCommand => ({ id: "paste", shown: pasted.join("\n"), script: pasted.join("\n"), env: {} });
async function inPastedShell(command: PreparedCommand) {
  const r = await runDocumented([paste(), command]);
  if (r.code !== 0) throw new Error(`${command.script} failed (${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
  return r;
}
/** A line the summary printed, as a user pastes it. */
const printedLine = (line: string, why: string): PreparedCommand => ({ id: `printed: ${why}`, shown: line, script: line, env: {} });

beforeAll(async () => {
  requireTerraform();
  requireMoto();
  await timed("npm run emulator", async () => {
    emulator = startDocumented(documented("npm-run-emulator"));
    await waitForOutput(emulator, /Ctrl-C stops the emulator/, 180_000);
  });
  pasted = emulator!
    .output()
    .split("\n")
    .filter((l) => l.startsWith("export "));
  endpoint = /AWS_ENDPOINT_URL=(\S+)/.exec(pasted.join("\n"))?.[1] ?? "";
});

afterAll(async () => {
  console.log(`newcomer e2e timings (s): ${JSON.stringify(timings)}`);
  try {
    if (emulator && emulator.child.exitCode === null) process.kill(-emulator.child.pid!, "SIGTERM");
  } catch {
    // already ended with its process group
  }
});

test("npm run emulator prints the lines to paste: the endpoint, fake credentials, the mirror's CLI config when one is set", () => {
  const out = emulator!.output();
  expect(out).toMatch(/^ {2}image {8}ami-0123456789abcdef0 {2}\(machines\.rhcosAmi\)$/m);
  expect(out).toMatch(/^ {2}public zone {2}example\.com /m);
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(pasted).toEqual([
    `export AWS_ENDPOINT_URL=${endpoint}`,
    "export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_MAX_ATTEMPTS=3",
    ...(process.env.TERRAFORM_PROVIDER_MIRROR ? [expect.stringMatching(/^export TF_CLI_CONFIG_FILE=\S+\/\.build\/emulator\/terraform\.rc$/)] : []),
  ]);
});

test("from synth to teardown by the lines synth prints, and nothing of the cluster is left", async () => {
  const synth = await timed("npm run synth", () => inPastedShell(documented("npm-run-synth", { outdir })));
  const summary = synth.stdout.slice(synth.stdout.indexOf("Synthesized"));
  const nextLines = summary
    .slice(summary.indexOf("Next:\n") + "Next:\n".length)
    .split("\n")
    .map((l) => l.trim().split(/\s{2,}/)[0])
    .filter((c) => /^(\S+=\S+ )*(npm|npx|terraform) /.test(c));
  // A folder outside the project is shown by its absolute path.
  const shownOutdir = outdir;
  const offline = process.env.TERRAFORM_PROVIDER_MIRROR ? " --skip-provider-lock" : "";
  // The file and folder this synth used, so a new shell runs the same cluster.
  expect(nextLines).toEqual([
    `CDKTF_OUTDIR=${shownOutdir} npm run plan`,
    `npx cdktf deploy '*' --output ${shownOutdir}${offline}`,
    `terraform -chdir=${shownOutdir}/stacks/demo-network init && terraform -chdir=${shownOutdir}/stacks/demo-network apply`,
    `npx cdktf destroy demo-bootstrap --output ${shownOutdir}${offline}`,
    `npx cdktf destroy '*' --output ${shownOutdir}${offline}`,
  ]);

  const [plan, deploy, terraformApply, destroyBootstrap, teardown] = nextLines;
  const before = await timed("npm run plan (before any apply)", () => inPastedShell(printedLine(plan, "plan")));
  expect(before.stdout).toMatch(/demo-network\s+\d+\s+0\s+0\s+0\s+changes/);
  await timed("npx cdktf deploy '*'", () => inPastedShell(printedLine(`${deploy} --auto-approve`, "deploy")));
  timings["clone to deployed, without npm ci"] = timings["npm run emulator"] + timings["npm run synth"] + timings["npx cdktf deploy '*'"];
  const { ec2 } = awsClients(endpoint);
  const running = await ec2.send(new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "running"), filter("tag:kubernetes.io/cluster/demo-x7k2p", "owned")] }));
  expect((running.Reservations ?? []).flatMap((r) => r.Instances ?? [])).toHaveLength(6);

  // Terraform answers "Enter a value:" only when there is something to apply; the network stack has not.
  const applied = await inPastedShell({ ...printedLine(terraformApply, "terraform apply"), input: "yes\n" });
  expect(applied.stdout).toMatch(/No changes/);
  await timed("npx cdktf destroy demo-bootstrap", () => inPastedShell(printedLine(`${destroyBootstrap} --auto-approve`, "destroy bootstrap")));

  await timed("npx cdktf destroy '*'", () => inPastedShell(printedLine(`${teardown} --auto-approve`, "teardown")));
  const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [filter("tag:kubernetes.io/cluster/demo-x7k2p", "owned")] }));
  expect(vpcs.Vpcs).toEqual([]);
  const left = await ec2.send(new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "pending", "running", "stopped")] }));
  expect((left.Reservations ?? []).flatMap((r) => r.Instances ?? [])).toEqual([]);
  // Interfaces go with their instances (moto_launcher.py, fix 9): none is left outside the default VPC.
  const [defaultVpc] = (await ec2.send(new DescribeVpcsCommand({ Filters: [filter("is-default", "true")] }))).Vpcs ?? [];
  const interfaces = await ec2.send(new DescribeNetworkInterfacesCommand({}));
  expect((interfaces.NetworkInterfaces ?? []).filter((i) => i.VpcId !== defaultVpc?.VpcId).map((i) => i.NetworkInterfaceId)).toEqual([]);
  expect(fs.existsSync(path.join(path.dirname(outdir), "terraform.demo-machines.tfstate"))).toBe(true);
});

test("Ctrl-C stops the emulator, and the port with it", async () => {
  process.kill(-emulator!.child.pid!, "SIGINT");
  const r = await emulator!.done;
  expect(r.stdout).toContain("emulator stopped");
  await expect(fetch(`${endpoint}/moto-api/`)).rejects.toThrow();
});

test("for one's own file, the enterprise case: its AMIs, its state bucket, its existing VPC under the file's ids; the infra stack plans there", async () => {
  const dir = tempDir("upi-newcomer-own-");
  const clusterFile = path.join(dir, "my-cluster.yaml");
  fs.writeFileSync(
    clusterFile,
    stringify(
      baseCluster({
        publish: "Internal",
        machines: { rhcosAmi: "ami-0aaaaaaaaaaaaaaaa", compute: { ami: "ami-0bbbbbbbbbbbbbbbb" } },
        network: { existingVpc: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"] } },
        backend: { type: "s3", s3: { bucket: "my-state" } },
      }),
    ),
  );
  const own = startDocumented(documented("npm-run-emulator-cluster-file", { clusterFile }));
  try {
    await waitForOutput(own, /Ctrl-C stops the emulator/, 180_000);
    const out = own.output();
    expect(out).toMatch(/^ {2}image {8}ami-0aaaaaaaaaaaaaaaa {2}\(machines\.rhcosAmi\)$/m);
    expect(out).toMatch(/^ {2}image {8}ami-0bbbbbbbbbbbbbbbb {2}\(machines\.compute\.ami\)$/m);
    expect(out).toMatch(/^ {2}bucket {7}my-state {2}\(backend\.s3\.bucket, us-east-1\)$/m);
    expect(out).toMatch(/^ {2}vpc {10}vpc-0123456789abcdef0 {2}\(network\.existingVpc\.vpcId, 10\.0\.0\.0\/16, us-east-1\)$/m);
    expect(out).toMatch(/^ {2}subnet {7}subnet-0aaaaaaaaaaaaaaa3 {2}\(network\.existingVpc\.privateSubnetIds\[2\], us-east-1c, 10\.0\.80\.0\/20\)$/m);
    expect(out).not.toMatch(/note:/);
    expect(out).not.toMatch(/public zone/);
    // Started for its own file, it says so in the lines to paste, so synth reads the same file.
    expect(out.split("\n").filter((l) => l.startsWith("export CLUSTER_CONFIG="))).toEqual([`export CLUSTER_CONFIG=${path.relative(ROOT, clusterFile)}`]);
    const ownEndpoint = /AWS_ENDPOINT_URL=(\S+)/.exec(out)![1];
    const { ec2, s3 } = awsClients(ownEndpoint);
    const images = await ec2.send(new DescribeImagesCommand({ ImageIds: ["ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"] }));
    expect(images.Images?.map((i) => i.ImageId).sort()).toEqual(["ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"]);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(["my-state"]);

    // Pasted as printed, then synth: the summary's plain Terraform steps start at infra, whose
    // plan reads the VPC and keeps its state in the bucket.
    const ownPasted = out.split("\n").filter((l) => l.startsWith("export "));
    const inOwnShell = (command: PreparedCommand) => runDocumented([{ id: "paste", shown: ownPasted.join("\n"), script: ownPasted.join("\n"), env: {} }, command]);
    const ownOutdir = path.join(dir, "cdktf.out");
    const synth = await timed("own file: npm run synth", () => inOwnShell(documented("npm-run-synth", { outdir: ownOutdir })));
    expect(synth.code).toBe(0);
    const stackByStack = synth.stdout
      .split("\n")
      .find((l) => l.trim().startsWith("terraform -chdir="))!
      .trim();
    expect(stackByStack).toBe(`terraform -chdir=${ownOutdir}/stacks/demo-infra init && terraform -chdir=${ownOutdir}/stacks/demo-infra apply`);
    // Planned, not applied, to keep the suite short (an apply of infra there: 81 s on two busy cores).
    const plan = await timed("own file: terraform init && plan (infra)", () =>
      inOwnShell(printedLine(stackByStack.replace(/ apply$/, " plan -input=false -detailed-exitcode"), "infra plan")),
    );
    expect([plan.code, plan.stderr]).toEqual([2, ""]);
    expect(plan.stdout).toMatch(/aws_ec2_tag\.existing-network_cluster-tag-subnet-0aaaaaaaaaaaaaaa1_\w+ will be created/);
  } finally {
    process.kill(-own.child.pid!, "SIGINT");
    await own.done;
  }
});
