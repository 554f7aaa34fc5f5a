import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { loadClusterFile } from "../../src/cluster-file";
import { EXAMPLE_INSTALL_DIR, tempDir } from "../../test-support/paths";
import { refusal } from "../../test-support/refusal";

/**
 * The classes of input a fuzz campaign found slipping through (issue 13), one table each: every
 * row is refused in-process with a line naming the field (or the file a value came from), the
 * limit or the fix in its message.
 */

const AMI = "ami-0123456789abcdef0";
const base = { installDir: EXAMPLE_INSTALL_DIR, machines: { rhcosAmi: AMI } };
const withBase = (o: Record<string, any>) => ({ ...base, ...o, machines: { ...base.machines, ...(o.machines ?? {}) } });
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An install folder like the example's, with metadata.json (or master.ign) replaced. */
function installDir(name: string, files: { metadata?: string; masterCa?: string }): string {
  const target = path.join(dir, name);
  fs.cpSync(EXAMPLE_INSTALL_DIR, target, { recursive: true });
  if (files.metadata !== undefined) fs.writeFileSync(path.join(target, "metadata.json"), files.metadata);
  if (files.masterCa !== undefined) {
    const master = JSON.parse(fs.readFileSync(path.join(target, "master.ign"), "utf8"));
    master.ignition.security.tls.certificateAuthorities[0].source = files.masterCa;
    fs.writeFileSync(path.join(target, "master.ign"), JSON.stringify(master));
  }
  return target;
}

const metadata = (name: string, content: unknown) => ({ ...base, installDir: installDir(name, { metadata: typeof content === "string" ? content : JSON.stringify(content) }) });
const identity = { clusterName: "demo", infraID: "demo-x7k2p", aws: { region: "us-east-1" } };

/** The refusal's lines for a file, or a failure when it is accepted. */
const refuse = (content: Record<string, any> | string) => refusal(dir, content);

/** [what, the file, where the line points ("field.path", or "<file>: field" for installDir's files), the message]. */
type Row = [string, Record<string, any> | string, string, RegExp];

function check([, content, where, message]: Row) {
  const { file, lines } = refuse(content);
  const [origin, field] = where.includes(": ") ? where.split(": ") : ["", where];
  const at = field ? `: ${field}: ` : ": ";
  const hit = lines.find((l) => (origin ? l.includes(`${origin}${at}`) : l.startsWith(file) && l.includes(at)) && message.test(l));
  expect({ hit, lines }).toEqual({ hit: expect.any(String), lines });
  for (const line of lines) expect(line).not.toMatch(/^\s+at |Error:/);
}

const aliasBomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ..."bcdefgh".split("").map((k, i) => `${k}: &${k} [${Array(10).fill(`*${"abcdefgh"[i]}`).join(", ")}]`)].join("\n");

describe("crashes become clean errors", () => {
  const rows: Row[] = [
    ["an endpoint twice", withBase({ network: { vpcEndpoints: ["ec2", "ec2"] } }), "network.vpcEndpoints[1]", /"ec2" is listed twice/],
    [
      "a subnet twice",
      withBase({ network: { existingVpc: { vpcId: "vpc-1", publicSubnetIds: ["subnet-a"], privateSubnetIds: ["subnet-b", "subnet-b"] } } }),
      "network.existingVpc.privateSubnetIds[1]",
      /is listed twice/,
    ],
    [
      "a subnet public and private",
      withBase({ network: { existingVpc: { vpcId: "vpc-1", publicSubnetIds: ["subnet-a"], privateSubnetIds: ["subnet-a"] } } }),
      "network.existingVpc.privateSubnetIds[0]",
      /is also a public subnet/,
    ],
    ["compute near MAX_SAFE_INTEGER", withBase({ machines: { compute: { replicas: Number.MAX_SAFE_INTEGER } } }), "machines.compute.replicas", /from 0 to 1997/],
    ["control plane past MAX_SAFE_INTEGER", withBase({ machines: { controlPlane: { replicas: 1e300 } } }), "machines.controlPlane.replicas", /must be 3 .* \(got 1e\+300\)/],
    ["an alias bomb", `${aliasBomb}\n`, "", /YAML aliases expand to too many values/],
    ["10,000-deep flow nesting", `tags: ${"[".repeat(10000)}${"]".repeat(10000)}\n`, "", /collections nest deeper than 16 levels/],
    // 1,000 deep: 3,000 levels of block indentation make a 4.3 MiB file, which the 1 MiB bound on the file refuses first.
    ["1,000-deep block nesting", Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " 1\n", "", /collections nest deeper than 16 levels/],
    ["metadata.json that is null", metadata("null", "null"), "metadata.json: ", /must be a JSON object with clusterName, infraID and aws.region \(got null\)/],
    ["infraID a number", metadata("number", { ...identity, infraID: 5 }), "metadata.json: infraID", /must be a string \(got 5\)/],
    ["infraID an object", metadata("object", { ...identity, infraID: { a: 1 } }), "metadata.json: infraID", /must be a string \(got \{"a":1\}\)/],
    ["a clusterName with a space", metadata("space", { ...identity, clusterName: "my demo" }), "metadata.json: clusterName", /must start with a letter.*\(got "my demo"\)/],
    ["region a list", metadata("list", { ...identity, aws: { region: ["us-east-1"] } }), "metadata.json: aws.region", /must be a string \(got \["us-east-1"\]\)/],
    ["aws not an object", metadata("aws", { ...identity, aws: "us-east-1" }), "metadata.json: aws", /must be an object holding region/],
  ];
  test.each(rows)("%s", (...row) => check(row));
});

