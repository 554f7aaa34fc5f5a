// npm run emulator: the AWS emulator the tests use (moto, patched), ready for the cluster file, for
// a user to deploy to without an AWS account. Runs until Ctrl-C.
import { EC2Client } from "@aws-sdk/client-ec2";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { loadClusterFile } from "../../src/cluster-file";
import type { ClusterConfig } from "../../src/config/load";
import { shellWord } from "../../src/shell-word";
import { mirrorCliConfig } from "./cli-config";
import { createExistingVpc } from "./existing-vpc";
import { startEmulator } from "./moto";

const ROOT = path.join(__dirname, "..", "..");
/** Where the emulator's files go: the build folder, which git ignores. */
const FILES = path.join(ROOT, ".build", "emulator");
const DEFAULT_CLUSTER_FILE = path.join(ROOT, "examples", "default", "cluster.yaml");
/** The image registered when the file names none: the embedded example's made-up AMI. */
const FALLBACK_AMI = "ami-0123456789abcdef0";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/** The AMIs the clusters' machines boot, with the fields that name them. */
function imagesOf(clusters: readonly ClusterConfig[]): Map<string, string> {
  const images = new Map<string, string>();
  for (const c of clusters) {
    const pools = [
      ["machines.rhcosAmi", c.machines.rhcosAmi],
      ...(["bootstrap", "controlPlane", "compute"] as const).map((p) => [`machines.${p}.ami`, (c.machines[p] as { ami?: string }).ami]),
    ];
    for (const [field, ami] of pools) if (ami && !images.has(ami)) images.set(ami, field!);
  }
  if (!images.size) images.set(FALLBACK_AMI, "machines.rhcosAmi (the file names none: use this one)");
  return images;
}

/**
 * moto loads these at start (MOTO_AMIS_PATH), each under the id the file gives, so the file
 * deploys as written. RHCOS is x86_64 or arm64 with an EBS root; the emulator boots nothing.
 */
function writeImages(images: Map<string, string>): string {
  const file = path.join(FILES, "images.json");
  const list = [...images.keys()].map((id) => ({
    ami_id: id,
    name: `rhcos-${id}`,
    description: "Stands in for Red Hat Enterprise Linux CoreOS (npm run emulator)",
    architecture: "x86_64",
    virtualization_type: "hvm",
    root_device_type: "ebs",
    root_device_name: "/dev/xvda",
    public: true,
  }));
  fs.writeFileSync(file, JSON.stringify(list, null, 2));
  return file;
}

/**
 * What the clusters expect to find in the account: the public zone of External clusters, the
 * state bucket, the VPC and subnets `network.existingVpc` names (under the file's ids).
 */
async function prepare(endpoint: string, clusters: readonly ClusterConfig[]): Promise<string[]> {
  const done: string[] = [];
  const zones = new Set<string>();
  const buckets = new Set<string>();
  const subnets = new Set<string>();
  const vpcs = new Set<string>();
  const notes: string[] = [];
  for (const c of clusters) {
    if (c.publish === "External" && !c.dns.publicHostedZoneId && !zones.has(c.baseDomain)) {
      zones.add(c.baseDomain);
      await new Route53Client({ endpoint, region: c.region, credentials: CREDENTIALS }).send(
        new CreateHostedZoneCommand({ Name: c.baseDomain, CallerReference: `npm-run-emulator-${c.baseDomain}` }),
      );
      done.push(`  public zone  ${c.baseDomain}  (publish: External looks it up by baseDomain)`);
    }
    if (c.publish === "External" && c.dns.publicHostedZoneId)
      notes.push(`  note: dns.publicHostedZoneId ${c.dns.publicHostedZoneId} cannot exist here (the emulator makes its own zone ids): leave it out to try the file`);
    if (c.backend.type === "s3" && !buckets.has(c.backend.s3!.bucket)) {
      const bucket = c.backend.s3!.bucket;
      const region = c.backend.s3!.region ?? c.region;
      buckets.add(bucket);
      await new S3Client({ endpoint, region, credentials: CREDENTIALS, forcePathStyle: true }).send(
        new CreateBucketCommand({ Bucket: bucket, ...(region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }) }),
      );
      done.push(`  bucket       ${bucket}  (backend.s3.bucket, ${region})`);
    }
    const existing = c.network.existingVpc;
    if (existing && !vpcs.has(existing.vpcId)) {
      vpcs.add(existing.vpcId);
      const made = await createExistingVpc(new EC2Client({ endpoint, region: c.region, credentials: CREDENTIALS }), c);
      done.push(`  vpc          ${existing.vpcId}  (network.existingVpc.vpcId, ${c.network.vpcCidr}, ${c.region})`);
      for (const s of made) {
        subnets.add(s.id);
        done.push(`  subnet       ${s.id}  (${s.field}, ${s.zone}, ${s.cidr})`);
      }
    }
    // A VPC is made once, for the first cluster naming it: another's other subnets are not in it.
    for (const id of existing ? [...existing.privateSubnetIds, ...existing.publicSubnetIds] : [])
      if (!subnets.has(id)) notes.push(`  note: ${c.clusterName}: subnet ${id} is not made: ${existing!.vpcId} was made for another cluster's subnets`);
  }
  return [...done, ...notes];
}

