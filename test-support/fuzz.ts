import { fc } from "@fast-check/jest";
import { stringify } from "yaml";
import { EXAMPLE_INSTALL_DIR } from "./paths";

/**
 * Generators for the cluster-file property tests: valid files built field by field from the
 * contract (docs: /work/shared/spec/cluster-config.md, docs/cluster-file.md), files with one hostile change, and
 * YAML-level hostility applied to the text. Seeded by the tests; FUZZ_RUNS and FUZZ_SEED tune them.
 */

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1311);
/** Cases per property; CI runs the default, `FUZZ_RUNS=5000` a longer local campaign. */
export const fuzzRuns = (ciDefault: number) => Number(process.env.FUZZ_RUNS ?? ciDefault);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const AMI = "ami-0123456789abcdef0";
const AZS = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"];
const INSTANCE_TYPES = ["m6i.xlarge", "m6i.large", "m5.2xlarge", "c5.4xlarge", "i3.large", "r6i.large"];
/** VPC CIDRs by prefix: six subnets of `subnetBits` host bits must fit (bits <= 32 - prefix - 3). */
const VPC_CIDRS = ["10.0.0.0/16", "10.200.0.0/16", "172.16.0.0/20", "192.168.0.0/22", "10.1.2.0/24"];
const SOURCE_CIDRS = ["198.51.100.0/24", "203.0.113.0/24", "10.0.0.0/8", "192.0.2.16/28", "100.64.0.0/10"];

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);

const rootVolume = fc.oneof(
  fc.record({ sizeGiB: fc.integer({ min: 20, max: 1000 }), type: fc.constant("gp3") }, { requiredKeys: [] }),
  fc.integer({ min: 100, max: 1000 }).chain((sizeGiB) => fc.record({ sizeGiB: fc.constant(sizeGiB), type: fc.constant("gp3"), iops: fc.integer({ min: 3000, max: 16000 }) })),
  fc.record({ sizeGiB: fc.integer({ min: 20, max: 1000 }), type: fc.constant("gp2") }),
  fc.integer({ min: 100, max: 500 }).chain((sizeGiB) => fc.record({ sizeGiB: fc.constant(sizeGiB), type: fc.constant("io1"), iops: fc.integer({ min: 100, max: 50 * sizeGiB }) })),
);

const pool = (replicas: fc.Arbitrary<number>) => fc.record({ replicas, instanceType: fc.constantFrom(...INSTANCE_TYPES), rootVolume }, { requiredKeys: [] });

const network = fc
  .record(
    {
      cidr: fc.constantFrom(...VPC_CIDRS),
      availabilityZones: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.uniqueArray(fc.constantFrom(...AZS), { minLength: 1, maxLength: 3 })),
      natGateways: fc.constantFrom("perAz", "single", "none"),
      networkAcl: fc.boolean(),
      vpcEndpoints: fc.uniqueArray(fc.constantFrom("s3", "ec2", "elasticloadbalancing")),
      bits: fc.integer({ min: 5, max: 13 }),
    },
    { requiredKeys: ["cidr", "bits"] },
  )
  .map(({ cidr, bits, ...rest }) => {
    const prefix = Number(cidr.split("/")[1]);
    const out: Obj = { vpcCidr: cidr, subnetBits: Math.min(bits, 32 - prefix - 3), ...(rest as Obj) };
    // Without NAT the machines reach S3 (their Ignition) through the gateway endpoint only.
    if (out.natGateways === "none") out.vpcEndpoints = [...new Set(["s3", ...((out.vpcEndpoints as string[]) ?? [])])];
    return out;
  });

const existingVpc = fc
  .uniqueArray(fc.stringMatching(/^[0-9a-f]{8}$/), { minLength: 2, maxLength: 4 })
  .map((ids) => ({ existingVpc: { vpcId: "vpc-0abc1234", publicSubnetIds: ids.slice(0, 1).map((i) => `subnet-${i}`), privateSubnetIds: ids.slice(1).map((i) => `subnet-${i}`) } }));

const backend = fc.oneof(
  fc.constant({ type: "local" }),
  fc.record({
    type: fc.constant("s3"),
    s3: fc.record(
      { bucket: fc.constantFrom("my-tf-state", "state.example-1"), keyPrefix: fc.constantFrom("openshift/demo", "a/b/c"), encrypt: fc.boolean() },
      { requiredKeys: ["bucket"] },
    ),
  }),
  fc.record({ type: fc.constant("cloud"), cloud: fc.record({ organization: fc.constantFrom("acme", "my-org"), workspacePrefix: fc.constantFrom("ocp-", "demo_") }) }),
);

const tags = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/), fc.stringMatching(/^[A-Za-z0-9 ._-]{0,16}$/), { maxKeys: 5 });

