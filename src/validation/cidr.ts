import * as ipaddr from "ipaddr.js";

/** An IPv4 block as a 32-bit network number and a prefix length. */
export interface Block {
  readonly network: number;
  readonly prefix: number;
}

const toInt = (a: ipaddr.IPv4) => a.toByteArray().reduce((n, b) => n * 256 + b, 0);
const fromInt = (n: number) => ipaddr.fromByteArray([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]).toString();

/** Parses `a.b.c.d/p`; undefined when it is not a valid IPv4 CIDR. */
export function parseBlock(cidr: string): (Block & { hostBitsSet: boolean }) | undefined {
  if (!ipaddr.IPv4.isValidCIDR(cidr)) return undefined;
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const ip = toInt(addr);
  const size = 2 ** (32 - prefix);
  const network = ip - (ip % size);
  return { network, prefix, hostBitsSet: network !== ip };
}

export const formatBlock = (b: Block) => `${fromInt(b.network)}/${b.prefix}`;

/**
 * Block `index` of `cidr` cut into subnets of `hostBits` host bits: CloudFormation's
 * `!Select [index, !Cidr [cidr, count, hostBits]]` and Terraform's `cidrsubnet`.
 */
export function subnetBlock(cidr: string, hostBits: number, index: number): string {
  const vpc = parseBlock(cidr);
  if (!vpc) throw new Error(`not a CIDR: ${cidr}`);
  const prefix = 32 - hostBits;
  const count = 2 ** (prefix - vpc.prefix);
  if (prefix < vpc.prefix || index >= count) throw new Error(`block ${index} of /${prefix} does not fit in ${cidr}`);
  return formatBlock({ network: vpc.network + index * 2 ** hostBits, prefix });
}

export function overlaps(a: string, b: string): boolean {
  const x = parseBlock(a);
  const y = parseBlock(b);
  if (!x || !y) return false;
  const end = (k: Block) => k.network + 2 ** (32 - k.prefix);
  return x.network < end(y) && y.network < end(x);
}