async function main(): Promise<number> {
  // The lockfile pins the SDK, which runs on Node 20 (the project's engines); its notice about
  // releases after January 2027 would only bury the lines to paste.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  if (process.argv.length > 2) {
    console.error("usage: npm run emulator (CLUSTER_CONFIG picks the cluster file it prepares for)");
    return 1;
  }
  const configFile = process.env.CLUSTER_CONFIG || DEFAULT_CLUSTER_FILE;
  let clusters: ClusterConfig[];
  try {
    clusters = loadClusterFile(configFile).clusters;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  fs.mkdirSync(FILES, { recursive: true });
  const images = imagesOf(clusters);
  // Ctrl-C (SIGINT to the whole foreground group, moto included), SIGTERM or a closed terminal:
  // moto is ended and waited for, so no server is left holding the port.
  let signalled!: () => void;
  const signal = new Promise<void>((resolve) => (signalled = resolve));
  for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(name, () => signalled());
  const emulator = await startEmulator({ imagesFile: writeImages(images) });
  const stopped = signal.then(() => emulator.stop());
  let ready: string[];
  try {
    ready = await prepare(emulator.endpoint, clusters);
  } catch (e) {
    // The error is printed and the process exits: moto must not outlive it, holding the port.
    await emulator.stop();
    throw e;
  }

  const env = [
    `export AWS_ENDPOINT_URL=${emulator.endpoint}`,
    // Fake credentials, and few retries: against an emulator an error is an error, not throttling.
    "export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_MAX_ATTEMPTS=3",
  ];
  const mirror = process.env.TERRAFORM_PROVIDER_MIRROR;
  if (mirror) {
    const cliConfig = path.join(FILES, "terraform.rc");
    fs.writeFileSync(cliConfig, mirrorCliConfig(mirror));
    env.push(`export TF_CLI_CONFIG_FILE=${shellWord(cliConfig)}`);
  }
  const shownFile = path.relative(process.cwd(), path.resolve(configFile)) || configFile;
  // The file it was started for is the one to synthesize: the shell pasted into says so too.
  if (process.env.CLUSTER_CONFIG) env.push(`export CLUSTER_CONFIG=${shellWord(shownFile)}`);
  console.log(
    [
      `AWS emulator (moto with this project's fixes) at ${emulator.endpoint}, ready for ${shownFile}:`,
      ...[...images].map(([id, field]) => `  image        ${id}  (${field})`),
      ...ready,
      "",
      "Paste these lines into the shell you deploy from:",
      "",
      ...env,
      "",
      "then `npm run synth` and the commands it prints under Next.",
      "Ctrl-C stops the emulator; everything in it is gone then.",
    ].join("\n"),
  );
  await stopped;
  console.log("emulator stopped");
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2);
  },
);
