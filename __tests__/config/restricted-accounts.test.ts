import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { ConfigError, formatProblem } from "../../src/config/errors";
import { loadClusterFile } from "../../src/cluster-file";
import { synthesize } from "../../src/synth";
import { runSynth } from "../../test-support/cli";
import { EXAMPLE_INSTALL_DIR, ROOT, tempDir } from "../../test-support/paths";

/**
 * restrictedAccountProblems, one row per rule: the file is refused with one line naming the
 * field, echoing the value and saying what is allowed; a compliant neighbour of each is accepted.
 */
const VPC = { vpcId: "vpc-0abc", privateSubnetIds: ["subnet-b"] };
const PRIVATE_ONLY = { internetGateway: false, natGateways: "none", vpcEndpoints: ["s3", "ec2", "elasticloadbalancing", "sts"] };

function load(content: Record<string, any>) {
  const dir = tempDir();
  const file = path.join(dir, "cluster.yaml");
  fs.writeFileSync(file, stringify({ installDir: EXAMPLE_INSTALL_DIR, ...content, machines: { rhcosAmi: "ami-0123456789abcdef0", ...(content.machines ?? {}) } }));
  try {
    return { file, ...loadClusterFile(file), errors: [] as string[] };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { file, clusters: [], warnings: [], errors: e.problems.map(formatProblem) };
  }
}

type Row = [rule: string, bad: Record<string, any>, lines: RegExp | RegExp[], good: Record<string, any>];

