import { RegisterImageCommand } from "@aws-sdk/client-ec2";
import { CreateHostedZoneCommand } from "@aws-sdk/client-route-53";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { AwsClients, awsClients } from "./aws";
import { CliResult, runSynth } from "./cli";
import { EMULATOR_ENV, Emulator, startEmulator } from "./moto";
import { EXAMPLE_INSTALL_DIR, tempDir } from "./paths";
import { requireMoto, requireTerraform, terraformOk } from "./terraform";

/**
 * How Terraform finds the emulator.
 * - "environment": AWS_ENDPOINT_URL, which the AWS provider, the S3 backend and
 *   terraform_remote_state read as the AWS SDKs do; the cluster file names no endpoint, as on AWS.
 * - "cluster file": aws.serviceEndpoints for every service, so the synthesized provider, backend
 *   and remote-state blocks carry them, as in an account that reaches AWS through private endpoints.
 *   The AWS provider (5.100) spends some 5 s of CPU configuring itself whenever its endpoints block
 *   is set (a plan of the machines stack: 9.8 s of CPU against 3.5 s), so only the clusters about
 *   endpoints use it. Their commands run without AWS_ENDPOINT_URL, which would cover for an
 *   endpoint missing from a block.
 */
export type EmulatorEndpoints = "environment" | "cluster file";

/** A cluster file pointed at a fresh emulator, with state in its S3, synthesized through the CLI. */
export interface EmulatorCluster {
  readonly emulator: Emulator;
  /**
   * The environment every Terraform, cdktf or `npm run` command on the stacks in `outdir` (the
   * cluster's own by default) runs with, for the endpoints its synth chose.
   */
  terraformEnv(outdir?: string): Readonly<Record<string, string>>;
  readonly aws: AwsClients;
  readonly dir: string;
  readonly outdir: string;
  readonly configFile: string;
  readonly stateBucket: string;
  /** A stack's folder in `outdir` (the cluster's own by default). */
  stackDir(stack: string, outdir?: string): string;
  /**
   * Writes a cluster file (the emulator settings merged in) and synthesizes it into `outdir`; its
   * stacks find the emulator as `endpoints` says ("environment" by default).
   */
  synth(overrides: Record<string, unknown>, outdir?: string, endpoints?: EmulatorEndpoints): string;
  /** Like synth, without throwing: what `npm run synth` printed and its exit status. */
  trySynth(overrides: Record<string, unknown>, outdir?: string, endpoints?: EmulatorEndpoints): CliResult & { readonly file: string };
  /** The image new machines boot (registered in the emulator); `anotherAmi` is a second one, for an AMI bump. */
  readonly ami: string;
  anotherAmi(): Promise<string>;
  /** init and apply; `outdir` defaults to the cluster's own (another synth's output otherwise). */
  apply(stack: string, outdir?: string): Promise<void>;
  destroy(stack: string, outdir?: string): Promise<void>;
  outputs(stack: string, outdir?: string): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export async function emulatorCluster(stateBucket: string): Promise<EmulatorCluster> {
  requireTerraform();
  requireMoto();
  const emulator = await startEmulator();
  const aws = awsClients(emulator.endpoint);
  await aws.s3.send(new CreateBucketCommand({ Bucket: stateBucket }));
  // The public zone the infra stack looks up by baseDomain.
  await aws.route53.send(new CreateHostedZoneCommand({ Name: "example.com", CallerReference: "public" }));
  // RHCOS stands in as an image registered in the emulator (the provider reads its root device).
  const image = await aws.ec2.send(new RegisterImageCommand({ Name: "rhcos", RootDeviceName: "/dev/xvda", Architecture: "x86_64", VirtualizationType: "hvm" }));
  const dir = tempDir("upi-e2e-");
  const outdir = path.join(dir, "cdktf.out");
  const configFile = path.join(dir, "cluster.yaml");
  const e = emulator.endpoint;
  /** The endpoints each output folder was synthesized with. */
  const endpointsOf = new Map<string, EmulatorEndpoints>();
  const stackDir = (stack: string, out = outdir) => path.join(out, "stacks", stack);

  const cluster: EmulatorCluster = {
    emulator,
    terraformEnv: (out = outdir) => ((endpointsOf.get(out) ?? "environment") === "environment" ? { ...EMULATOR_ENV, AWS_ENDPOINT_URL: e } : EMULATOR_ENV),
    aws,
    dir,
    outdir,
    configFile,
    stateBucket,
    stackDir,
    ami: image.ImageId!,
    async anotherAmi() {
      const next = await aws.ec2.send(new RegisterImageCommand({ Name: "rhcos-next", RootDeviceName: "/dev/xvda", Architecture: "x86_64", VirtualizationType: "hvm" }));
      return next.ImageId!;
    },
    synth(overrides, out = outdir, endpoints) {
      const r = cluster.trySynth(overrides, out, endpoints);
      if (r.status !== 0) throw new Error(`synth failed:\n${r.stderr}`);
      return r.file;
    },
    trySynth(overrides, out = outdir, endpoints = "environment") {
      endpointsOf.set(out, endpoints);
      const file = out === outdir ? configFile : path.join(dir, `${path.basename(out)}.yaml`);
      fs.writeFileSync(
        file,
        stringify({
          installDir: EXAMPLE_INSTALL_DIR,
          machines: { rhcosAmi: image.ImageId },
          aws: {
            ...(endpoints === "cluster file" && { serviceEndpoints: { ec2: e, elasticloadbalancing: e, s3: e, route53: e, iam: e, sts: e, dynamodb: e } }),
            maxRetries: 3,
            s3UsePathStyle: true,
            // The emulator serves STS, so the provider learns its account ID as against AWS.
            skipCredentialsValidation: true,
          },
          backend: { type: "s3", s3: { bucket: stateBucket } },
          ...overrides,
        }),
      );
      return { ...runSynth({ CLUSTER_CONFIG: file, CDKTF_OUTDIR: out }), file };
    },
    async apply(stack, out) {
      await terraformOk(stackDir(stack, out), ["init", "-input=false"], cluster.terraformEnv(out));
      await terraformOk(stackDir(stack, out), ["apply", "-auto-approve", "-input=false"], cluster.terraformEnv(out));
    },
    async destroy(stack, out) {
      await terraformOk(stackDir(stack, out), ["destroy", "-auto-approve", "-input=false"], cluster.terraformEnv(out));
    },
    async outputs(stack, out) {
      const r = await terraformOk(stackDir(stack, out), ["output", "-json"], cluster.terraformEnv(out));
      return Object.fromEntries(Object.entries(JSON.parse(r.stdout)).map(([k, v]: [string, any]) => [k, v.value]));
    },
    async close() {
      await emulator.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
