import * as ipaddr from "ipaddr.js";
import { Block, formatBlock, parseBlock } from "./cidr";
import { echo, PropProblem } from "./problems";

/** The VPC's prefix range (01_vpc.yaml's parameter), host bits per subnet, and the AZ count. */
export const VPC_PREFIX_MIN = 16;
export const VPC_PREFIX_MAX = 24;
export const SUBNET_BITS_MIN = 5;
export const SUBNET_BITS_MAX = 13;
export const AVAILABILITY_ZONES_MAX = 3;
/** A security group holds 60 inbound IPv4 rules; each bootstrap source adds two (22 and 19531). */
export const SECURITY_GROUP_INBOUND_RULES = 60;
export const BOOTSTRAP_PORTS_PER_SOURCE = 2;
export const ALLOWED_CIDRS_MAX = SECURITY_GROUP_INBOUND_RULES / BOOTSTRAP_PORTS_PER_SOURCE;

/** Blocks a VPC cannot use (ipaddr.js's names for IANA's special ranges), and class E. */
const REFUSED_VPC_RANGES: readonly { name: string; block: Block }[] = [
  ...["unspecified", "loopback", "linkLocal", "multicast", "broadcast"].flatMap((name) =>
    (ipaddr.IPv4.prototype as unknown as { SpecialRanges: Record<string, [ipaddr.IPv4, number][]> }).SpecialRanges[name].map(([addr, prefix]) => ({
      name,
      block: parseBlock(`${addr.toString()}/${prefix}`)!,
    })),
  ),
  { name: "reserved, class E", block: parseBlock("240.0.0.0/4")! },
];

const size = (b: Block) => 2 ** (32 - b.prefix);
const intersects = (a: Block, b: Block) => a.network < b.network + size(b) && b.network < a.network + size(a);

/**
 * An IPv4 CIDR in the one form AWS and Terraform read the same way: four decimal octets without
 * leading zeros, a decimal prefix, no host bits. Returns the block, or what is wrong.
 */
export function canonicalCidr(value: unknown): { block: Block } | { problem: string } {
  if (typeof value !== "string") return { problem: `must be an IPv4 CIDR such as 10.0.0.0/16 (got ${echo(value)})` };
  const parsed = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.test(value) ? parseBlock(value) : undefined;
  if (!parsed) return { problem: `must be an IPv4 CIDR such as 10.0.0.0/16 (got ${echo(value)})` };
  const [address, prefix] = value.split("/");
  const written = `${address.split(".").map(Number).join(".")}/${Number(prefix)}`;
  if (written !== value) return { problem: `must be written without leading zeros: ${written} (got ${echo(value)})` };
  if (parsed.hostBitsSet) return { problem: `has host bits set; the network address is ${formatBlock(parsed)} (got ${echo(value)})` };
  return { block: parsed };
}

export function vpcCidrProblem(value: unknown): string | undefined {
  const cidr = canonicalCidr(value);
  if ("problem" in cidr) return cidr.problem;
  const { block } = cidr;
  if (block.prefix < VPC_PREFIX_MIN || block.prefix > VPC_PREFIX_MAX) {
    return `prefix must be /${VPC_PREFIX_MIN} to /${VPC_PREFIX_MAX} (got ${echo(value)})`;
  }
  const refused = REFUSED_VPC_RANGES.find((r) => intersects(block, r.block));
  if (refused) {
    return `lies in ${formatBlock(refused.block)} (${refused.name}), which a VPC cannot use; use a private range such as 10.0.0.0/16 (got ${echo(value)})`;
  }
  return undefined;
}

export function subnetBitsProblem(value: unknown): string | undefined {
  if (!Number.isInteger(value) || (value as number) < SUBNET_BITS_MIN || (value as number) > SUBNET_BITS_MAX) {
    return `must be a whole number from ${SUBNET_BITS_MIN} to ${SUBNET_BITS_MAX} (host bits per subnet: 12 gives /20) (got ${echo(value)})`;
  }
  return undefined;
}

/**
 * Public subnets take blocks 0 to n-1 and private ones 3 to 3+n-1 (the templates' fixed indexes),
 * so the VPC must hold 3+n blocks of the subnet size.
 */
