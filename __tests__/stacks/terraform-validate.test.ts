import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { EMULATOR_ENV, Emulator, startEmulator } from "../../test-support/moto";
import { documented, runDocumentedOk } from "../../test-support/documented-commands";
import { tempDir } from "../../test-support/paths";
import { baseCluster, synthCluster } from "../../test-support/synth";
import { inBatches, requireMoto, requireTerraform, terraform } from "../../test-support/terraform";
import { validateAsModules } from "../../test-support/validate";

jest.setTimeout(600_000);

/**
 * Each variant is synthesized and the stacks it changes go through `terraform validate`: the
 * default's each as a root of its own (backend, import blocks and all), every other variant's
 * together in one run, as modules of one root (test-support/validate.ts). A variant's first
 * stack also gets a real `terraform init`, which checks its backend block, the same in every stack
 * of a cluster. A backend variant differs from the default in nothing else, so its network stack
 * stands for the rest.
 */
type Scope = "all stacks" | readonly string[];
const variants: [string, (endpoint: string) => Record<string, unknown>, Scope?][] = [
  ["default: 3 AZs, local backend", () => baseCluster()],
  [
    "1 AZ, single NAT, network ACL, documented IAM, etcd records, ingress",
    () =>
      baseCluster({
        network: { availabilityZones: 1, natGateways: "single", networkAcl: true },
        iam: { policy: "documented" },
        dns: { etcdRecords: true },
        ingress: { routerLoadBalancerHostname: "a1b2c3-123.us-east-1.elb.amazonaws.com" },
      }),
  ],
  [
    "restricted: all endpoints, no NAT, Internal, CNAME records, KMS",
    () =>
      baseCluster({
        publish: "Internal",
        network: { natGateways: "none", vpcEndpoints: ["s3", "ec2", "elasticloadbalancing"], availabilityZones: ["us-east-1a", "us-east-1b"] },
        dns: { recordType: "cname", publicHostedZoneId: "Z0123456789ABC" },
        machines: {
          rhcosAmi: "ami-0123456789abcdef0",
          bootstrap: { ignitionKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" },
          controlPlane: { rootVolume: { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k", type: "io2", iops: 3000 } },
        },
        iam: { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary" },
        ingress: { routerLoadBalancerHostname: "router-0123.elb.us-east-1.amazonaws.com", loadBalancerType: "network" },
      }),
  ],
  [
    "existing VPC, bootstrap disabled",
    () =>
      baseCluster({
        network: { existingVpc: { vpcId: "vpc-0abc", publicSubnetIds: ["subnet-a", "subnet-b"], privateSubnetIds: ["subnet-c", "subnet-d"] } },
        machines: { rhcosAmi: "ami-0123456789abcdef0", bootstrap: { enabled: false } },
      }),
  ],
  [
    "s3 backend (the emulator)",
    (endpoint) =>
      baseCluster({
        aws: { serviceEndpoints: { s3: endpoint, sts: endpoint }, s3UsePathStyle: true, skipCredentialsValidation: true, skipRequestingAccountId: true },
        backend: { type: "s3", s3: { bucket: "validate-state" } },
      }),
    ["network"],
  ],
  ["cloud backend (init -backend=false)", () => baseCluster({ backend: { type: "cloud", cloud: { organization: "acme", workspacePrefix: "ocp-" } } }), ["network"]],
  [
    "a Local Zone, 1 AZ",
    () => baseCluster({ network: { availabilityZones: 1, edgeZones: [{ name: "us-east-1-nyc-1a", type: "local-zone", cidr: "10.0.128.0/24" }] } }),
    ["network"],
  ],
  ["a Wavelength Zone and its carrier gateway", () => baseCluster({ network: { edgeZones: [{ name: "us-east-1-wl1-bos-wlz-1", type: "wavelength-zone" }] } }), ["network"]],
  [
    "a public IPv4 pool: NAT gateways, external NLB, bootstrap",
    () => baseCluster({ network: { publicIpv4Pool: "ipv4pool-ec2-0123456789abcdef0" } }),
    ["network", "infra", "bootstrap"],
  ],
  [
    "private-only VPC: no internet gateway, an STS endpoint, https Ignition on a custom S3 endpoint, own bootstrap profile",
    () =>
      baseCluster({
        publish: "Internal",
        network: { internetGateway: false, natGateways: "none", availabilityZones: 1, vpcEndpoints: ["s3", "ec2", "elasticloadbalancing", "sts"] },
        machines: { rhcosAmi: "ami-0123456789abcdef0", bootstrap: { iamInstanceProfile: "ocp-bootstrap", additionalSecurityGroupIds: ["sg-0123abcd"] } },
        aws: { serviceEndpoints: { s3: "https://bucket.vpce-0123-abcd.s3.us-east-1.vpce.amazonaws.com" } },
      }),
    ["network", "bootstrap"],
  ],
  [
    "shared VPC in GovCloud: existing private zone through an assumed role, own profiles and groups, per-pool AMI, throughput",
    () =>
      baseCluster({
        region: "us-gov-west-1",
        publish: "Internal",
        network: { existingVpc: { vpcId: "vpc-0abc", privateSubnetIds: ["subnet-c"] } },
        dns: { privateHostedZoneId: "Z0PRIV", hostedZoneRoleArn: "arn:aws-us-gov:iam::111122223333:role/dns", etcdRecords: true },
        machines: {
          rhcosAmi: "ami-0123456789abcdef0",
          controlPlane: { iamInstanceProfile: "ocp-master", additionalSecurityGroupIds: ["sg-0123abcd"] },
          compute: { replicas: 1, ami: "ami-0fedcba9876543210", rootVolume: { throughput: 250 } },
        },
        ingress: { routerLoadBalancerHostname: "router-0123.elb.us-gov-west-1.amazonaws.com" },
      }),
    // An own bootstrap profile is the private-only variant's; the ingress stack's zone provider is the infra stack's.
    ["infra", "machines"],
  ],
];

describe("terraform init and validate on every synthesized stack", () => {
  const DEFAULT = variants[0][0];
  let emulator: Emulator;
  const dirs: string[] = [];
  /** Each variant's output folder and the stacks it validates. */
  const synthesized = new Map<string, { outdir: string; all: string[]; stacks: string[] }>();
  /** `variant/stack` → its errors, from the one run that validates every variant but the default. */
  const asModules = new Map<string, string[]>();

  beforeAll(async () => {
    requireTerraform();
    requireMoto();
    emulator = await startEmulator();
    const s3 = new S3Client({ endpoint: emulator.endpoint, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    await s3.send(new CreateBucketCommand({ Bucket: "validate-state" }));
    for (const [name, cluster, scope = "all stacks"] of variants) {
      const dir = tempDir();
      dirs.push(dir);
      const result = synthCluster(cluster(emulator.endpoint), dir);
      const all = Object.keys(result.json);
      const stacks = scope === "all stacks" ? all : all.filter((s) => scope.some((suffix) => s.endsWith(`-${suffix}`)));
      synthesized.set(name, { outdir: result.outdir, all, stacks });
    }
    const modules = [...synthesized]
      .filter(([name]) => name !== DEFAULT)
      .flatMap(([name, { outdir, stacks }]) => stacks.map((stack) => ({ name: `${name}/${stack}`, dir: path.join(outdir, "stacks", stack) })));
    // And one that must fail: the default network stack with an argument its VPC does not have.
    const { outdir, all } = synthesized.get(DEFAULT)!;
    const network = all.find((s) => s.endsWith("-network"))!;
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", network, "cdk.tf.json"), "utf8"));
    Object.values<Record<string, unknown>>(json.resource.aws_vpc)[0].no_such_argument = 1;
    const broken = tempDir();
    dirs.push(broken);
    fs.writeFileSync(path.join(broken, "cdk.tf.json"), JSON.stringify(json));
    for (const outcome of await validateAsModules([...modules, { name: "broken", dir: broken }])) asModules.set(outcome.name, outcome.errors);
  });

  test("validated together, a stack's error is reported for that stack alone", () => {
    expect(asModules.get("broken")).toEqual([expect.stringMatching(/cdk\.tf\.json:\d+: Extraneous JSON object property: No argument or block type is named "no_such_argument"/)]);
    expect([...asModules].filter(([name, errors]) => name !== "broken" && errors.length)).toEqual([]);
  });

  afterAll(async () => {
    await emulator?.stop();
    dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  test("the example app (npm run example): a whole cluster in one stack", async () => {
    const outdir = tempDir();
    dirs.push(outdir);
    await runDocumentedOk(documented("npm-run-example", { outdir }));
    const cwd = path.join(outdir, "stacks", "openshift");
    const init = await terraform(cwd, ["init", "-input=false"], EMULATOR_ENV);
    expect(init.stderr).toBe("");
    const validate = await terraform(cwd, ["validate", "-json"], EMULATOR_ENV);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });

  test.each(variants)("%s", async (name, _cluster, scope = "all stacks") => {
    const { outdir, all, stacks } = synthesized.get(name)!;
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(stacks).toHaveLength(scope === "all stacks" ? all.length : scope.length);
    const backendFlag = name.startsWith("cloud") ? ["-backend=false"] : [];
    const asRoots = name === DEFAULT ? stacks : stacks.slice(0, 1);
    const outcomes = await inBatches(asRoots, 3, async (stack) => {
      const cwd = path.join(outdir, "stacks", stack);
      const init = await terraform(cwd, ["init", "-input=false", ...backendFlag], EMULATOR_ENV);
      if (init.code !== 0) return { stack, step: "init", errors: [init.stderr + init.stdout] };
      if (name !== DEFAULT) return { stack, step: "validate", errors: asModules.get(`${name}/${stack}`) };
      const validate = await terraform(cwd, ["validate", "-json"], EMULATOR_ENV);
      const report = JSON.parse(validate.stdout || "{}");
      return { stack, step: "validate", errors: report.valid === true ? [] : [validate.stdout] };
    });
    const modules = stacks.slice(asRoots.length).map((stack) => ({ stack, step: "validate", errors: asModules.get(`${name}/${stack}`) }));
    for (const o of [...outcomes, ...modules]) expect(o).toEqual({ stack: o.stack, step: "validate", errors: [] });
  });
});