/** A cluster file the contract accepts (identity from the example's installDir, or explicit). */
export const validCluster: fc.Arbitrary<Obj> = fc
  .record(
    {
      identity: fc.option(name.map((n) => ({ clusterName: n, infraId: `${n}-x7k2p` }))),
      publish: fc.constantFrom("External", "Internal"),
      network: fc.oneof({ weight: 4, arbitrary: network }, { weight: 1, arbitrary: existingVpc }),
      dns: fc.record({ recordType: fc.constantFrom("alias", "cname"), etcdRecords: fc.boolean() }, { requiredKeys: [] }),
      iam: fc.record(
        { policy: fc.constantFrom("least-privilege", "documented"), permissionsBoundaryArn: fc.constant("arn:aws:iam::123456789012:policy/boundary") },
        { requiredKeys: [] },
      ),
      bootstrap: fc.record(
        { enabled: fc.boolean(), instanceType: fc.constantFrom(...INSTANCE_TYPES), allowedCidrs: fc.uniqueArray(fc.constantFrom(...SOURCE_CIDRS), { maxLength: 3 }), rootVolume },
        { requiredKeys: [] },
      ),
      controlPlane: pool(fc.constantFrom(3, 3, 0)),
      compute: pool(fc.integer({ min: 0, max: 6 })),
      ingress: fc.option(
        fc.record({ routerLoadBalancerHostname: fc.constant("a1b2c3d4-1234567890.us-east-1.elb.amazonaws.com"), loadBalancerType: fc.constantFrom("classic", "network") }),
      ),
      tags,
      backend,
      fleet: fc.option(fc.uniqueArray(name, { minLength: 2, maxLength: 3 })),
    },
    { requiredKeys: ["publish", "network", "backend"] },
  )
  .map((c) => {
    const file: Obj = { installDir: EXAMPLE_INSTALL_DIR, ...(c.identity ?? {}), publish: c.publish };
    file.network = c.network;
    if (c.dns) file.dns = c.dns;
    if (c.iam) file.iam = c.iam;
    file.machines = {
      rhcosAmi: AMI,
      ...(c.bootstrap ? { bootstrap: c.bootstrap as Obj } : {}),
      ...(c.controlPlane ? { controlPlane: c.controlPlane as Obj } : {}),
      ...(c.compute ? { compute: c.compute as Obj } : {}),
    };
    if (c.ingress) file.ingress = c.ingress;
    if (c.tags && Object.keys(c.tags).length) file.tags = c.tags;
    file.backend = c.backend;
    // Unencrypted state is a guardrail finding; half the time the file acknowledges it.
    if ((c.backend as any).s3?.encrypt === false && c.publish === "Internal") file.guardrails = { acknowledge: [{ rule: "UPI-STATE-1", reason: "a test bucket" }] };
    if (c.fleet) file.clusters = c.fleet.map((n) => ({ clusterName: n, infraId: `${n}-f1` }));
    return file;
  });