export function subnetsFitProblem(vpcCidr: string, subnetBits: number, zoneCount: number): string | undefined {
  const vpc = parseBlock(vpcCidr);
  if (!vpc) return undefined;
  const available = 2 ** Math.max(0, 32 - subnetBits - vpc.prefix);
  const needed = 3 + zoneCount;
  if (32 - subnetBits < vpc.prefix || available < needed) {
    const prefix = 32 - subnetBits;
    return `${vpcCidr} cannot hold the ${needed} blocks of /${prefix} that ${zoneCount} AZ${zoneCount === 1 ? "" : "s"} use (public 0-${zoneCount - 1}, private 3-${2 + zoneCount}); use a /${prefix - Math.ceil(Math.log2(needed))} or larger VPC, or fewer subnetBits`;
  }
  return undefined;
}

/** A count of AZs (the region's first N) or their names, each of `region` and listed once. */
export function availabilityZonesProblems(value: unknown, region: string | undefined): PropProblem[] {
  const allowed = `must be a count from 1 to ${AVAILABILITY_ZONES_MAX}, or a list of 1 to ${AVAILABILITY_ZONES_MAX} AZ names of the region`;
  if (typeof value === "number") {
    return Number.isInteger(value) && value >= 1 && value <= AVAILABILITY_ZONES_MAX ? [] : [{ prop: [], message: `${allowed} (got ${echo(value)})` }];
  }
  if (!Array.isArray(value) || value.length < 1 || value.length > AVAILABILITY_ZONES_MAX) return [{ prop: [], message: `${allowed} (got ${echo(value)})` }];
  const out: PropProblem[] = [];
  value.forEach((az, i) => {
    if (typeof az !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/.test(az)) {
      out.push({ prop: [i], message: `must be an AZ name such as us-east-1a (got ${echo(az)})` });
    } else if (region && !new RegExp(`^${region}[a-z]$`).test(az)) {
      out.push({ prop: [i], message: `${echo(az)} is not an availability zone of region ${region} (AZ names are the region's name and a letter)` });
    } else if (value.indexOf(az) !== i) {
      out.push({ prop: [i], message: `${echo(az)} is listed twice` });
    }
  });
  return out;
}

/** Duplicates in a list: one problem per repeated entry, at its index. */
export function duplicateProblems(list: readonly unknown[], what = "is listed twice"): PropProblem[] {
  const out: PropProblem[] = [];
  list.forEach((item, i) => {
    if (list.indexOf(item) !== i) out.push({ prop: [i], message: `${echo(item)} ${what}` });
  });
  return out;
}

/** The widest admin source: a /8 is the largest private network (10.0.0.0/8); anything wider is a share of the internet. */
export const ALLOWED_CIDR_PREFIX_MIN = 8;

/**
 * The bootstrap node's admin sources: canonical CIDRs, each once, none wider than a /8 (30 of
 * them cover an eighth of the internet at most), and no more than its security group holds.
 */
export function allowedCidrsProblems(list: readonly unknown[]): PropProblem[] {
  if (list.length > ALLOWED_CIDRS_MAX) {
    return [
      {
        prop: [],
        message: `must hold ${ALLOWED_CIDRS_MAX} CIDRs at most: each adds ${BOOTSTRAP_PORTS_PER_SOURCE} rules (22, 19531) and a security group holds ${SECURITY_GROUP_INBOUND_RULES} inbound rules (got ${list.length}); summarize the admin networks`,
      },
    ];
  }
  const out: PropProblem[] = [];
  list.forEach((cidr, i) => {
    const parsed = canonicalCidr(cidr);
    if ("problem" in parsed) out.push({ prop: [i], message: parsed.problem });
    else if (parsed.block.prefix === 0) out.push({ prop: [i], message: "must not be the whole internet (0.0.0.0/0); name the admin network" });
    else if (parsed.block.prefix < ALLOWED_CIDR_PREFIX_MIN) {
      out.push({
        prop: [i],
        message: `opens the bootstrap node's ports 22 and 19531 to ${(2 ** (32 - parsed.block.prefix)).toLocaleString("en-US")} addresses; name the admin networks, each /${ALLOWED_CIDR_PREFIX_MIN} or narrower (got ${echo(cidr)})`,
      });
    } else if (list.indexOf(cidr) !== i) out.push({ prop: [i], message: `${echo(cidr)} is listed twice` });
  });
  return out;
}