describe("counts are bounded, with the reason", () => {
  const rows: Row[] = [
    [
      "compute 100000",
      withBase({ machines: { compute: { replicas: 100000 } } }),
      "machines.compute.replicas",
      /from 0 to 1997: OpenShift's tested maximum is 2000 nodes a cluster/,
    ],
    ["control plane 1000", withBase({ machines: { controlPlane: { replicas: 1000 } } }), "machines.controlPlane.replicas", /OpenShift supports exactly three/],
    [
      "tags past AWS's 50",
      withBase({ tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, "v"])) }),
      "tags",
      /make 51 on a subnet; AWS allows 50 per resource, so at most 47 of your own/,
    ],
    ["a huge tags map", withBase({ tags: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, "v"])) }), "", /a mapping or list here holds more than 1000 entries/],
    [
      "a fleet's cluster with a list past the entries read in one",
      { ...base, clusters: [{ clusterName: "c0", infraId: "c0-1", tags: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, "v"])) }] },
      "",
      /more than 1000 entries; at most 1000 are read in one \(the fleet's clusters: list excepted\)/,
    ],
    [
      "a list past the entries read in one, under another key than the top level's clusters",
      withBase({ network: { clusters: Array.from({ length: 1001 }, (_, i) => i) } }),
      "",
      /more than 1000 entries/,
    ],
    [
      "allowedCidrs past a group's 60 rules",
      withBase({ machines: { bootstrap: { allowedCidrs: Array.from({ length: 31 }, (_, i) => `10.${i}.0.0/16`) } } }),
      "machines.bootstrap.allowedCidrs",
      /30 CIDRs at most: each adds 2 rules/,
    ],
  ];
  test.each(rows)("%s", (...row) => check(row));
});