/** Values a careless or hostile file puts where a field is expected. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, -0, 2 ** 53, 2 ** 53 + 2, 1e300, -1e300, Number.MAX_SAFE_INTEGER, "", " ", "\u0000", "\t\n", "null", "yes", "0x10", "1e309"),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom<Json>("x".repeat(5000), "💥".repeat(300), "\u202eevil", "../../etc/passwd", "a\nb: c", "${var.x}", "%{if}", "*", "0.0.0.0/0"),
  fc.constantFrom<Json>([], {}, [null], [[]], { "": null }, ["s3", "s3"], [1, 2, 3]),
  // The classes of issue 22: wrong ARNs and endpoints, hosts, template sequences, odd keys, broad sources.
  fc.constantFrom<Json>(
    "arn:aws:kms::123456789012:key/abc",
    "arn:aws:iam:us-east-1:123456789012:role/r",
    "arn:aws:kms:us-east-1:aws:key/abc",
    "http://s3.example.com",
    "https://10.0.0.5",
    "https://user:pw@s3.example.com",
    "https://ec2.eu-west-1.amazonaws.com",
    "https://s3..example.com",
    "app.terraform.io:70000",
    "team/prod",
    "3.2.0x",
    "0.0.0.0/2",
    "a/${b}",
    "\u001b[31mred",
    JSON.parse(`{"__proto__": "x"}`) as Json,
    { Team: "a", team: "b" },
    Array.from({ length: 60 }, (_, i) => ({ name: `us-east-1-z${i}-1a`, type: "local-zone" })),
  ),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

/** Every field path of the contract, and some that are not, for a mutation to land on. */
const FIELD_PATHS = [
  "installDir",
  "clusterName",
  "baseDomain",
  "infraId",
  "region",
  "publish",
  "network",
  "network.vpcCidr",
  "network.subnetBits",
  "network.availabilityZones",
  "network.availabilityZones.0",
  "network.natGateways",
  "network.networkAcl",
  "network.vpcEndpoints",
  "network.vpcEndpoints.0",
  "network.existingVpc",
  "network.existingVpc.vpcId",
  "network.existingVpc.publicSubnetIds",
  "network.existingVpc.privateSubnetIds.0",
  "dns",
  "dns.publicHostedZoneId",
  "dns.recordType",
  "dns.etcdRecords",
  "iam",
  "iam.policy",
  "iam.permissionsBoundaryArn",
  "machines",
  "machines.rhcosAmi",
  "machines.bootstrap",
  "machines.bootstrap.enabled",
  "machines.bootstrap.instanceType",
  "machines.bootstrap.allowedCidrs",
  "machines.bootstrap.allowedCidrs.0",
  "machines.bootstrap.ignitionKmsKeyArn",
  "machines.controlPlane.replicas",
  "machines.controlPlane.instanceType",
  "machines.controlPlane.rootVolume",
  "machines.controlPlane.rootVolume.sizeGiB",
  "machines.controlPlane.rootVolume.type",
  "machines.controlPlane.rootVolume.iops",
  "machines.controlPlane.rootVolume.kmsKeyArn",
  "machines.compute.replicas",
  "machines.compute.instanceType",
  "machines.compute.rootVolume.sizeGiB",
  "ingress",
  "ingress.routerLoadBalancerHostname",
  "ingress.loadBalancerType",
  "tags",
  "tags.owner",
  "tags.aws:team",
  "tags.Name",
  "guardrails",
  "guardrails.acknowledge",
  "guardrails.acknowledge.0",
  "guardrails.acknowledge.0.rule",
  "guardrails.acknowledge.0.reason",
  "aws",
  "aws.serviceEndpoints",
  "aws.serviceEndpoints.ec2",
  "aws.maxRetries",
  "aws.s3UsePathStyle",
  "backend",
  "backend.type",
  "backend.s3",
  "backend.s3.bucket",
  "backend.s3.keyPrefix",
  "backend.s3.region",
  "backend.s3.dynamodbTable",
  "backend.cloud",
  "backend.cloud.organization",
  "backend.cloud.workspacePrefix",
  "backend.cloud.project",
  "backend.cloud.hostname",
  "backend.s3.kmsKeyId",
  "aws.serviceEndpoints.s3",
  "aws.serviceEndpoints.iam",
  "network.edgeZones",
  "tags.Owner",
  "clusters",
  "clusters.0",
  "clusters.0.clusterName",
  "clusters.1.infraId",
  "clusters.0.network.vpcCidr",
  "unknownField",
  "network.natGateway",
  "machines.compute.replica",
];

type Mutation = { kind: "set"; path: string; value: Json } | { kind: "delete"; path: string } | { kind: "duplicate"; path: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant<"set">("set"), path: fc.constantFrom(...FIELD_PATHS), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<"delete">("delete"), path: fc.constantFrom(...FIELD_PATHS) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant<"duplicate">("duplicate"),
      path: fc.constantFrom("network.vpcEndpoints", "machines.bootstrap.allowedCidrs", "clusters", "network.availabilityZones"),
    }),
  },
);

function apply(file: Obj, m: Mutation): Obj {
  const root = structuredClone<Obj>(file);
  const keys = m.path.split(".");
  let node: any = root;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = /^\d+$/.test(key) ? [] : {};
    node = node[key];
  }
  const last = keys[keys.length - 1];
  if (m.kind === "set") node[last] = m.value;
  else if (m.kind === "delete") delete node[last];
  else if (Array.isArray(node[last]) && node[last].length) node[last] = [...node[last], node[last][0]];
  return root;
}

/** A valid file with one to three hostile changes. */
export const mutatedCluster: fc.Arbitrary<Obj> = fc.tuple(validCluster, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([file, changes]) => changes.reduce(apply, file));

/** YAML-level hostility, applied to the rendered text. */
const ODD_SCALARS = [
  "yes",
  "no",
  "on",
  "off",
  "~",
  "0x1F",
  "0o17",
  "1e309",
  ".inf",
  "-.inf",
  ".nan",
  "2001-12-14t21:59:43.10-05:00",
  "!!binary aGVsbG8=",
  "!custom foo",
  "'quoted'",
  '"\\u0000"',
  "1_000",
  "+12",
  "&anchor x",
  "*undefinedAlias",
  "!!str",
  "!!int 5",
  "!!map {}",
  "[",
  "{a: 1",
  '"unterminated',
  "@reserved",
  "`reserved",
  "%YAML 1.1",
];

