import { overlaps, subnetBlock } from "./cidr";
import { EDGE_ZONE_TYPES, EdgeZoneType, FIRST_EDGE_ZONE_BLOCK } from "../defaults";
import { canonicalCidr } from "./network";
import { echo, Problems, PropProblem } from "./problems";

// Local Zones: <region>-<location>-<n><letter>; Wavelength Zones: <region>-wl<n>-<location>-wlz-<n>.
const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d";
const ZONE_NAME = new RegExp(`^(${REGION})-(?:(wl\\d+-[a-z]+-wlz-\\d+)|([a-z]+-\\d+[a-z]))$`);

/** The region and type a zone name says, or undefined when it names neither kind of zone. */
export function parseEdgeZoneName(name: string): { region: string; type: EdgeZoneType } | undefined {
  const m = ZONE_NAME.exec(name);
  if (!m) return undefined;
  return { region: m[1], type: m[2] ? "wavelength-zone" : "local-zone" };
}

/** Well above the Local and Wavelength Zones of any region (us-east-1 has some two dozen). */
export const EDGE_ZONES_MAX = 50;

/** A zone's block is halved into two subnets, and AWS's smallest subnet is a /28. */
export const EDGE_ZONE_PREFIX_MAX = 27;

export function publicIpv4PoolIdProblem(value: unknown): string | undefined {
  return typeof value === "string" && /^ipv4pool-ec2-[0-9a-f]+$/.test(value)
    ? undefined
    : `must be a public IPv4 pool id such as ipv4pool-ec2-0123456789abcdef0 (got ${echo(value)})`;
}

/** The VPC whose blocks the zones' blocks are checked against (once its own props are valid). */
export interface EdgeZonesVpc {
  readonly vpcCidr: string;
  readonly subnetBits: number;
  /** How many AZs get regular subnets: public blocks 0..n-1, private 3..3+n-1. */
  readonly zoneCount: number;
}

/**
 * Edge zones: each a Local Zone or Wavelength Zone of `region`, of the type its name says, once;
 * its block (given, or block 6 + i by default) inside the VPC, /27 or larger, clear of the regular
 * subnets and of the zones before it.
 */
export function edgeZonesProblems(value: unknown, region: string | undefined, vpc: EdgeZonesVpc | undefined): PropProblem[] {
  if (!Array.isArray(value)) return [{ prop: [], message: `must be a list of { name, type, cidr } (got ${echo(value)})` }];
  if (value.length > EDGE_ZONES_MAX) {
    return [
      {
        prop: [],
        message: `must hold ${EDGE_ZONES_MAX} zones at most, more than any region has Local and Wavelength Zones; each adds two subnets and their routes (got ${value.length})`,
      },
    ];
  }
  const p = new Problems();
  const taken = vpc
    ? Array.from({ length: vpc.zoneCount }, (_, i) => [
        { cidr: subnetBlock(vpc.vpcCidr, vpc.subnetBits, i), what: `the public subnet of AZ ${i + 1}` },
        { cidr: subnetBlock(vpc.vpcCidr, vpc.subnetBits, i + 3), what: `the private subnet of AZ ${i + 1}` },
      ]).flat()
    : [];
  const zones = value as ({ name?: unknown; type?: unknown; cidr?: unknown } | null | undefined)[];
  zones.forEach((zone, i) => {
    const { name, type } = zone ?? {};
    const parsed = typeof name === "string" ? parseEdgeZoneName(name) : undefined;
    if (!parsed) p.add([i, "name"], `must be a Local Zone name such as us-east-1-nyc-1a or a Wavelength Zone name such as us-east-1-wl1-bos-wlz-1 (got ${echo(name)})`);
    else if (region && parsed.region !== region) p.add([i, "name"], `${echo(name)} is not a zone of region ${region}`);
    else if (zones.findIndex((z) => z?.name === name) !== i) p.add([i, "name"], `${echo(name)} is listed twice`);
    if (!EDGE_ZONE_TYPES.includes(type as never)) p.add([i, "type"], `must be one of ${EDGE_ZONE_TYPES.join(", ")} (got ${echo(type)})`);
    else if (parsed && parsed.type !== type) p.add([i, "type"], `${echo(type)} does not match ${name as string}, which names a ${parsed.type}`);
    if (vpc) p.add([i, "cidr"], blockProblem(zone?.cidr, i));
  });
  return p.list;

  function blockProblem(given: unknown, i: number): string | undefined {
    const { vpcCidr, subnetBits } = vpc!;
    const index = FIRST_EDGE_ZONE_BLOCK + i;
    let cidr: string;
    if (given === undefined) {
      const count = 2 ** (32 - subnetBits - Number(vpcCidr.split("/")[1]));
      if (index >= count) return `is required: ${vpcCidr} in /${32 - subnetBits} blocks has no block ${index} left for this zone`;
      cidr = subnetBlock(vpcCidr, subnetBits, index);
    } else {
      const parsed = canonicalCidr(given);
      if ("problem" in parsed) return parsed.problem;
      cidr = given as string;
      if (parsed.block.prefix > EDGE_ZONE_PREFIX_MAX) {
        return `must be /${EDGE_ZONE_PREFIX_MAX} or larger: it is halved into a private and a public subnet of at least /${EDGE_ZONE_PREFIX_MAX + 1} (got ${echo(given)})`;
      }
      if (parsed.block.prefix < Number(vpcCidr.split("/")[1]) || !overlaps(cidr, vpcCidr)) return `${echo(given)} is not inside vpcCidr ${vpcCidr}`;
    }
    const clash = taken.find((t) => overlaps(t.cidr, cidr));
    taken.push({ cidr, what: `edgeZones[${i}] (${echo(zones[i]?.name)})` });
    return clash && `${cidr} overlaps ${clash.what} (${clash.cidr})`;
  }
}
