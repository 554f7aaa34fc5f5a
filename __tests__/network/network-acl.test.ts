import * as ipaddr from "ipaddr.js";
import { PUBLIC_NETWORK_ACL_RULES } from "../../src/network/network";
import { baseCluster, resources, resourceValues, synthCluster } from "../../test-support/synth";

/**
 * The public subnets' network ACL, evaluated as AWS does: per direction, lowest rule number
 * first, the first matching entry decides, and nothing matching is a deny (the `*` entry). The
 * ACL is stateless and the NAT gateways sit in the public subnets, so a private machine's flow
 * crosses it four times (request in and out, reply in and out); every crossing must pass.
 */

type AclEntry = {
  rule_number: number;
  egress: boolean;
  protocol: string;
  rule_action: "allow" | "deny";
  cidr_block: string;
  from_port?: number;
  to_port?: number;
  icmp_type?: number;
  icmp_code?: number;
};

type Packet =
  { protocol: "tcp" | "udp"; src: string; dst: string; srcPort: number; dstPort: number } | { protocol: "icmp"; src: string; dst: string; icmpType: number; icmpCode: number };

const PROTOCOL_NUMBERS: Record<string, number> = { "-1": -1, all: -1, tcp: 6, udp: 17, icmp: 1 };
const protocolNumber = (p: string) => PROTOCOL_NUMBERS[p.toLowerCase()] ?? Number(p);

function matches(entry: AclEntry, inbound: boolean, packet: Packet): boolean {
  const protocol = protocolNumber(entry.protocol);
  if (protocol !== -1 && protocol !== protocolNumber(packet.protocol)) return false;
  const peer = ipaddr.parse(inbound ? packet.src : packet.dst);
  if (!peer.match(ipaddr.parseCIDR(entry.cidr_block))) return false;
  if (protocol === -1) return true;
  if (packet.protocol === "icmp") {
    return (entry.icmp_type === -1 || entry.icmp_type === packet.icmpType) && (entry.icmp_code === -1 || entry.icmp_code === packet.icmpCode);
  }
  return entry.from_port! <= packet.dstPort && packet.dstPort <= entry.to_port!;
}

/** The entry that decides, or undefined for the implicit deny. */
function evaluate(entries: readonly AclEntry[], direction: "in" | "out", packet: Packet): AclEntry | undefined {
  const inbound = direction === "in";
  return entries
    .filter((e) => e.egress === !inbound)
    .sort((a, b) => a.rule_number - b.rule_number)
    .find((e) => matches(e, inbound, packet));
}

const allowed = (entries: readonly AclEntry[], direction: "in" | "out", packet: Packet) => evaluate(entries, direction, packet)?.rule_action === "allow";

// The cluster's addresses (VPC 10.0.0.0/16: public subnets 10.0.0.0/20 up, private from 10.0.48.0/20).
const PRIVATE_MACHINE = "10.0.48.10";
const NAT_GATEWAY = "10.0.0.5";
const BOOTSTRAP = "10.0.16.20";
const ADMIN = "198.51.100.7";
const NTP_SERVER = "203.0.113.5";
const DNS_SERVER = "8.8.8.8";
const WEB = "192.0.2.80";
const ROUTER = "192.0.2.1";

const udp = (src: string, srcPort: number, dst: string, dstPort: number): Packet => ({ protocol: "udp", src, srcPort, dst, dstPort });
const tcp = (src: string, srcPort: number, dst: string, dstPort: number): Packet => ({ protocol: "tcp", src, srcPort, dst, dstPort });
const icmp = (src: string, dst: string, icmpType: number, icmpCode = 0): Packet => ({ protocol: "icmp", src, dst, icmpType, icmpCode });

type Crossing = [direction: "in" | "out", packet: Packet];

/** A private machine's UDP or TCP exchange through a NAT gateway, as the public ACL sees it. */
function throughNat(protocol: "udp" | "tcp", machinePort: number, server: string, serverPort: number, natPort: number): Crossing[] {
  const p = protocol === "udp" ? udp : tcp;
  return [
    ["in", p(PRIVATE_MACHINE, machinePort, server, serverPort)], // to the NAT gateway's ENI
    ["out", p(NAT_GATEWAY, natPort, server, serverPort)], // translated, to the internet gateway
    ["in", p(server, serverPort, NAT_GATEWAY, natPort)], // the reply, to the NAT's port
    ["out", p(server, serverPort, PRIVATE_MACHINE, machinePort)], // translated back, to the machine
  ];
}