type TextChange = (text: string, pick: number) => string;
const TEXT_CHANGES: Record<string, TextChange> = {
  "an odd scalar": (text, pick) => {
    const lines = text.split("\n");
    const i = pick % Math.max(1, lines.length - 1);
    lines[i] = lines[i].replace(/:( .*)?$/, `: ${ODD_SCALARS[pick % ODD_SCALARS.length]}`);
    return lines.join("\n");
  },
  "a duplicate key": (text, pick) => {
    const top = text.split("\n").filter((l) => /^[a-zA-Z]\w*:/.test(l));
    return `${text}${top[pick % top.length] ?? "publish: External"}\n`;
  },
  "an alias bomb": (text) =>
    `${["lol0: &l0 [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `lol${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(", ")}]`)].join("\n")}\n${text}`,
  "aliases reused in fields": (text) => `${text}x-anchors: &tags {team: a}\ntags: *tags\n`,
  "a key given twice through an alias": (text) => `x-key: &k publish\n${text}*k : Internal\n`,
  "deep flow nesting": (text, pick) => `${text}tags: ${"[".repeat(20 + (pick % 5000))}1${"]".repeat(20 + (pick % 5000))}\n`,
  "deep block nesting": (text, pick) => `${text}${Array.from({ length: 20 + (pick % 400) }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} 1\n`,
  "a byte-order mark": (text) => `\ufeff${text}`,
  "CRLF line ends": (text) => text.replace(/\n/g, "\r\n"),
  "a tab indent": (text) => text.replace(/\n {2}(\S)/, "\n\t$1"),
  "a second document": (text) => `${text}---\npublish: Internal\n`,
  truncated: (text, pick) => text.slice(0, pick % Math.max(1, text.length)),
  "a huge integer": (text) => `${text}x-huge: 99999999999999999999999999999999\n`.replace(/replicas: \d+/, "replicas: 99999999999999999999999"),
  "unicode keys and values": (text) => `${text}tags:\n  "ключ": "値 🚀"\n  "\u202e": "x"\n`,
  "a NUL byte": (text, pick) => `${text.slice(0, pick % text.length)}\u0000${text.slice(pick % text.length)}`,
  "JSON instead of YAML": (text) => text,
};

export interface GeneratedFile {
  readonly kind: "valid" | "mutated" | "yaml";
  readonly how: string;
  readonly text: string;
}

export const validFile: fc.Arbitrary<GeneratedFile> = validCluster.map((c) => ({ kind: "valid", how: "valid", text: stringify(c) }));

export const mutatedFile: fc.Arbitrary<GeneratedFile> = mutatedCluster.map((c) => ({ kind: "mutated", how: "one to three hostile values", text: stringify(c) }));

export const hostileYamlFile: fc.Arbitrary<GeneratedFile> = fc
  .tuple(fc.oneof(validCluster, mutatedCluster), fc.constantFrom(...Object.keys(TEXT_CHANGES)), fc.nat())
  .map(([c, how, pick]) => ({
    kind: "yaml",
    how,
    text: how === "JSON instead of YAML" ? JSON.stringify(c, null, pick % 2 ? 2 : undefined) : TEXT_CHANGES[how](stringify(c), pick),
  }));

/** Valid, mutated and YAML-hostile files, about a third each. */
export const anyFile: fc.Arbitrary<GeneratedFile> = fc.oneof(validFile, mutatedFile, hostileYamlFile);

/**
 * Valid files from the JSON Schema's own descriptions (issue 22): each leaf of
 * schema/cluster.schema.json is set to values of every form its description names (a KMS key
 * "or alias ARN" gets both), with what the field needs beside it, on a base file that is valid.
 * A leaf no entry covers fails the property test, so a new field brings its forms here.
 */
export type Patch = readonly (readonly [path: string, value: Json])[];

const KEY_ID = fc.uuid().map((u) => u.toLowerCase());
const kmsKeyArn = KEY_ID.map((id) => `arn:aws:kms:us-east-1:123456789012:key/${id}`);
const s3Backend = (more: Patch): Patch => [["backend.type", "s3"], ["backend.s3.bucket", "my-tf-state"], ...more];
const cloudBackend = (more: Patch): Patch => [["backend.type", "cloud"], ["backend.cloud.organization", "acme"], ...more];
const set =
  (path: string) =>
  (value: Json): Patch => [[path, value]];
const existing: Patch = [["network.existingVpc", { vpcId: "vpc-0abc1234", publicSubnetIds: ["subnet-0a1b2c3d"], privateSubnetIds: ["subnet-1a2b3c4d"] }]];

