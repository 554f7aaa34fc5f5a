import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { Construct } from "constructs";
import { stringify } from "yaml";
import { ConfigError } from "../../src/config/errors";
import { loadClusterFile } from "../../src/cluster-file";
import { EdgeZones } from "../../src/network/edge-zones";
import { ClusterNetwork } from "../../src/network/network";
import { PropsError } from "../../src/validation/problems";
import { EXAMPLE_INSTALL_DIR, tempDir } from "../../test-support/paths";

/**
 * One row per rule of network.edgeZones and network.publicIpv4Pool, through the cluster file: the
 * field named, the value echoed. The constructs run the same rules on their props.
 */
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function problems(content: Record<string, unknown>): string[] {
  const file = path.join(dir, "cluster.yaml");
  fs.writeFileSync(file, stringify({ installDir: EXAMPLE_INSTALL_DIR, machines: { rhcosAmi: "ami-0123456789abcdef0" }, ...content }));
  try {
    loadClusterFile(file);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

const LZ = { name: "us-east-1-nyc-1a", type: "local-zone" } as const;
const edge = (zones: object[], network: object = {}) => ({ network: { ...network, edgeZones: zones } });

type Row = [rule: string, content: Record<string, unknown>, expected: string];
const rows: Row[] = [
  [
    "zone name form",
    edge([{ ...LZ, name: "us-east-1a" }]),
    'network.edgeZones[0].name: must be a Local Zone name such as us-east-1-nyc-1a or a Wavelength Zone name such as us-east-1-wl1-bos-wlz-1 (got "us-east-1a")',
  ],
  ["zone of another region", edge([{ ...LZ, name: "us-west-2-lax-1a" }]), 'network.edgeZones[0].name: "us-west-2-lax-1a" is not a zone of region us-east-1'],
  ["type enum", edge([{ ...LZ, type: "outpost" }]), 'network.edgeZones[0].type: must be one of local-zone, wavelength-zone (got "outpost")'],
  ["type matches the name", edge([{ ...LZ, type: "wavelength-zone" }]), 'network.edgeZones[0].type: "wavelength-zone" does not match us-east-1-nyc-1a, which names a local-zone'],
  ["listed twice", edge([LZ, LZ]), 'network.edgeZones[1].name: "us-east-1-nyc-1a" is listed twice'],
  ["cidr syntax", edge([{ ...LZ, cidr: "10.0.128/24" }]), "network.edgeZones[0].cidr: must be an IPv4 CIDR such as 10.0.0.0/16"],
  ["cidr host bits", edge([{ ...LZ, cidr: "10.0.128.1/24" }]), 'network.edgeZones[0].cidr: has host bits set; the network address is 10.0.128.0/24 (got "10.0.128.1/24")'],
  ["cidr outside the VPC", edge([{ ...LZ, cidr: "10.1.0.0/24" }]), 'network.edgeZones[0].cidr: "10.1.0.0/24" is not inside vpcCidr 10.0.0.0/16'],
  ["cidr larger than the VPC", edge([{ ...LZ, cidr: "10.0.0.0/15" }]), 'network.edgeZones[0].cidr: "10.0.0.0/15" is not inside vpcCidr 10.0.0.0/16'],
  ["cidr too small to halve", edge([{ ...LZ, cidr: "10.0.128.0/28" }]), "network.edgeZones[0].cidr: must be /27 or larger"],
  ["cidr over a regular subnet", edge([{ ...LZ, cidr: "10.0.64.0/24" }]), "network.edgeZones[0].cidr: 10.0.64.0/24 overlaps the private subnet of AZ 2 (10.0.64.0/20)"],
  [
    "cidr over another zone's default block",
    edge([
      { name: "us-east-1-wl1-bos-wlz-1", type: "wavelength-zone" },
      { ...LZ, cidr: "10.0.100.0/24" },
    ]),
    'network.edgeZones[1].cidr: 10.0.100.0/24 overlaps edgeZones[0] ("us-east-1-wl1-bos-wlz-1") (10.0.96.0/20)',
  ],
  [
    "no default block left",
    edge([LZ, { ...LZ, name: "us-east-1-bos-1a" }, { ...LZ, name: "us-east-1-mia-1a" }], { vpcCidr: "10.0.0.0/24", subnetBits: 5 }),
    "network.edgeZones[2].cidr: is required: 10.0.0.0/24 in /27 blocks has no block 8 left for this zone",
  ],
  [
    "not with an existing VPC",
    edge([LZ], { existingVpc: { vpcId: "vpc-1", publicSubnetIds: ["subnet-1"], privateSubnetIds: ["subnet-2"] } }),
    "network.edgeZones: cannot be used with network.existingVpc",
  ],
  ["pool id form", { network: { publicIpv4Pool: "pool-1" } }, 'network.publicIpv4Pool: must be a public IPv4 pool id such as ipv4pool-ec2-0123456789abcdef0 (got "pool-1")'],
  ["pool only with publish: External", { publish: "Internal", network: { publicIpv4Pool: "ipv4pool-ec2-0123" } }, "network.publicIpv4Pool: needs publish: External"],
];

test.each(rows)("%s", (_rule, content, expected) => {
  expect(problems(content)).toEqual([expect.stringContaining(expected)]);
});

test("valid: a Local Zone with its block, a Wavelength Zone with the default one, and a pool", () => {
  expect(
    problems(
      edge(
        [
          { ...LZ, cidr: "10.0.128.0/24" },
          { name: "us-east-1-wl1-bos-wlz-1", type: "wavelength-zone" },
        ],
        { publicIpv4Pool: "ipv4pool-ec2-0123" },
      ),
    ),
  ).toEqual([]);
  // One AZ leaves blocks 1, 2, 4 and 5 free; a zone may use them.
  expect(problems(edge([{ ...LZ, cidr: "10.0.16.0/24" }], { availabilityZones: 1 }))).toEqual([]);
});

describe("the constructs check the same", () => {
  const refusal = (make: (scope: Construct) => void) => {
    try {
      Testing.synthScope(make);
    } catch (e) {
      expect(e).toBeInstanceOf(PropsError);
      return (e as Error).message;
    }
    throw new Error("accepted");
  };
  const vpc = { infraId: "demo-x7k2p", region: "us-east-1", availabilityZones: ["us-east-1a"] };

  test("ClusterNetwork: an edge zone's block over a regular subnet, a pool id", () => {
    const message = refusal((scope) => new ClusterNetwork(scope, "network", { ...vpc, edgeZones: [{ ...LZ, type: "local-zone", cidr: "10.0.0.0/24" }], publicIpv4Pool: "pool" }));
    expect(message.split("\n")).toEqual([
      "stack/network: edgeZones[0].cidr: 10.0.0.0/24 overlaps the public subnet of AZ 1 (10.0.0.0/20)",
      'stack/network: publicIpv4Pool: must be a public IPv4 pool id such as ipv4pool-ec2-0123456789abcdef0 (got "pool")',
    ]);
  });

  test("EdgeZones on its own: a zone of another region", () => {
    const message = refusal(
      (scope) =>
        new EdgeZones(scope, "edge", {
          ...vpc,
          vpcId: "vpc-0abc",
          vpcCidr: "10.0.0.0/16",
          subnetBits: 12,
          zones: [{ name: "us-west-2-lax-1a", type: "local-zone" }],
          publicSubnets: true,
          privateRouteTableIds: ["rtb-a"],
          publicRouteTableId: "rtb-p",
        }),
    );
    expect(message).toBe('stack/edge: zones[0].name: "us-west-2-lax-1a" is not a zone of region us-east-1');
  });
});