const rows: Row[] = [
  [
    "internetGateway: false needs publish: Internal",
    { network: PRIVATE_ONLY },
    /: network\.internetGateway: false needs publish: Internal: .* \(got publish: "External"\)$/,
    { publish: "Internal", network: PRIVATE_ONLY },
  ],
  [
    "internetGateway: false allows no NAT",
    { publish: "Internal", network: { ...PRIVATE_ONLY, natGateways: "single" } },
    /: network\.natGateways: must be none with network\.internetGateway: false, as a NAT gateway needs an internet gateway \(got "single"\)$/,
    { publish: "Internal", network: PRIVATE_ONLY },
  ],
  [
    "internetGateway: false needs the four endpoints",
    { publish: "Internal", network: { ...PRIVATE_ONLY, vpcEndpoints: ["s3", "ec2"] } },
    /: network\.vpcEndpoints: must include s3, ec2, elasticloadbalancing, sts with network\.internetGateway: false, .*\(missing elasticloadbalancing, sts\); or set network\.ownEgress: true .* \(got \["s3","ec2"\]\)$/,
    { publish: "Internal", network: { ...PRIVATE_ONLY, vpcEndpoints: ["s3"], ownEgress: true } },
  ],
  [
    "an https Ignition source needs the S3 endpoint in a new VPC",
    { region: "us-gov-west-1", network: { vpcEndpoints: ["ec2"] } },
    /: network\.vpcEndpoints: must include s3 in us-gov-west-1: the bootstrap node fetches its Ignition config over https through the VPC's S3 endpoint \(got \["ec2"\]\)$/,
    { region: "us-gov-west-1", network: { vpcEndpoints: ["ec2"] }, machines: { bootstrap: { enabled: false } } },
  ],
  [
    "privateHostedZoneId needs existingVpc",
    { dns: { privateHostedZoneId: "Z0PRIV" } },
    /: dns\.privateHostedZoneId: needs network\.existingVpc: .* \(got "Z0PRIV"\)$/,
    { dns: { privateHostedZoneId: "Z0PRIV" }, network: { existingVpc: VPC }, publish: "Internal" },
  ],
  [
    "hostedZoneRoleArn needs existingVpc",
    { dns: { privateHostedZoneId: "Z0PRIV", hostedZoneRoleArn: "arn:aws:iam::111122223333:role/dns" } },
    [/: dns\.privateHostedZoneId: needs network\.existingVpc: /, /: dns\.hostedZoneRoleArn: needs network\.existingVpc: .* \(got "arn:aws:iam::111122223333:role\/dns"\)$/],
    { dns: { privateHostedZoneId: "Z0PRIV", hostedZoneRoleArn: "arn:aws:iam::111122223333:role/dns" }, network: { existingVpc: VPC }, publish: "Internal" },
  ],
  [
    "hostedZoneRoleArn needs privateHostedZoneId",
    { dns: { hostedZoneRoleArn: "arn:aws:iam::111122223333:role/dns" }, network: { existingVpc: VPC }, publish: "Internal" },
    /: dns\.hostedZoneRoleArn: needs dns\.privateHostedZoneId: the role is assumed for the records in that zone \(got "arn:aws:iam::111122223333:role\/dns"\)$/,
    { dns: { privateHostedZoneId: "Z0PRIV", hostedZoneRoleArn: "arn:aws:iam::111122223333:role/dns" }, network: { existingVpc: VPC }, publish: "Internal" },
  ],
  [
    "hostedZoneRoleArn is a role ARN",
    { dns: { privateHostedZoneId: "Z0PRIV", hostedZoneRoleArn: "arn:aws:iam::111122223333:user/dns" }, network: { existingVpc: VPC }, publish: "Internal" },
    /: dns\.hostedZoneRoleArn: must be an IAM role ARN \(arn:<partition>:iam::<account>:role\/<name>\) \(got "arn:aws:iam::111122223333:user\/dns"\)$/,
    {
      region: "us-gov-west-1",
      dns: { privateHostedZoneId: "Z0PRIV", hostedZoneRoleArn: "arn:aws-us-gov:iam::111122223333:role/net/dns" },
      network: { existingVpc: VPC },
      publish: "Internal",
    },
  ],
  [
    "hostedZoneRoleArn in the cluster's partition",
    {
      region: "us-gov-west-1",
      dns: { privateHostedZoneId: "Z0PRIV", hostedZoneRoleArn: "arn:aws:iam::111122223333:role/dns" },
      network: { existingVpc: VPC },
      publish: "Internal",
    },
    /: dns\.hostedZoneRoleArn: is in partition aws, but region us-gov-west-1 is in aws-us-gov \(got "arn:aws:iam::111122223333:role\/dns"\)$/,
    {
      region: "us-gov-west-1",
      dns: { privateHostedZoneId: "Z0PRIV", hostedZoneRoleArn: "arn:aws-us-gov:iam::111122223333:role/dns" },
      network: { existingVpc: VPC },
      publish: "Internal",
    },
  ],
  [
    "alias where Route 53 cannot alias to load balancers",
    { region: "us-gov-east-1", dns: { recordType: "alias" } },
    /: dns\.recordType: alias cannot be used in us-gov-east-1, .*; use auto or cname \(got "alias"\)$/,
    { region: "us-gov-east-1", dns: { recordType: "cname" } },
  ],
  ["alias in a secret region", { region: "us-iso-east-1", dns: { recordType: "alias" } }, /: dns\.recordType: alias cannot be used in us-iso-east-1/, { region: "us-iso-east-1" }],
  [
    "iamInstanceProfile and a permissions boundary for the same pool",
    { iam: { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/b" }, machines: { compute: { iamInstanceProfile: "ocp-worker" } } },
    /: machines\.compute\.iamInstanceProfile: cannot be combined with iam\.permissionsBoundaryArn: .* \(got "ocp-worker"\)$/,
    { machines: { compute: { iamInstanceProfile: "ocp-worker" } } },
  ],
  [
    "iamInstanceProfile is a profile name",
    { machines: { compute: { iamInstanceProfile: "arn:aws:iam::1:instance-profile/x" } } },
    /: machines\.compute\.iamInstanceProfile: may hold only letters, digits and \+ = , \. @ _ - \(IAM names\) \(got "arn:aws:iam::1:instance-profile\/x"\)$/,
    { machines: { compute: { iamInstanceProfile: "ocp_worker+1@a.b" } } },
  ],
  [
    "more security groups than AWS allows per interface",
    { machines: { controlPlane: { additionalSecurityGroupIds: Array.from({ length: 16 }, (_, i) => `sg-0${String(i).padStart(16, "a")}`) } } },
    /: machines\.controlPlane\.additionalSecurityGroupIds: gives control-plane machines 17 security groups \(1 of their own and 16 of yours\); AWS allows 16 per network interface at most$/,
    { machines: { controlPlane: { additionalSecurityGroupIds: Array.from({ length: 15 }, (_, i) => `sg-0${String(i).padStart(16, "a")}`) } } },
  ],
  [
    "a security group id",
    { machines: { compute: { additionalSecurityGroupIds: ["default"] } } },
    /: machines\.compute\.additionalSecurityGroupIds\[0\]: must be a security group id such as sg-0123456789abcdef0 \(got "default"\)$/,
    { machines: { compute: { additionalSecurityGroupIds: ["sg-0123abcd"] } } },
  ],
  [
    "a security group listed twice",
    { machines: { compute: { additionalSecurityGroupIds: ["sg-0123abcd", "sg-0123abcd"] } } },
    /: machines\.compute\.additionalSecurityGroupIds\[1\]: "sg-0123abcd" is listed twice$/,
    { machines: { compute: { additionalSecurityGroupIds: ["sg-0123abcd"] } } },
  ],
  [
    "throughput on gp3 only",
    { machines: { compute: { rootVolume: { type: "io2", iops: 4000, throughput: 250 } } } },
    /: machines\.compute\.rootVolume\.throughput: can only be set for gp3 volumes \(got 250 with type "io2"\)$/,
    { machines: { compute: { rootVolume: { type: "gp3", throughput: 250 } } } },
  ],
  [
    "throughput within AWS's range",
    { machines: { bootstrap: { rootVolume: { throughput: 100 } } } },
    /: machines\.bootstrap\.rootVolume\.throughput: must be a whole number from 125 to 2000 MiB\/s \(got 100\)$/,
    { machines: { bootstrap: { rootVolume: { throughput: 125 } } } },
  ],
  [
    "throughput at most a quarter of the IOPS",
    { machines: { controlPlane: { rootVolume: { throughput: 1000 } } } },
    /: machines\.controlPlane\.rootVolume\.throughput: must be at most a quarter of the volume's IOPS \(3000, the gp3 baseline\), so 750 MiB\/s; raise rootVolume\.iops to 4000 or more \(got 1000\)$/,
    { machines: { controlPlane: { rootVolume: { throughput: 1000, iops: 4000 } } } },
  ],
  [
    "a pool's ami",
    { machines: { compute: { ami: "ami-xyz" } } },
    /: machines\.compute\.ami: must be an AMI id such as ami-0123456789abcdef0 \(got "ami-xyz"\)$/,
    { machines: { compute: { ami: "ami-0fedcba9876543210" } } },
  ],
];

describe("restricted-account rules", () => {
  test.each(rows)("%s", (_rule, bad, lines, good) => {
    const refused = load(bad);
    expect(refused.errors).toEqual([lines].flat().map((l) => expect.stringMatching(l)));
    expect(refused.errors.every((e) => e.startsWith(`${refused.file}:`))).toBe(true);
    expect(load(good).errors).toEqual([]);
  });

  test("rhcosAmi is not needed when every pool that creates machines has its own", () => {
    const dir = tempDir();
    const file = path.join(dir, "cluster.yaml");
    const write = (machines: Record<string, any>) => fs.writeFileSync(file, stringify({ installDir: EXAMPLE_INSTALL_DIR, machines }));
    write({ bootstrap: { ami: "ami-0123456789abcdef0" }, controlPlane: { ami: "ami-0123456789abcdef0" }, compute: { replicas: 0 } });
    expect(loadClusterFile(file).clusters).toHaveLength(1);
    write({ bootstrap: { ami: "ami-0123456789abcdef0" }, controlPlane: { ami: "ami-0123456789abcdef0" } });
    expect(() => loadClusterFile(file)).toThrow(/machines\.rhcosAmi: is required when machines are created/);
  });
});

describe("restricted-account warnings: what the product does not control", () => {
  test("your own profiles and groups are outside the guardrails; more than 5 groups needs a raised quota", () => {
    const five = Array.from({ length: 5 }, (_, i) => `sg-0${String(i).padStart(16, "b")}`);
    const r = load({
      machines: {
        bootstrap: { iamInstanceProfile: "ocp-bootstrap", ignitionKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" },
        controlPlane: { additionalSecurityGroupIds: five },
        compute: { iamInstanceProfile: "ocp-worker", replicas: 0 },
      },
    });
    expect(r.errors).toEqual([]);
    const at = (field: string) => r.warnings.filter((w) => w.includes(`: warning: ${field}: `));
    expect(at("machines.bootstrap.iamInstanceProfile")).toEqual([
      expect.stringMatching(
        /"ocp-bootstrap" is your own: its role's policies are outside this product's guardrails .*; the role also needs kms:Decrypt on arn:aws:kms:us-east-1:123456789012:key\/k$/,
      ),
    ]);
    expect(at("machines.controlPlane.additionalSecurityGroupIds")).toEqual([
      expect.stringMatching(/are your own: their rules are outside this product's guardrails/),
      expect.stringMatching(
        /gives controlPlane machines 6 security groups \(1 of their own and 5 of yours\); AWS allows 5 per network interface unless the account's quota "Security groups per network interface" was raised$/,
      ),
    ]);
    // A pool that creates no machine has nothing to warn about.
    expect(at("machines.compute.iamInstanceProfile")).toEqual([]);
    expect(r.warnings.every((w) => w.startsWith(`${r.file}:`))).toBe(true);
  });

  test("the CLI prints them before the summary, and synthesizes", () => {
    const dir = tempDir();
    const file = path.join(dir, "cluster.yaml");
    fs.writeFileSync(file, stringify({ installDir: EXAMPLE_INSTALL_DIR, machines: { rhcosAmi: "ami-0123456789abcdef0", compute: { iamInstanceProfile: "ocp-worker" } } }));
    const r = runSynth({ CLUSTER_CONFIG: file, CDKTF_OUTDIR: path.join(dir, "out") });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^.*cluster\.yaml:\d+: warning: machines\.compute\.iamInstanceProfile: "ocp-worker" is your own/m);
    expect(r.stdout).toMatch(/^Synthesized \d+ stacks/m);
  });
});

describe("the restricted-account examples (examples/restricted)", () => {
  test.each(["shared-vpc", "private-only", "govcloud"])("%s.yaml synthesizes", (name) => {
    const file = path.join(ROOT, "examples", "restricted", `${name}.yaml`);
    const result = synthesize(file, path.join(tempDir(), "out"));
    expect(result.summary.length).toBeGreaterThanOrEqual(3);
    // Only the warnings these examples are about: your own profiles and groups.
    for (const w of result.warnings) expect(w).toMatch(/: warning: machines\.\w+\.(iamInstanceProfile|additionalSecurityGroupIds): .* your own/);
    expect(result.warnings.length).toBe(name === "shared-vpc" ? 5 : 0);
  });
});