/** Generators by description; `path` is the leaf's dotted path (pools differ only in it). */
const BY_DESCRIPTION: Record<string, (path: string) => fc.Arbitrary<Patch>> = {
  "Editor hint; ignored": (p) => fc.constant("../schema/cluster.schema.json").map(set(p)),
  "openshift-install asset folder (metadata.json, *.ign)": (p) => fc.constant(EXAMPLE_INSTALL_DIR).map(set(p)),
  "Letters, digits and '-', 27 characters at most": (p) =>
    // The install folder's identity is given explicitly, as the example's own values (another value is a different cluster).
    fc.constant(p === "clusterName" ? "demo" : "demo-x7k2p").map(set(p)),
  "A lower-case DNS domain such as example.com, without a trailing dot": (p) => fc.constant("example.com").map(set(p)),
  "An AWS region such as us-east-1": (p) => fc.constant("us-east-1").map(set(p)),
  // With host bits that fit it: six subnets (three AZs, public and private).
  "An IPv4 CIDR, /16 to /24": (p) =>
    fc.constantFrom(...VPC_CIDRS).map((cidr): Patch => [
      [p, cidr],
      ["network.subnetBits", Math.min(12, 32 - Number(cidr.split("/")[1]) - 3)],
    ]),
  "Host bits per subnet, 5 to 13: 12 gives /20": (p) => fc.integer({ min: 5, max: 13 }).map(set(p)),
  "1 to 3, or a list of 1 to 3 AZ names of the region": (p) =>
    fc.oneof(fc.integer({ min: 1, max: 3 }), fc.uniqueArray(fc.constantFrom(...AZS), { minLength: 1, maxLength: 3 })).map(set(p)),
  "false: no internet gateway, public subnets, NAT or public route (publish: Internal, natGateways: none)": (p) =>
    fc.boolean().map((v): Patch =>
      v
        ? [[p, true]]
        : [
            [p, false],
            ["publish", "Internal"],
            ["network.natGateways", "none"],
            ["network.vpcEndpoints", ["s3", "ec2", "elasticloadbalancing"]],
            ["network.ownEgress", true],
          ],
    ),
  "With internetGateway: false, true says your own transit gateway, proxy or endpoints carry the traffic to AWS": (p) => fc.constant<Patch>([[p, false]]),
  "The public subnets' network ACL: the documented TCP entries plus DNS, NTP and ICMP through the NAT gateways": (p) => fc.boolean().map(set(p)),
  "A Local Zone such as us-east-1-nyc-1a or a Wavelength Zone such as us-east-1-wl1-bos-wlz-1": () =>
    fc.constantFrom<Patch>(
      [["network.edgeZones", [{ name: "us-east-1-nyc-1a", type: "local-zone" }]]],
      [["network.edgeZones", [{ name: "us-east-1-wl1-bos-wlz-1", type: "wavelength-zone" }]]],
    ),
  "The zone's block, halved into private and public subnets; default: carved from vpcCidr after the regular subnets": () =>
    fc.constant<Patch>([
      ["network.vpcCidr", "10.0.0.0/16"],
      ["network.edgeZones", [{ name: "us-east-1-nyc-1a", type: "local-zone", cidr: "10.0.200.0/24" }]],
    ]),
  "A public IPv4 pool of your own: NAT gateway, external API NLB and bootstrap addresses come from it": (p) => fc.constant("ipv4pool-ec2-0123456789abcdef0").map(set(p)),
  "vpc-...": () => fc.constant(existing),
  "A Route 53 zone id such as Z0123456789ABC": (p) => fc.stringMatching(/^Z[0-9A-Z]{6,20}$/).map(set(p)),
  "An existing private zone for <clusterName>.<baseDomain>, associated with the VPC: records only (needs existingVpc)": (p) =>
    fc.constant<Patch>([...existing, [p, "Z0123456789PRIV"]]),
  "Assumed for every record in the private zone (a zone of another account; needs privateHostedZoneId)": (p) =>
    fc.constant<Patch>([...existing, ["dns.privateHostedZoneId", "Z0123456789PRIV"], [p, "arn:aws:iam::210987654321:role/route53-records"]]),
  "arn:<partition>:iam::<account>:policy/<name>": (p) => fc.constantFrom("arn:aws:iam::123456789012:policy/boundary", "arn:aws:iam::aws:policy/PowerUserAccess").map(set(p)),
  "An AMI id such as ami-0123456789abcdef0": (p) => fc.constantFrom(AMI, "ami-01234567").map(set(p)),
  "An EC2 instance type such as i3.large": (p) => fc.constantFrom(...INSTANCE_TYPES).map(set(p)),
  "An EC2 instance type such as m6i.xlarge": (p) => fc.constantFrom(...INSTANCE_TYPES).map(set(p)),
  "Sources for tcp 22 and 19531 (at most 30); default: the VPC CIDR": (p) => fc.uniqueArray(fc.constantFrom(...SOURCE_CIDRS), { maxLength: 3 }).map(set(p)),
  "KMS key for the ignition bucket; default: SSE-S3": (p) => kmsKeyArn.map(set(p)),
  "KMS key for the volume; default: the account's EBS key": (p) => kmsKeyArn.map(set(p)),
  "Root volume size in GiB (gp2, gp3: 1 to 16384; io1: 4 to 16384; io2: 4 to 65536)": (p) => {
    const volume = p.slice(0, -".sizeGiB".length);
    return fc.oneof(
      fc.tuple(fc.constantFrom("gp2", "gp3"), fc.integer({ min: 16, max: 16384 })).map(([type, size]): Patch => [
        [`${volume}.type`, type],
        [p, size],
      ]),
      fc.integer({ min: 4, max: 16384 }).map((size): Patch => [
        [`${volume}.type`, "io1"],
        [p, size],
        [`${volume}.iops`, Math.min(100 * size, 64000, 50 * size)],
      ]),
      fc.integer({ min: 4, max: 65536 }).map((size): Patch => [
        [`${volume}.type`, "io2"],
        [p, size],
        [`${volume}.iops`, Math.min(1000 * size, 256000)],
      ]),
    );
  },
  "Provisioned IOPS (gp3: 3000 to 16000; io1: 100 to 64000; io2: 100 to 256000)": (p) => {
    const volume = p.slice(0, -".iops".length);
    return fc.oneof(
      fc.integer({ min: 3000, max: 16000 }).map((iops): Patch => [
        [`${volume}.type`, "gp3"],
        [`${volume}.sizeGiB`, 100],
        [p, iops],
      ]),
      fc.integer({ min: 100, max: 64000 }).map((iops): Patch => [
        [`${volume}.type`, "io1"],
        [`${volume}.sizeGiB`, Math.max(4, Math.ceil(iops / 50))],
        [p, iops],
      ]),
      fc.integer({ min: 100, max: 256000 }).map((iops): Patch => [
        [`${volume}.type`, "io2"],
        [`${volume}.sizeGiB`, Math.max(4, Math.ceil(iops / 1000))],
        [p, iops],
      ]),
    );
  },
  "gp3 only: MiB/s, 125 to 2000 and at most a quarter of the IOPS": (p) => {
    const volume = p.slice(0, -".throughput".length);
    return fc.integer({ min: 125, max: 2000 }).map((mibs): Patch => [
      [`${volume}.type`, "gp3"],
      [`${volume}.sizeGiB`, 100],
      [`${volume}.iops`, Math.max(3000, 4 * mibs)],
      [p, mibs],
    ]);
  },
  "This pool's AMI (an arm64 pool needs its own); default: machines.rhcosAmi": (p) => fc.constantFrom(AMI, "ami-0fedcba9876543210").map(set(p)),
  "An existing instance profile: no role, policy or profile is created for this pool": (p) => fc.stringMatching(/^[A-Za-z][\w+=,.@-]{0,30}$/).map(set(p)),
  "Existing security groups added to the pool's own (AWS allows 5 per interface unless raised, 16 at most)": (p) =>
    fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{17}$/), { maxLength: 2 }).map((ids) => set(p)(ids.map((i) => `sg-${i}`))),
  "3, or 0 to create none here": (p) => fc.constantFrom(3, 0).map(set(p)),
  "0 to 1997": (p) => fc.integer({ min: 0, max: 8 }).map(set(p)),
  "Day 2: adds the <clusterName>-ingress stack with *.apps records": (p) => fc.constant("a1b2c3d4-1234567890.us-east-1.elb.amazonaws.com").map(set(p)),
  "Added to every taggable resource (47 at most, keys not starting with aws:)": (p) => tags.map(set(p)),
  "AWS provider max_retries": (p) => fc.integer({ min: 0, max: 25 }).map(set(p)),
  "Path-style S3 addressing (S3-compatible endpoints)": (p) => fc.boolean().map(set(p)),
  "For emulators and secret regions without STS": (p) => fc.boolean().map(set(p)),
  "For emulators and secret regions without STS/IAM": (p) => fc.boolean().map(set(p)),
  "An S3 bucket name": (p) => fc.constantFrom("my-tf-state", "state.example-1", "a1b").map((b) => s3Backend([[p, b]])),
  "Folder of the state keys, without leading or trailing /": (p) => fc.constantFrom("openshift/demo", "a/b/c", "team-1").map((k) => s3Backend([[p, k]])),
  "An AWS region": (p) => fc.constantFrom("us-east-1", "eu-west-1").map((r) => s3Backend([[p, r]])),
  "A DynamoDB table name": (p) => fc.stringMatching(/^[a-zA-Z0-9_.-]{3,20}$/).map((t) => s3Backend([[p, t]])),
  // "A KMS key or alias ARN", and the key ids and alias names Terraform's S3 backend also takes.
  "A KMS key or alias ARN": (p) =>
    fc
      .oneof(
        kmsKeyArn,
        fc.constant("arn:aws:kms:us-east-1:123456789012:alias/tf-state"),
        KEY_ID,
        fc.constant("mrk-1234abcd12ab34cd56ef1234567890ab"),
        fc.constant("alias/tf-state"),
      )
      .map((k) => s3Backend([[p, k]])),
  "An HCP Terraform organization": (p) => fc.constantFrom("acme", "my-org", "org.name_1").map((o) => cloudBackend([[p, o]])),
  "Letters, digits, '-' and '_'": (p) => fc.constantFrom("", "ocp-", "demo_").map((w) => cloudBackend([[p, w]])),
};

