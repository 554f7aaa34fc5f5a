import { fc } from "@fast-check/jest";
import { stringify } from "yaml";
import { EXAMPLE_INSTALL_DIR } from "./paths";

/**
 * Generators for the cluster-file property tests: valid files built field by field from the
 * contract (docs: /work/shared/spec/cluster-config.md, README), files with one hostile change, and
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

const pool = (replicas: fc.Arbitrary<number>) =>
  fc.record({ replicas, instanceType: fc.constantFrom(...INSTANCE_TYPES), rootVolume }, { requiredKeys: [] });

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
  fc.record({ type: fc.constant("s3"), s3: fc.record({ bucket: fc.constantFrom("my-tf-state", "state.example-1"), keyPrefix: fc.constantFrom("openshift/demo", "a/b/c"), encrypt: fc.boolean() }, { requiredKeys: ["bucket"] }) }),
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
      iam: fc.record({ policy: fc.constantFrom("least-privilege", "documented"), permissionsBoundaryArn: fc.constant("arn:aws:iam::123456789012:policy/boundary") }, { requiredKeys: [] }),
      bootstrap: fc.record(
        { enabled: fc.boolean(), instanceType: fc.constantFrom(...INSTANCE_TYPES), allowedCidrs: fc.uniqueArray(fc.constantFrom(...SOURCE_CIDRS), { maxLength: 3 }), rootVolume },
        { requiredKeys: [] },
      ),
      controlPlane: pool(fc.constantFrom(3, 3, 0)),
      compute: pool(fc.integer({ min: 0, max: 6 })),
      ingress: fc.option(fc.record({ routerLoadBalancerHostname: fc.constant("a1b2c3d4-1234567890.us-east-1.elb.amazonaws.com"), loadBalancerType: fc.constantFrom("classic", "network") })),
      tags,
      backend,
      fleet: fc.option(fc.uniqueArray(name, { minLength: 2, maxLength: 3 })),
    },
    { requiredKeys: ["publish", "network", "backend"] },
  )
  .map((c) => {
    const file: Obj = { installDir: EXAMPLE_INSTALL_DIR, ...(c.identity ?? {}), publish: c.publish };
    file.network = c.network as Obj;
    if (c.dns) file.dns = c.dns as Obj;
    if (c.iam) file.iam = c.iam as Obj;
    file.machines = { rhcosAmi: AMI, ...(c.bootstrap ? { bootstrap: c.bootstrap as Obj } : {}), ...(c.controlPlane ? { controlPlane: c.controlPlane as Obj } : {}), ...(c.compute ? { compute: c.compute as Obj } : {}) };
    if (c.ingress) file.ingress = c.ingress as Obj;
    if (c.tags && Object.keys(c.tags).length) file.tags = c.tags;
    file.backend = c.backend as Obj;
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
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

/** Every field path of the contract, and some that are not, for a mutation to land on. */
const FIELD_PATHS = [
  "installDir", "clusterName", "baseDomain", "infraId", "region", "publish",
  "network", "network.vpcCidr", "network.subnetBits", "network.availabilityZones", "network.availabilityZones.0", "network.natGateways",
  "network.networkAcl", "network.vpcEndpoints", "network.vpcEndpoints.0", "network.existingVpc", "network.existingVpc.vpcId",
  "network.existingVpc.publicSubnetIds", "network.existingVpc.privateSubnetIds.0",
  "dns", "dns.publicHostedZoneId", "dns.recordType", "dns.etcdRecords",
  "iam", "iam.policy", "iam.permissionsBoundaryArn",
  "machines", "machines.rhcosAmi", "machines.bootstrap", "machines.bootstrap.enabled", "machines.bootstrap.instanceType",
  "machines.bootstrap.allowedCidrs", "machines.bootstrap.allowedCidrs.0", "machines.bootstrap.ignitionKmsKeyArn",
  "machines.controlPlane.replicas", "machines.controlPlane.instanceType", "machines.controlPlane.rootVolume", "machines.controlPlane.rootVolume.sizeGiB",
  "machines.controlPlane.rootVolume.type", "machines.controlPlane.rootVolume.iops", "machines.controlPlane.rootVolume.kmsKeyArn",
  "machines.compute.replicas", "machines.compute.instanceType", "machines.compute.rootVolume.sizeGiB",
  "ingress", "ingress.routerLoadBalancerHostname", "ingress.loadBalancerType",
  "tags", "tags.owner", "tags.aws:team", "tags.Name",
  "guardrails", "guardrails.acknowledge", "guardrails.acknowledge.0", "guardrails.acknowledge.0.rule", "guardrails.acknowledge.0.reason",
  "aws", "aws.serviceEndpoints", "aws.serviceEndpoints.ec2", "aws.maxRetries", "aws.s3UsePathStyle",
  "backend", "backend.type", "backend.s3", "backend.s3.bucket", "backend.s3.keyPrefix", "backend.s3.region", "backend.s3.dynamodbTable",
  "backend.cloud", "backend.cloud.organization", "backend.cloud.workspacePrefix",
  "clusters", "clusters.0", "clusters.0.clusterName", "clusters.1.infraId", "clusters.0.network.vpcCidr",
  "unknownField", "network.natGateway", "machines.compute.replica",
];

type Mutation = { kind: "set"; path: string; value: Json } | { kind: "delete"; path: string } | { kind: "duplicate"; path: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant<"set">("set"), path: fc.constantFrom(...FIELD_PATHS), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<"delete">("delete"), path: fc.constantFrom(...FIELD_PATHS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<"duplicate">("duplicate"), path: fc.constantFrom("network.vpcEndpoints", "machines.bootstrap.allowedCidrs", "clusters", "network.availabilityZones") }) },
);

function apply(file: Obj, m: Mutation): Obj {
  const root = structuredClone(file) as Obj;
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
export const mutatedCluster: fc.Arbitrary<Obj> = fc
  .tuple(validCluster, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([file, changes]) => changes.reduce(apply, file));

/** YAML-level hostility, applied to the rendered text. */
const ODD_SCALARS = ["yes", "no", "on", "off", "~", "0x1F", "0o17", "1e309", ".inf", "-.inf", ".nan", "2001-12-14t21:59:43.10-05:00", "!!binary aGVsbG8=", "!custom foo", "'quoted'", '"\\u0000"', "1_000", "+12", "&anchor x", "*undefinedAlias", "!!str", "!!int 5", "!!map {}", "[", "{a: 1", '"unterminated', "@reserved", "`reserved", "%YAML 1.1"];

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
  "deep flow nesting": (text, pick) => `${text}tags: ${"[".repeat(20 + (pick % 5000))}1${"]".repeat(20 + (pick % 5000))}\n`,
  "deep block nesting": (text, pick) => `${text}${Array.from({ length: 20 + (pick % 400) }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} 1\n`,
  "a byte-order mark": (text) => `\ufeff${text}`,
  "CRLF line ends": (text) => text.replace(/\n/g, "\r\n"),
  "a tab indent": (text) => text.replace(/\n {2}(\S)/, "\n\t$1"),
  "a second document": (text) => `${text}---\npublish: Internal\n`,
  "truncated": (text, pick) => text.slice(0, pick % Math.max(1, text.length)),
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