describe("what terraform validate or AWS would refuse is refused at synth", () => {
  // The example's CA sixteen times: valid certificates (the CA is checked for that first), too many bytes.
  const exampleCa: string = JSON.parse(fs.readFileSync(path.join(EXAMPLE_INSTALL_DIR, "master.ign"), "utf8")).ignition.security.tls.certificateAuthorities[0].source;
  const pem = Buffer.from(exampleCa.slice(exampleCa.indexOf(",") + 1), "base64").toString();
  const bigCa = `data:text/plain;charset=utf-8;base64,${Buffer.from(pem.repeat(16)).toString("base64")}`;
  const rows: Row[] = [
    ["vpcCidr with leading zeros", withBase({ network: { vpcCidr: "010.0.0.0/16" } }), "network.vpcCidr", /without leading zeros: 10\.0\.0\.0\/16/],
    ["vpcCidr with host bits", withBase({ network: { vpcCidr: "10.0.0.1/16" } }), "network.vpcCidr", /host bits set; the network address is 10\.0\.0\.0\/16/],
    [
      "allowedCidrs with host bits",
      withBase({ machines: { bootstrap: { allowedCidrs: ["192.168.1.1/24"] } } }),
      "machines.bootstrap.allowedCidrs[0]",
      /network address is 192\.168\.1\.0\/24/,
    ],
    ["an infraId too long for target groups", withBase({ infraId: "x".repeat(28) }), "infraId", /target groups are named <infraId>-aext and AWS allows 32/],
    ["an infraId IAM refuses", withBase({ infraId: "demo#1" }), "infraId", /only letters, digits and '-'/],
    ["an infraId that makes a bucket name S3 reserves", withBase({ infraId: "xn--demo" }), "infraId", /ignition bucket is named <infraId>-ign-\.\.\., and S3 reserves that prefix/],
    [
      "a CA that pushes user data past 16 KB",
      { ...base, installDir: installDir("big-ca", { masterCa: bigCa }) },
      "installDir",
      /master\.ign's CA makes the user data \d+ bytes; EC2 allows 16384/,
    ],
    ["a state key prefix with //", withBase({ backend: { type: "s3", s3: { bucket: "my-state", keyPrefix: "a//b" } } }), "backend.s3.keyPrefix", /must not hold \/\//],
  ];
  test.each(rows)("%s", (...row) => check(row));
});

describe("what was accepted silently though wrong is refused", () => {
  const rows: Row[] = [
    ...(
      [
        ["0.0.0.0/16", "0.0.0.0/8 \\(unspecified\\)"],
        ["127.0.0.0/16", "127.0.0.0/8 \\(loopback\\)"],
        ["169.254.0.0/16", "169.254.0.0/16 \\(linkLocal\\)"],
        ["224.0.0.0/16", "224.0.0.0/4 \\(multicast\\)"],
        ["255.255.0.0/16", "255.255.255.255/32 \\(broadcast\\)"],
        ["240.0.0.0/16", "240.0.0.0/4 \\(reserved, class E\\)"],
      ] as const
    ).map(([cidr, range]): Row => [`VPC CIDR ${cidr}`, withBase({ network: { vpcCidr: cidr } }), "network.vpcCidr", new RegExp(`lies in ${range}, which a VPC cannot use`)]),
    ["an AZ of another region", withBase({ network: { availabilityZones: ["us-west-2a"] } }), "network.availabilityZones[0]", /not an availability zone of region us-east-1/],
    ["a region that does not exist", withBase({ region: "us-east-9" }), "region", /not an AWS region known to the AWS SDK's endpoint metadata/],
    ["a clusterName ending in -", withBase({ clusterName: "demo-" }), "clusterName", /end with a letter or digit/],
    ["a clusterName with _", withBase({ clusterName: "my_demo" }), "clusterName", /only letters, digits and '-'/],
    ["a baseDomain with a trailing dot", withBase({ baseDomain: "example.com." }), "baseDomain", /must not end with a dot: write "example\.com"/],
    ["a baseDomain with a space", withBase({ baseDomain: "example .com" }), "baseDomain", /must not hold spaces/],
    ["a baseDomain with an empty label", withBase({ baseDomain: "example..com" }), "baseDomain", /has an empty label/],
    [
      "allowedCidrs covering the internet",
      withBase({ machines: { bootstrap: { allowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } } }),
      "machines.bootstrap.allowedCidrs[1]",
      /to 2,147,483,648 addresses; name the admin networks, each \/8 or narrower/,
    ],
    [
      "a control plane of 1",
      withBase({ machines: { controlPlane: { replicas: 1 } } }),
      "machines.controlPlane.replicas",
      /OpenShift supports exactly three control-plane machines/,
    ],
    ["a control plane of 5", withBase({ machines: { controlPlane: { replicas: 5 } } }), "machines.controlPlane.replicas", /must be 3/],
    ["gp3 over 16384 GiB", withBase({ machines: { compute: { rootVolume: { sizeGiB: 20000 } } } }), "machines.compute.rootVolume.sizeGiB", /from 1 to 16384 GiB for gp3/],
    ["gp3 IOPS over 16000", withBase({ machines: { compute: { rootVolume: { sizeGiB: 100, iops: 20000 } } } }), "machines.compute.rootVolume.iops", /from 3000 to 16000 for gp3/],
    [
      "io1 under 4 GiB",
      withBase({ machines: { compute: { rootVolume: { type: "io1", sizeGiB: 2, iops: 100 } } } }),
      "machines.compute.rootVolume.sizeGiB",
      /from 4 to 16384 GiB for io1/,
    ],
    [
      "io1 IOPS over 50 per GiB",
      withBase({ machines: { compute: { rootVolume: { type: "io1", sizeGiB: 100, iops: 6000 } } } }),
      "machines.compute.rootVolume.iops",
      /over io1's 50 IOPS per GiB: at most 5000, or a volume of 120 GiB or more/,
    ],
    [
      "io2 IOPS over 256000",
      withBase({ machines: { compute: { rootVolume: { type: "io2", sizeGiB: 1000, iops: 300000 } } } }),
      "machines.compute.rootVolume.iops",
      /from 100 to 256000 for io2/,
    ],
    [
      "a KMS ARN of another service",
      withBase({ machines: { compute: { rootVolume: { kmsKeyArn: "arn:aws:sns:us-east-1:123456789012:topic" } } } }),
      "machines.compute.rootVolume.kmsKeyArn",
      /is an ARN of sns, not a KMS key/,
    ],
    [
      "a KMS key of another region",
      withBase({ machines: { bootstrap: { ignitionKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" } } }),
      "machines.bootstrap.ignitionKmsKeyArn",
      /a key of region eu-west-1; the cluster's region us-east-1 needs a key of its own region/,
    ],
    [
      "a boundary that is not a policy",
      withBase({ iam: { permissionsBoundaryArn: "arn:aws:iam::123456789012:role/boundary" } }),
      "iam.permissionsBoundaryArn",
      /must be an IAM policy ARN/,
    ],
    ["a tag key aws: in capitals", withBase({ tags: { "AWS:owner": "me" } }), "tags.AWS:owner", /may not start with aws: \(in any case\)/],
    ["a control character in a tag", withBase({ tags: { team: "a\u0007b" } }), "tags.team", /values may hold only letters, digits, spaces/],
    ["an S3 bucket with ..", withBase({ backend: { type: "s3", s3: { bucket: "my..state" } } }), "backend.s3.bucket", /must not hold '\.\.'/],
    ["an S3 bucket like an IP", withBase({ backend: { type: "s3", s3: { bucket: "192.168.1.1" } } }), "backend.s3.bucket", /must not look like an IP address/],
    ["an S3 bucket S3 reserves", withBase({ backend: { type: "s3", s3: { bucket: "xn--state" } } }), "backend.s3.bucket", /must not start with xn--/],
    ["a DynamoDB table too short", withBase({ backend: { type: "s3", s3: { bucket: "my-state", dynamodbTable: "ab" } } }), "backend.s3.dynamodbTable", /3 to 255 letters/],
    [
      "an HCP organization with a space",
      withBase({ backend: { type: "cloud", cloud: { organization: "my org" } } }),
      "backend.cloud.organization",
      /HCP Terraform organization name/,
    ],
    [
      "a workspace prefix with /",
      withBase({ backend: { type: "cloud", cloud: { organization: "org", workspacePrefix: "a/" } } }),
      "backend.cloud.workspacePrefix",
      /only letters, digits, '-' and '_'/,
    ],
    [
      "a workspace name past 90",
      withBase({ backend: { type: "cloud", cloud: { organization: "org", workspacePrefix: "w".repeat(80) } } }),
      "backend.cloud.workspacePrefix",
      /characters; HCP Terraform allows 90/,
    ],
    [
      "Internal with no way to S3",
      withBase({ publish: "Internal", network: { natGateways: "none", vpcEndpoints: [] } }),
      "network.vpcEndpoints",
      /must include s3 with publish: Internal and natGateways: none/,
    ],
    [
      "fleet names that differ only in case",
      {
        ...base,
        clusters: [
          { clusterName: "demo", infraId: "a-1" },
          { clusterName: "Demo", infraId: "b-1" },
        ],
      },
      "clusters[1].clusterName",
      /differs from clusters\[0\]'s "demo" only in case/,
    ],
    [
      "fleet infraIds that differ only in case",
      {
        ...base,
        clusters: [
          { clusterName: "a", infraId: "x-1" },
          { clusterName: "b", infraId: "X-1" },
        ],
      },
      "clusters[1].infraId",
      /only in case/,
    ],
    ["an unknown rule id", withBase({ guardrails: { acknowledge: [{ rule: "PLAN-X-1", reason: "r" }] } }), "guardrails.acknowledge[0].rule", /"PLAN-X-1" is not a rule/],
  ];
  test.each(rows)("%s", (...row) => check(row));

  test("a fleet past 1,000 clusters loads: only the file's size bounds the clusters: list (block and flow style)", () => {
    const clusters = Array.from({ length: 1200 }, (_, i) => ({ clusterName: `c${i}`, infraId: `c${i}-1` }));
    const block = path.join(dir, "fleet.yaml");
    fs.writeFileSync(block, stringify({ ...base, clusters }));
    expect(loadClusterFile(block).clusters).toHaveLength(1200);
    const flow = path.join(dir, "fleet-flow.yaml");
    fs.writeFileSync(flow, JSON.stringify({ ...base, clusters }));
    expect(loadClusterFile(flow).clusters).toHaveLength(1200);
  });

  test("publish: Internal with a public zone is a warning, and the file loads", () => {
    const file = path.join(dir, "internal.yaml");
    fs.writeFileSync(file, stringify(withBase({ publish: "Internal", dns: { publicHostedZoneId: "Z0123" } })));
    const { warnings } = loadClusterFile(file);
    expect(warnings).toEqual([`${file}:6: warning: dns.publicHostedZoneId: is ignored with publish: Internal (no public records are made); remove it, or publish: External`]);
  });

  test("regions of every partition are known, pseudo-regions are not", () => {
    for (const region of ["us-east-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "eu-isoe-west-1", "mx-central-1"]) {
      const file = path.join(dir, `${region}.yaml`);
      fs.writeFileSync(file, stringify(withBase({ region, network: { availabilityZones: [`${region}a`] } })));
      expect(loadClusterFile(file).clusters[0].region).toBe(region);
    }
    expect(refuse(withBase({ region: "aws-global" })).lines.join("\n")).toMatch(/region: must be an AWS region such as us-east-1/);
  });
});