/** Generators for leaves the schema describes by their type alone (enums, booleans) or not at all. */
const BY_PATH: Record<string, (path: string) => fc.Arbitrary<Patch>> = {
  "backend.cloud.hostname": (p) => fc.constantFrom("app.terraform.io", "tfe.example.com:8443").map((h) => cloudBackend([[p, h]])),
  "backend.cloud.project": (p) => fc.constantFrom("Default Project", "ocp_clusters", "team-a").map((h) => cloudBackend([[p, h]])),
  "backend.cloud.executionMode": (p) =>
    fc.constantFrom<Patch>(
      cloudBackend([[p, "remote"]]),
      cloudBackend([[p, "local"]]),
      cloudBackend([
        [p, "agent"],
        ["backend.cloud.agentPoolId", "apool-1a2b3c4d5e6f7g8h"],
      ]),
    ),
  "backend.cloud.agentPoolId": (p) =>
    fc.constant(
      cloudBackend([
        ["backend.cloud.executionMode", "agent"],
        [p, "apool-1a2b3c4d5e6f7g8h"],
      ]),
    ),
  "backend.cloud.terraformVersion": (p) => fc.constantFrom("1.11.4", "1.9.8").map((v) => cloudBackend([[p, v]])),
  "backend.cloud.awsCredentials": (p) => fc.constantFrom("dynamic", "variables", "none").map((v) => cloudBackend([[p, v]])),
  "backend.cloud.awsRoleArn": (p) =>
    fc.constant(
      cloudBackend([
        ["backend.cloud.awsCredentials", "dynamic"],
        [p, "arn:aws:iam::123456789012:role/hcp-runs"],
      ]),
    ),
  "backend.cloud.runTriggers": (p) => fc.boolean().map((v) => cloudBackend([[p, v]])),
  "backend.s3.useLockfile": (p) => fc.boolean().map((v) => s3Backend([[p, v]])),
  "backend.s3.encrypt": () => fc.constant(s3Backend([["backend.s3.encrypt", true]])),
  "backend.type": (p) => fc.constantFrom<Patch>([[p, "local"]], s3Backend([]), cloudBackend([])),
  "network.existingVpc.publicSubnetIds": () => fc.constant(existing),
  "network.existingVpc.privateSubnetIds": () => fc.constant(existing),
  "network.vpcEndpoints": (p) => fc.uniqueArray(fc.constantFrom("s3", "ec2", "elasticloadbalancing")).map(set(p)),
  "network.edgeZones.type": () => fc.constant<Patch>([["network.edgeZones", [{ name: "us-east-1-nyc-1a", type: "local-zone" }]]]),
  "network.natGateways": (p) => fc.constantFrom("perAz", "single").map(set(p)),
  // Provisioned volumes need their IOPS.
  "machines.<pool>.rootVolume.type": (p) =>
    fc.constantFrom<Patch>(
      [[p, "gp3"]],
      [[p, "gp2"]],
      [
        [p, "io1"],
        [p.replace(/type$/, "iops"), 3000],
      ],
      [
        [p, "io2"],
        [p.replace(/type$/, "iops"), 3000],
      ],
    ),
  "dns.etcdRecords": (p) => fc.boolean().map(set(p)),
  "guardrails.acknowledge": (p) => fc.constant<Patch>([[p, [{ rule: "UPI-EC2-1", reason: "a legacy agent, ${not} an expression" }]]]),
  "aws.serviceEndpoints": (p) =>
    fc
      .constantFrom<Json>(
        { ec2: "https://ec2.us-east-1.amazonaws.com" },
        { s3: "https://bucket.vpce-0123-abcd.s3.us-east-1.vpce.amazonaws.com" },
        { sts: "https://sts.us-east-1.amazonaws.com:443/" },
      )
      .map(set(p)),
};

