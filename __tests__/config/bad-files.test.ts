import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { runSynth } from "../../test-support/cli";
import { refusal } from "../../test-support/refusal";
import { EXAMPLE_INSTALL_DIR, tempDir } from "../../test-support/paths";
import { treeDigest } from "../../test-support/tree-digest";

/**
 * One row per validation rule: a bad file is loaded in-process and must be refused with one line
 * per problem naming the field (the rules are pure functions; a handful of files below go
 * through the real CLI for the exit code, the missing trace and the untouched earlier output).
 */
const base = { installDir: EXAMPLE_INSTALL_DIR, machines: { rhcosAmi: "ami-0123456789abcdef0" } };
const withBase = (o: Record<string, any>) => ({ ...base, ...o, machines: { ...base.machines, ...(o.machines ?? {}) } });

type Row = [rule: string, content: Record<string, any> | string, field: string, message: RegExp];

const rows: Row[] = [
  ["clusterName pattern", withBase({ clusterName: "1demo" }), "clusterName", /must start with a letter/],
  ["clusterName length", withBase({ clusterName: "a".repeat(28) }), "clusterName", /27 characters at most/],
  ["infraId pattern", withBase({ infraId: "demo_x7k2p" }), "infraId", /must start with a letter/],
  ["region form", withBase({ region: "useast1" }), "region", /AWS region/],
  ["baseDomain form", withBase({ baseDomain: "Example.COM." }), "baseDomain", /must not end with a dot/],
  ["publish enum", withBase({ publish: "external" }), "publish", /one of External, Internal \(got "external"\)/],
  ["vpcCidr syntax", withBase({ network: { vpcCidr: "10.0.0/16" } }), "network.vpcCidr", /IPv4 CIDR/],
  ["vpcCidr octets", withBase({ network: { vpcCidr: "10.0.300.0/16" } }), "network.vpcCidr", /must be an IPv4 CIDR such as 10.0.0.0\/16 \(got "10.0.300.0\/16"\)/],
  ["vpcCidr prefix too short", withBase({ network: { vpcCidr: "10.0.0.0/8" } }), "network.vpcCidr", /\/16 to \/24 \(got "10.0.0.0\/8"\)/],
  ["vpcCidr prefix too long", withBase({ network: { vpcCidr: "10.0.0.0/25" } }), "network.vpcCidr", /\/16 to \/24/],
  ["vpcCidr host bits", withBase({ network: { vpcCidr: "10.0.0.1/16" } }), "network.vpcCidr", /host bits set/],
  ["subnetBits minimum", withBase({ network: { subnetBits: 4 } }), "network.subnetBits", /whole number from 5 to 13 .*\(got 4\)/],
  ["subnetBits maximum", withBase({ network: { subnetBits: 14 } }), "network.subnetBits", /whole number from 5 to 13 .*\(got 14\)/],
  ["subnets fit", withBase({ network: { vpcCidr: "10.0.0.0/24", subnetBits: 6 } }), "network.vpcCidr", /cannot hold the 6 blocks of \/26 that 3 AZs use.*use a \/23/],
  ["AZ count zero", withBase({ network: { availabilityZones: 0 } }), "network.availabilityZones", /count from 1 to 3.*\(got 0\)/],
  ["AZ count four", withBase({ network: { availabilityZones: 4 } }), "network.availabilityZones", /count from 1 to 3.*\(got 4\)/],
  [
    "AZ list too long",
    withBase({ network: { availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"] } }),
    "network.availabilityZones",
    /list of 1 to 3 AZ names/,
  ],
  ["AZ of another region", withBase({ network: { availabilityZones: ["us-west-2a"] } }), "network.availabilityZones[0]", /not an availability zone of region us-east-1/],
  ["AZ twice", withBase({ network: { availabilityZones: ["us-east-1a", "us-east-1a"] } }), "network.availabilityZones[1]", /listed twice/],
  ["natGateways enum", withBase({ network: { natGateways: "many" } }), "network.natGateways", /one of perAz, single, none/],
  ["vpcEndpoints enum", withBase({ network: { vpcEndpoints: ["s3", "dynamodb"] } }), "network.vpcEndpoints[1]", /one of s3, ec2, elasticloadbalancing/],
  [
    "existingVpc vpcId",
    withBase({ network: { existingVpc: { vpcId: "vpc_1", privateSubnetIds: ["subnet-1"], publicSubnetIds: ["subnet-2"] } } }),
    "network.existingVpc.vpcId",
    /VPC id/,
  ],
  [
    "existingVpc subnet id",
    withBase({ network: { existingVpc: { vpcId: "vpc-1", privateSubnetIds: ["sub-1"], publicSubnetIds: ["subnet-2"] } } }),
    "network.existingVpc.privateSubnetIds[0]",
    /subnet id/,
  ],
  [
    "existingVpc private subnets required",
    withBase({ network: { existingVpc: { vpcId: "vpc-1", privateSubnetIds: [], publicSubnetIds: ["subnet-2"] } } }),
    "network.existingVpc.privateSubnetIds",
    /must hold 1 to 3 items/,
  ],
  [
    "existingVpc public subnets for External",
    withBase({ network: { existingVpc: { vpcId: "vpc-1", privateSubnetIds: ["subnet-1"] } } }),
    "network.existingVpc.publicSubnetIds",
    /required with publish: External/,
  ],
  ["dns.recordType enum", withBase({ dns: { recordType: "txt" } }), "dns.recordType", /one of auto, alias, cname/],
  ["dns.publicHostedZoneId form", withBase({ dns: { publicHostedZoneId: "/hostedzone/Z1" } }), "dns.publicHostedZoneId", /Route 53 zone id/],
  ["iam.policy enum", withBase({ iam: { policy: "admin" } }), "iam.policy", /one of least-privilege, documented/],
  ["permissionsBoundaryArn form", withBase({ iam: { permissionsBoundaryArn: "boundary" } }), "iam.permissionsBoundaryArn", /must be an IAM policy ARN/],
  ["rhcosAmi form", withBase({ machines: { rhcosAmi: "ami-xyz" } }), "machines.rhcosAmi", /AMI id/],
  ["rhcosAmi required", { installDir: EXAMPLE_INSTALL_DIR }, "machines.rhcosAmi", /required when machines are created; get it with: openshift-install coreos print-stream-json/],
  [
    "installDir required for machines",
    { clusterName: "demo", infraId: "demo-1", region: "us-east-1", baseDomain: "example.com", machines: { rhcosAmi: "ami-0123456789abcdef0" } },
    "installDir",
    /required when machines are created/,
  ],
  ["replicas not negative", withBase({ machines: { compute: { replicas: -1 } } }), "machines.compute.replicas", /whole number from 0 to 1997/],
  ["instanceType form", withBase({ machines: { controlPlane: { instanceType: "large" } } }), "machines.controlPlane.instanceType", /instance type/],
  [
    "root volume size positive",
    withBase({ machines: { controlPlane: { rootVolume: { sizeGiB: 0 } } } }),
    "machines.controlPlane.rootVolume.sizeGiB",
    /from 1 to 16384 GiB for gp3 volumes \(got 0\)/,
  ],
  ["iops not for gp2", withBase({ machines: { compute: { rootVolume: { type: "gp2", iops: 3000 } } } }), "machines.compute.rootVolume.iops", /cannot be set for gp2/],
  ["iops for io1", withBase({ machines: { compute: { rootVolume: { type: "io1" } } } }), "machines.compute.rootVolume.iops", /required for io1/],
  ["bootstrap allowedCidrs form", withBase({ machines: { bootstrap: { allowedCidrs: ["10.0.0.0"] } } }), "machines.bootstrap.allowedCidrs[0]", /IPv4 CIDR/],
  ["bootstrap allowedCidrs not the internet", withBase({ machines: { bootstrap: { allowedCidrs: ["0.0.0.0/0"] } } }), "machines.bootstrap.allowedCidrs[0]", /whole internet/],
  ["ingress.loadBalancerType enum", withBase({ ingress: { loadBalancerType: "application" } }), "ingress.loadBalancerType", /one of classic, network/],
  ["tag keys", withBase({ tags: { "aws:owner": "me" } }), "tags.aws:owner", /may not start with aws:/],
  ["tag values are strings", withBase({ tags: { team: 7 } }), "tags.team", /must be a string \(got 7\)/],
  ["acknowledge needs a reason", withBase({ guardrails: { acknowledge: [{ rule: "UPI-EC2-1", reason: " " }] } }), "guardrails.acknowledge[0].reason", /must say why/],
  ["acknowledge rule id", withBase({ guardrails: { acknowledge: [{ rule: "imdsv1", reason: "legacy" }] } }), "guardrails.acknowledge[0].rule", /rule id/],
  ["serviceEndpoints URL", withBase({ aws: { serviceEndpoints: { ec2: "ec2.internal" } } }), "aws.serviceEndpoints.ec2", /http\(s\) URL/],
  ["serviceEndpoints name", withBase({ aws: { serviceEndpoints: { lambda: "https://lambda.internal" } } }), "aws.serviceEndpoints.lambda", /./],
  ["backend.type enum", withBase({ backend: { type: "gcs" } }), "backend.type", /one of local, s3, cloud/],
  ["backend.s3 required", withBase({ backend: { type: "s3" } }), "backend.s3", /required with backend.type: s3/],
  ["backend.s3.bucket form", withBase({ backend: { type: "s3", s3: { bucket: "My_Bucket" } } }), "backend.s3.bucket", /S3 bucket name/],
  ["backend.cloud organization", withBase({ backend: { type: "cloud", cloud: { workspacePrefix: "x-" } } }), "backend.cloud.organization", /is required/],
  ["unknown top-level field", withBase({ netwrok: { vpcCidr: "10.0.0.0/16" } }), "netwrok", /unknown field \(allowed here: .*network/],
  ["unknown nested field", withBase({ network: { natGateway: "single" } }), "network.natGateway", /unknown field \(allowed here: .*natGateways/],
  ["wrong type", withBase({ network: { networkAcl: "yes" } }), "network.networkAcl", /must be a boolean \(got "yes"\)/],
  ["installDir missing", { installDir: "./no-such-folder" }, "installDir", /cannot read .*no-such-folder \(no such folder\)/],
  [
    "identity without installDir",
    { clusterName: "demo", machines: { bootstrap: { enabled: false }, controlPlane: { replicas: 0 }, compute: { replicas: 0 } } },
    "infraId",
    /is required \(or give installDir/,
  ],
  [
    "fleet duplicate names",
    {
      ...base,
      clusters: [
        { clusterName: "a", infraId: "a-1" },
        { clusterName: "a", infraId: "a-2" },
      ],
    },
    "clusters[1].clusterName",
    /"a" is also used by clusters\[0\]/,
  ],
  [
    "fleet duplicate infra IDs",
    {
      ...base,
      clusters: [
        { clusterName: "a", infraId: "x-1" },
        { clusterName: "b", infraId: "x-1" },
      ],
    },
    "clusters[1].infraId",
    /"x-1" is also used by clusters\[0\]/,
  ],
  ["malformed YAML", "network:\n  vpcCidr: [10.0.0.0/16\n", "", /malformed YAML\/JSON/],
  ["malformed JSON", '{"network": {"vpcCidr": "10.0.0.0/16",}', "", /malformed YAML\/JSON/],
  ["duplicate key", "publish: External\npublish: Internal\n", "", /malformed YAML\/JSON: Map keys must be unique/],
  ["empty file", "  \n", "", /the cluster file is empty/],
  ["not a mapping", "- a\n- b\n", "", /must be a mapping of fields/],
];

describe("a bad cluster file", () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(rows)("%s: names %s", (_rule, content, field, message) => {
    const { file, lines } = refusal(dir, content);
    const prefix = field ? `: ${field}: ` : ": ";
    const line = lines.find((l) => l.startsWith(file) && l.includes(prefix) && message.test(l));
    expect({ line, lines }).toEqual({ line: expect.any(String), lines });
  });

  test("YAML problems carry their line", () => {
    const { file, lines } = refusal(dir, `installDir: ${EXAMPLE_INSTALL_DIR}\nnetwork:\n  vpcCidr: 10.0.0.0/16\n  subnetBits: 40\nmachines:\n  rhcosAmi: ami-bad\n`);
    expect(lines).toEqual([
      `${file}:4: network.subnetBits: must be a whole number from 5 to 13 (host bits per subnet: 12 gives /20) (got 40)`,
      `${file}:6: machines.rhcosAmi: must be an AMI id such as ami-0123456789abcdef0 (got "ami-bad")`,
    ]);
  });

  test("a malformed file names the line of the fault", () => {
    const { file, lines } = refusal(dir, "publish: External\nnetwork:\n  vpcCidr: [10.0.0.0/16\n");
    expect(lines[0]).toMatch(new RegExp(`^${file}:[34]: malformed YAML/JSON`));
  });
});

describe("a bad cluster file through the CLI", () => {
  const dir = tempDir();
  const outdir = path.join(dir, "cdktf.out");
  let before: string;

  beforeAll(() => {
    // An earlier, good output that every bad run must leave exactly as it was.
    const good = runSynth({ CDKTF_OUTDIR: outdir });
    expect(good.status).toBe(0);
    before = treeDigest(outdir, { mtimes: true });
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // One row per stage that can refuse a file: the YAML parser, the schema, the cross-field rules, installDir.
  const cliRows: [string, Record<string, any> | string, string][] = [
    ["malformed YAML", "network:\n  vpcCidr: [10.0.0.0/16\n", ": malformed YAML/JSON"],
    ["a wrong type", withBase({ network: { networkAcl: "yes" } }), ": network.networkAcl: must be a boolean"],
    ["a construct rule", withBase({ network: { vpcCidr: "10.0.0.1/16" } }), ": network.vpcCidr: has host bits set"],
    ["installDir", { installDir: "./no-such-folder" }, ": installDir: cannot read"],
  ];

  test.each(cliRows)("%s: exit 1, one line naming the field, no trace, earlier output untouched", (_what, content, expected) => {
    const file = path.join(dir, "cluster.yaml");
    fs.writeFileSync(file, typeof content === "string" ? content : stringify(content));
    const r = runSynth({ CLUSTER_CONFIG: file, CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at |Error:|ZodError/);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringContaining(expected)]);
    expect(r.stderr.startsWith(file)).toBe(true);
    expect(treeDigest(outdir, { mtimes: true })).toBe(before);
  });

  test("a missing file is one line naming it", () => {
    const r = runSynth({ CLUSTER_CONFIG: path.join(dir, "nope.yaml"), CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`${path.join(dir, "nope.yaml")}: cannot read the cluster file (no such file)`);
    expect(treeDigest(outdir, { mtimes: true })).toBe(before);
  });
});