// One row per flow; NAT gateways translate to ports 1024-65535, so both ends of that range appear.
const flows: [flow: string, crossings: Crossing[], expected: "allow" | "deny"][] = [
  ["NTP from a private machine (chrony, a random port) to the internet and back", throughNat("udp", 41234, NTP_SERVER, 123, 1024), "allow"],
  ["NTP from a private machine sending from port 123 (ntpd)", throughNat("udp", 123, NTP_SERVER, 123, 65535), "allow"],
  ["DNS over UDP from a private machine to an internet resolver", throughNat("udp", 53533, DNS_SERVER, 53, 40000), "allow"],
  ["HTTPS out from a private machine", throughNat("tcp", 50123, WEB, 443, 2048), "allow"],
  [
    "ICMP fragmentation needed, in from a router: to the NAT gateway, then on to the private machine",
    [
      ["in", icmp(ROUTER, NAT_GATEWAY, 3, 4)],
      ["out", icmp(ROUTER, PRIVATE_MACHINE, 3, 4)],
    ],
    "allow",
  ],
  ["ICMP fragmentation needed, in to the bootstrap node", [["in", icmp(ROUTER, BOOTSTRAP, 3, 4)]], "allow"],
  [
    "ping from a private machine to the internet (connectivity checks) and its reply",
    [
      ["in", icmp(PRIVATE_MACHINE, WEB, 8)],
      ["out", icmp(NAT_GATEWAY, WEB, 8)],
      ["in", icmp(WEB, NAT_GATEWAY, 0)],
      ["out", icmp(WEB, PRIVATE_MACHINE, 0)],
    ],
    "allow",
  ],
  [
    "SSH to the bootstrap node from allowedCidrs",
    [
      ["in", tcp(ADMIN, 51000, BOOTSTRAP, 22)],
      ["out", tcp(BOOTSTRAP, 22, ADMIN, 51000)],
    ],
    "allow",
  ],
  [
    "the journald gateway of the bootstrap node from allowedCidrs",
    [
      ["in", tcp(ADMIN, 51001, BOOTSTRAP, 19531)],
      ["out", tcp(BOOTSTRAP, 19531, ADMIN, 51001)],
    ],
    "allow",
  ],
  [
    "NTP from the bootstrap node (public IP, no NAT)",
    [
      ["out", udp(BOOTSTRAP, 38000, NTP_SERVER, 123)],
      ["in", udp(NTP_SERVER, 123, BOOTSTRAP, 38000)],
    ],
    "allow",
  ],
  // What stays closed: the ACL still only opens what the cluster uses.
  ["DNS queries from the internet to the public subnets", [["in", udp(ADMIN, 40000, NAT_GATEWAY, 53)]], "deny"],
  ["NTP queries from the internet to the public subnets", [["in", udp(ADMIN, 40000, BOOTSTRAP, 123)]], "deny"],
  ["SMTP from the internet", [["in", tcp(ADMIN, 40000, BOOTSTRAP, 25)]], "deny"],
  ["SNMP from the internet", [["in", udp(ADMIN, 40000, BOOTSTRAP, 161)]], "deny"],
];

describe("the public network ACL", () => {
  const aclOf = (network: Record<string, unknown>) =>
    resourceValues(
      synthCluster(baseCluster({ network, machines: { rhcosAmi: "ami-0123456789abcdef0", bootstrap: { allowedCidrs: ["198.51.100.0/24"] } } })).stack("network"),
      "aws_network_acl_rule",
    ) as AclEntry[];
  let entries: AclEntry[];
  beforeAll(() => {
    entries = aclOf({ networkAcl: true });
  });

  test("is off by default (Red Hat's templates dropped it)", () => {
    const stack = synthCluster(baseCluster()).stack("network");
    expect(resources(stack, "aws_network_acl")).toHaveLength(0);
    expect(resources(stack, "aws_network_acl_rule")).toHaveLength(0);
  });

  test("one entry per row, rule numbers unique per direction, the documented TCP entries unchanged", () => {
    expect(entries).toHaveLength(PUBLIC_NETWORK_ACL_RULES.length);
    for (const egress of [false, true]) {
      const numbers = entries.filter((e) => e.egress === egress).map((e) => e.rule_number);
      expect(new Set(numbers).size).toBe(numbers.length);
    }
    const documented = entries.filter((e) => e.protocol === "tcp").map((e) => [e.egress, e.rule_number, e.from_port, e.to_port, e.cidr_block, e.rule_action]);
    expect(documented).toEqual([
      [false, 100, 80, 80, "0.0.0.0/0", "allow"],
      [false, 101, 443, 443, "0.0.0.0/0", "allow"],
      [false, 102, 22, 22, "0.0.0.0/0", "allow"],
      [false, 103, 1024, 65535, "0.0.0.0/0", "allow"],
      [true, 100, 0, 65535, "0.0.0.0/0", "allow"],
    ]);
  });

  test.each(flows)("%s: %s", (_flow, crossings, expected) => {
    const verdicts = crossings.map(([direction, packet]) => allowed(entries, direction, packet));
    if (expected === "allow") expect(verdicts).toEqual(crossings.map(() => true));
    else expect(verdicts).toContain(false);
  });

  test("without the added entries, the documented ones alone drop NTP, DNS and ICMP (the parity defect)", () => {
    const documentedOnly = entries.filter((e) => e.protocol === "tcp");
    const broken = flows.filter(([, crossings, expected]) => expected === "allow" && !crossings.every(([d, p]) => allowed(documentedOnly, d, p)));
    expect(broken.map(([flow]) => flow)).toEqual(flows.filter(([flow, , e]) => e === "allow" && !/HTTPS|SSH|journald/.test(flow)).map(([flow]) => flow));
  });

  test("the VPC-only entries follow the VPC CIDR", () => {
    const vpcOnly = aclOf({ networkAcl: true, vpcCidr: "172.20.0.0/16" }).filter((e) => e.cidr_block !== "0.0.0.0/0");
    expect(vpcOnly.map((e) => [e.rule_number, e.protocol, e.from_port, e.cidr_block])).toEqual([
      [105, "udp", 123, "172.20.0.0/16"],
      [106, "udp", 53, "172.20.0.0/16"],
    ]);
  });
});