interface SchemaLeaf {
  readonly path: string;
  readonly description?: string;
  readonly enum?: readonly Json[];
  readonly type?: string;
}

/** The leaves of the cluster file's JSON Schema (a list of objects is one leaf; fleets are the split below). */
export function schemaLeaves(schema: any, prefix = ""): SchemaLeaf[] {
  const described = (n: any): string | undefined => n.description ?? n.anyOf?.find((b: any) => b.description)?.description;
  if (schema.properties) {
    return Object.entries<any>(schema.properties).flatMap(([k, v]) => (prefix === "" && k === "clusters" ? [] : schemaLeaves(v, prefix ? `${prefix}.${k}` : k)));
  }
  if (schema.type === "array" && schema.items?.properties && !prefix.endsWith("acknowledge")) return schemaLeaves(schema.items, prefix);
  return [{ path: prefix, description: described(schema), enum: schema.enum, type: schema.type }];
}

/** The generator of a leaf's patches, or undefined when none covers it. */
export function leafPatches(leaf: SchemaLeaf): fc.Arbitrary<Patch> | undefined {
  const byPath = BY_PATH[leaf.path.replace(/^machines\.(bootstrap|controlPlane|compute)\./, "machines.<pool>.")];
  if (byPath) return byPath(leaf.path);
  if (leaf.description && BY_DESCRIPTION[leaf.description]) return BY_DESCRIPTION[leaf.description](leaf.path);
  if (leaf.enum) return fc.constantFrom(...leaf.enum).map(set(leaf.path));
  if (leaf.type === "boolean") return fc.boolean().map(set(leaf.path));
  return undefined;
}

/** The base every patch is laid on: the example's install folder and nothing else. */
const BASE_FILE: Obj = { installDir: EXAMPLE_INSTALL_DIR, machines: { rhcosAmi: AMI } };

function setPath(root: Obj, dotted: string, value: Json): void {
  const keys = dotted.split(".");
  let node: any = root;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null || Array.isArray(node[key])) node[key] = {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
}

/** A valid file: the base with one to three leaves set from the schema's descriptions. */
export function describedFile(leaves: readonly SchemaLeaf[]): fc.Arbitrary<{ file: Obj; patches: Patch }> {
  const arbitraries = leaves.map((l) => leafPatches(l)!).filter(Boolean);
  return fc.array(fc.oneof(...arbitraries), { minLength: 1, maxLength: 3 }).map((picked) => {
    // Patches that set fields of one object (a volume's type and its IOPS, say) would undo each
    // other's companions: the first wins. Your own instance profile takes no boundary (no role is made).
    const chosen: Patch[] = [];
    const parent = (p: string) => p.split(".").slice(0, -1).join(".");
    const clash = (a: Patch, b: Patch) =>
      a.some(([x]) => b.some(([y]) => parent(x) === parent(y))) || [a, b].every((q) => q.some(([x]) => /iamInstanceProfile$|permissionsBoundaryArn$/.test(x)));
    for (const patch of picked) if (!chosen.some((c) => clash(c, patch))) chosen.push(patch);
    const patches = chosen.flat();
    const file = structuredClone(BASE_FILE);
    for (const [p, v] of patches) setPath(file, p, v);
    // A private zone of your own is records only: it goes with an existing VPC, and etcd records are
    // part of it; an existing VPC brings no edge zones, and no internet gateway setting of its own.
    const net = file.network as Obj | undefined;
    if (net?.existingVpc) {
      delete net.edgeZones;
      delete net.internetGateway;
      delete net.ownEgress;
      delete net.publicIpv4Pool;
    }
    if (net?.internetGateway === false) delete net.publicIpv4Pool;
    // Each path once, with the value that won (a later patch overrides an earlier one).
    const final = [...new Map(patches.map(([p, v]) => [p, v] as const)).entries()];
    return { file, patches: final.filter(([p]) => p.split(".").reduce<any>((n, k) => n?.[k], file) !== undefined) };
  });
}

function deletePath(root: Obj, dotted: string): void {
  const keys = dotted.split(".");
  let node: any = root;
  for (const key of keys.slice(0, -1)) {
    if (typeof node?.[key] !== "object" || node[key] === null) return;
    node = node[key];
  }
  delete node[keys[keys.length - 1]];
}

/** The identities of the two fleet entries (each cluster needs its own). */
export const FLEET_IDENTITIES = [
  { clusterName: "fa", infraId: "fa-1" },
  { clusterName: "fb", infraId: "fb-1" },
] as const;

/**
 * The same cluster as a fleet of two: each patched field moved, at random, into both entries or
 * left shared; maps merge, so a backend.s3 split between the shared fields and the entries is
 * the same backend. The entries differ from the file only in their identity.
 */
export function fleetSplit(file: Obj, patches: Patch): fc.Arbitrary<Obj> {
  return fc.array(fc.boolean(), { minLength: patches.length, maxLength: patches.length }).map((moves) => {
    const shared = structuredClone(file);
    const moved: Obj = {};
    patches.forEach(([p, v], i) => {
      if (!moves[i] || ["installDir", "clusterName", "infraId"].includes(p)) return;
      deletePath(shared, p);
      setPath(moved, p, v);
    });
    return { ...shared, clusters: FLEET_IDENTITIES.map((id) => ({ ...structuredClone(moved), ...id })) };
  });
}
