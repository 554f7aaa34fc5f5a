import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsVpcs } from "@cdktf/provider-aws/lib/data-aws-vpcs";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { NetworkAcl } from "@cdktf/provider-aws/lib/network-acl";
import { NetworkAclRule } from "@cdktf/provider-aws/lib/network-acl-rule";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { subnetBlock } from "../validation/cidr";
import {
  DEFAULT_AVAILABILITY_ZONE_COUNT,
  DEFAULT_INTERNET_GATEWAY,
  DEFAULT_NAT_GATEWAYS,
  DEFAULT_NETWORK_ACL,
  DEFAULT_SUBNET_BITS,
  DEFAULT_VPC_CIDR,
  DEFAULT_PUBLISH,
  DEFAULT_VPC_ENDPOINTS,
  NatGatewayMode,
  PublishMode,
  VpcEndpointService,
  VPC_ENDPOINT_SERVICES,
  PRIVATE_ONLY_VPC_ENDPOINTS,
  NAT_GATEWAY_MODES,
} from "../defaults";
import { guard } from "../guards/guards";
import { adoptOrStop } from "../state/own-state";
import { clusterTagKey, nameTag } from "../tags/tags";
import { assertValidProps, PropProblem, Problems, oneOf, echo } from "../validation/problems";
import { EdgeZone, EdgeZones } from "./edge-zones";
import type { INetwork } from "./types";
import { regionProblem } from "../validation/aws";
import { edgeZonesProblems, publicIpv4PoolIdProblem } from "../validation/edge";
import { infraIdProblem } from "../validation/names";
import { vpcCidrProblem, subnetBitsProblem, availabilityZonesProblems, subnetsFitProblem, duplicateProblems } from "../validation/network";

export type { NatGatewayMode, VpcEndpointService } from "../defaults";

export interface ClusterNetworkProps {
  /** Infrastructure ID (metadata.json `infraID`): names and the cluster tag. */
  readonly infraId: string;
  readonly region: string;
  /** @default "10.0.0.0/16" */
  readonly vpcCidr?: string;
  /** Host bits per subnet (12 gives /20 subnets). @default 12 */
  readonly subnetBits?: number;
  /** How many AZs (the region's first N), or their names. @default 3 */
  readonly availabilityZones?: number | readonly string[];
  /** @default "perAz" */
  readonly natGateways?: NatGatewayMode;
  /** The public subnets' network ACL (PUBLIC_NETWORK_ACL_RULES). @default false */
  readonly networkAcl?: boolean;
  /** s3 is a gateway endpoint on every route table; the others are interface endpoints. @default ["s3"] */
  readonly vpcEndpoints?: readonly VpcEndpointService[];
  /** Local Zones and Wavelength Zones: a private subnet each, and a public one with publish: External. @default none */
  readonly edgeZones?: readonly EdgeZone[];
  /** Internal: edge zones get private subnets only. @default "External" */
  readonly publish?: PublishMode;
  /** A public IPv4 pool of your own (ipv4pool-ec2-...) for the NAT gateways' addresses. @default Amazon's */
  readonly publicIpv4Pool?: string;
  /**
   * false: a private-only VPC, with no internet gateway, public subnets, NAT gateways or public
   * route; the cluster reaches AWS through the VPC endpoints or your own transit. @default true
   */
  readonly internetGateway?: boolean;
  /**
   * With internetGateway false: the VPC reaches AWS through your own transit gateway, proxy or
   * endpoints, so the s3, ec2, elasticloadbalancing and sts endpoints are not required. @default false
   */
  readonly ownEgress?: boolean;
}

/** NAT gateways for `mode` in `azCount` AZs. */
export const natGatewayCount = (mode: NatGatewayMode, azCount: number) => (mode === "perAz" ? azCount : mode === "single" ? 1 : 0);

/** One entry of the public subnets' network ACL. */
export interface NetworkAclEntry {
  readonly ruleNumber: number;
  /** Outbound (leaving the public subnets) or inbound. */
  readonly egress: boolean;
  readonly protocol: "tcp" | "udp" | "icmp";
  /** Ports for tcp and udp; ICMP entries take every type and code. */
  readonly fromPort?: number;
  readonly toPort?: number;
  /** The internet (0.0.0.0/0), or the VPC's own CIDR (the private subnets behind the NAT gateways). */
  readonly peer: "anywhere" | "vpc";
  readonly why: string;
}

/**
 * The public subnets' network ACL (opt-in: Red Hat dropped it from 01_vpc.yaml for breaking the
 * cluster's ping-based connectivity checks). The ACL is stateless and these subnets hold the NAT
 * gateways, so every flow of a private machine crosses it twice each way: its request enters
 * (inbound, from the VPC) and leaves for the internet (outbound); the reply enters from the
 * internet to the NAT's port (1024-65535) and leaves for the machine's own port. The documented
 * TCP entries (100-103 in, 100 out) stay as they were; the entries after them let UDP (DNS, NTP)
 * and ICMP (path-MTU discovery, ping) through the NAT gateways and to the bootstrap node.
 */
export const PUBLIC_NETWORK_ACL_RULES: readonly NetworkAclEntry[] = [
  { ruleNumber: 100, egress: false, protocol: "tcp", fromPort: 80, toPort: 80, peer: "anywhere", why: "HTTP (documented)" },
  { ruleNumber: 101, egress: false, protocol: "tcp", fromPort: 443, toPort: 443, peer: "anywhere", why: "HTTPS (documented)" },
  { ruleNumber: 102, egress: false, protocol: "tcp", fromPort: 22, toPort: 22, peer: "anywhere", why: "SSH (documented)" },
  { ruleNumber: 103, egress: false, protocol: "tcp", fromPort: 1024, toPort: 65535, peer: "anywhere", why: "TCP replies and high ports (documented)" },
  { ruleNumber: 104, egress: false, protocol: "udp", fromPort: 1024, toPort: 65535, peer: "anywhere", why: "UDP replies to the NAT gateways' and the bootstrap node's ports" },
  { ruleNumber: 105, egress: false, protocol: "udp", fromPort: 123, toPort: 123, peer: "vpc", why: "NTP from private machines to the NAT gateways" },
  { ruleNumber: 106, egress: false, protocol: "udp", fromPort: 53, toPort: 53, peer: "vpc", why: "DNS from private machines to the NAT gateways" },
  { ruleNumber: 107, egress: false, protocol: "icmp", peer: "anywhere", why: "ICMP: fragmentation needed (path MTU), ping and its replies" },
  { ruleNumber: 100, egress: true, protocol: "tcp", fromPort: 0, toPort: 65535, peer: "anywhere", why: "all TCP (documented)" },
  { ruleNumber: 101, egress: true, protocol: "udp", fromPort: 1024, toPort: 65535, peer: "anywhere", why: "UDP replies to private machines' ports, and UDP to high ports" },
  { ruleNumber: 102, egress: true, protocol: "udp", fromPort: 123, toPort: 123, peer: "anywhere", why: "NTP to the internet, and replies to machines that send from port 123" },
  { ruleNumber: 103, egress: true, protocol: "udp", fromPort: 53, toPort: 53, peer: "anywhere", why: "DNS to the internet" },
  { ruleNumber: 104, egress: true, protocol: "icmp", peer: "anywhere", why: "ICMP: fragmentation needed (path MTU), ping and its replies" },
];

/**
 * The cluster VPC of 01_vpc.yaml: public and private subnets in 1 to 3 AZs with the templates'
 * fixed block indexes (public 0-2, private 3-5), an internet gateway, NAT gateways, one private
 * route table per AZ and the VPC endpoints; with `edgeZones`, the Local Zone and Wavelength Zone
 * subnets of EdgeZones.
 */
export class ClusterNetwork extends Construct implements INetwork {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  /** Absent in a private-only VPC. */
  readonly publicRouteTableId?: string;
  readonly privateRouteTableIds: string[];
  readonly natGatewayIds: string[];
  readonly edgeZones?: EdgeZones;

  constructor(scope: Construct, id: string, props: ClusterNetworkProps) {
    super(scope, id);
    assertValidProps(this, checkClusterNetworkProps(props));
    const { infraId, region } = props;
    const cidr = props.vpcCidr ?? DEFAULT_VPC_CIDR;
    const subnetBits = props.subnetBits ?? DEFAULT_SUBNET_BITS;
    const withInternet = props.internetGateway ?? DEFAULT_INTERNET_GATEWAY;
    // A NAT gateway needs an internet gateway: none by default without one (asking for one is refused).
    const natMode = props.natGateways ?? (withInternet ? DEFAULT_NAT_GATEWAYS : "none");
    const endpoints = props.vpcEndpoints ?? DEFAULT_VPC_ENDPOINTS;
    const azSpec = props.availabilityZones ?? DEFAULT_AVAILABILITY_ZONE_COUNT;

    if (typeof azSpec === "number") {
      const zones = new DataAwsAvailabilityZones(this, "zones", {
        state: "available",
        filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      });
      this.availabilityZones = Array.from({ length: azSpec }, (_, i) => Fn.element(zones.names, i) as string);
    } else {
      this.availabilityZones = [...azSpec];
    }
    const azs = this.availabilityZones;

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: nameTag(`${infraId}-vpc`),
    });
    const liveVpcs = new DataAwsVpcs(this, "live-vpcs", {
      filter: [
        { name: "tag:Name", values: [`${infraId}-vpc`] },
        { name: `tag:${clusterTagKey(infraId)}`, values: ["owned"] },
      ],
    });
    adoptOrStop(vpc, { what: `VPC ${infraId}-vpc`, liveIds: liveVpcs.ids });
    guard(vpc, { rule: "PLAN-VPC-1", what: `the VPC ${infraId}-vpc`, replacedBy: { cidr_block: cidr } });
    this.vpcId = vpc.id;
    this.vpcCidr = vpc.cidrBlock;

    // Subnets are shared with the cluster's own controllers (ingress, machine API).
    const subnet = (kind: "public" | "private", i: number) => {
      const cidrBlock = subnetBlock(cidr, subnetBits, kind === "public" ? i : i + 3);
      const s = new Subnet(this, `${kind}-subnet-${i}`, {
        vpcId: vpc.id,
        cidrBlock,
        availabilityZone: azs[i],
        tags: nameTag(`${infraId}-${kind}-${azs[i]}`, {
          [clusterTagKey(infraId)]: "shared",
          [kind === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
        }),
      });
      // vpc_id is left to the VPC's own guard: a replaced VPC's id is unknown at plan time, and an
      // unknown input would defer every guard of the stack to apply.
      guard(s, { rule: "PLAN-VPC-1", what: `the ${kind} subnet ${cidrBlock} (${azs[i]})`, replacedBy: { cidr_block: cidrBlock, availability_zone: azs[i] } });
      return s;
    };
    const publicSubnets = withInternet ? azs.map((_, i) => subnet("public", i)) : [];
    const privateSubnets = azs.map((_, i) => subnet("private", i));
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);

    const igw = withInternet ? new InternetGateway(this, "internet-gateway", { vpcId: vpc.id, tags: nameTag(`${infraId}-igw`) }) : undefined;
    const publicRouteTable = igw && new RouteTable(this, "public-route-table", { vpcId: vpc.id, tags: nameTag(`${infraId}-public`) });
    if (igw && publicRouteTable) {
      new Route(this, "public-default-route", {
        routeTableId: publicRouteTable.id,
        destinationCidrBlock: "0.0.0.0/0",
        gatewayId: igw.id,
      });
      publicSubnets.forEach((s, i) => new RouteTableAssociation(this, `public-subnet-${i}-routes`, { subnetId: s.id, routeTableId: publicRouteTable.id }));
    }
    this.publicRouteTableId = publicRouteTable?.id;

    const natCount = natGatewayCount(natMode, azs.length);
    const nats = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `nat-eip-${i}`, {
        domain: "vpc",
        publicIpv4Pool: props.publicIpv4Pool,
        tags: nameTag(`${infraId}-nat-${azs[i]}`),
        dependsOn: [igw!],
      });
      return new NatGateway(this, `nat-gateway-${i}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        tags: nameTag(`${infraId}-nat-${azs[i]}`),
        dependsOn: [igw!],
      });
    });
    this.natGatewayIds = nats.map((n) => n.id);

    const privateRouteTables = privateSubnets.map((s, i) => {
      const table = new RouteTable(this, `private-route-table-${i}`, { vpcId: vpc.id, tags: nameTag(`${infraId}-private-${azs[i]}`) });
      new RouteTableAssociation(this, `private-subnet-${i}-routes`, { subnetId: s.id, routeTableId: table.id });
      if (nats.length) {
        new Route(this, `private-default-route-${i}`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nats[Math.min(i, nats.length - 1)].id,
        });
      }
      return table;
    });
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);

    if (props.edgeZones?.length) {
      this.edgeZones = new EdgeZones(this, "edge", {
        infraId,
        region,
        vpcId: vpc.id,
        vpcCidr: cidr,
        subnetBits,
        zones: props.edgeZones,
        publicSubnets: (props.publish ?? DEFAULT_PUBLISH) === "External",
        availabilityZones: azs,
        privateRouteTableIds: this.privateRouteTableIds,
        publicRouteTableId: publicRouteTable?.id,
      });
    }

    if (endpoints.length) {
      // cn.com.amazonaws in China: the templates' hard-coded com.amazonaws is not partition-aware.
      const partition = new DataAwsPartition(this, "partition");
      const service = (name: string) => `${partition.reverseDnsPrefix}.${region}.${name}`;
      if (endpoints.includes("s3")) {
        new VpcEndpoint(this, "s3-endpoint", {
          vpcId: vpc.id,
          serviceName: service("s3"),
          vpcEndpointType: "Gateway",
          routeTableIds: [...(publicRouteTable ? [publicRouteTable.id] : []), ...privateRouteTables.map((t) => t.id), ...(this.edgeZones?.routeTableIds ?? [])],
          tags: nameTag(`${infraId}-s3`),
        });
      }
      const interfaces = endpoints.filter((e) => e !== "s3");
      if (interfaces.length) {
        const group = new SecurityGroup(this, "endpoint-security-group", {
          name: `${infraId}-vpc-endpoints`,
          description: "VPC interface endpoints: HTTPS from the cluster VPC",
          vpcId: vpc.id,
          tags: nameTag(`${infraId}-vpc-endpoints`),
        });
        new VpcSecurityGroupIngressRule(this, "endpoint-https-from-vpc", {
          securityGroupId: group.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: vpc.cidrBlock,
          description: "HTTPS to the AWS APIs from the cluster VPC",
        });
        new VpcSecurityGroupEgressRule(this, "endpoint-egress", {
          securityGroupId: group.id,
          ipProtocol: "-1",
          cidrIpv4: "0.0.0.0/0",
          description: "Replies",
        });
        for (const name of interfaces) {
          new VpcEndpoint(this, `${name}-endpoint`, {
            vpcId: vpc.id,
            serviceName: service(name),
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: this.privateSubnetIds,
            securityGroupIds: [group.id],
            tags: nameTag(`${infraId}-${name}`),
          });
        }
      }
    }

    if ((props.networkAcl ?? DEFAULT_NETWORK_ACL) && publicSubnets.length) {
      const acl = new NetworkAcl(this, "public-network-acl", {
        vpcId: vpc.id,
        subnetIds: this.publicSubnetIds,
        tags: nameTag(`${infraId}-public`),
      });
      for (const rule of PUBLIC_NETWORK_ACL_RULES) {
        const icmp = rule.protocol === "icmp";
        new NetworkAclRule(this, `public-acl-${rule.egress ? "outbound" : "inbound"}-${rule.ruleNumber}`, {
          networkAclId: acl.id,
          ruleNumber: rule.ruleNumber,
          egress: rule.egress,
          protocol: rule.protocol,
          ruleAction: "allow",
          cidrBlock: rule.peer === "vpc" ? cidr : "0.0.0.0/0",
          fromPort: icmp ? undefined : rule.fromPort,
          toPort: icmp ? undefined : rule.toPort,
          // -1: every ICMP type and code.
          icmpType: icmp ? -1 : undefined,
          icmpCode: icmp ? -1 : undefined,
        });
      }
    }
  }
}

/** The new VPC's own props (ClusterNetwork without infraId and region). */
export function vpcProblems(props: Omit<ClusterNetworkProps, "infraId" | "region">, region: unknown): PropProblem[] {
  const p = new Problems();
  const cidr = props.vpcCidr ?? DEFAULT_VPC_CIDR;
  const bits = props.subnetBits ?? DEFAULT_SUBNET_BITS;
  const zones = props.availabilityZones ?? DEFAULT_AVAILABILITY_ZONE_COUNT;
  p.add(["vpcCidr"], vpcCidrProblem(cidr));
  p.add(["subnetBits"], subnetBitsProblem(bits));
  const zoneProblems = availabilityZonesProblems(zones, typeof region === "string" ? region : undefined);
  p.addAll(["availabilityZones"], zoneProblems);
  if (!p.list.length) p.add(["vpcCidr"], subnetsFitProblem(cidr, bits, typeof zones === "number" ? zones : zones.length));
  if (props.edgeZones !== undefined) {
    const vpc = p.list.length ? undefined : { vpcCidr: cidr, subnetBits: bits, zoneCount: typeof zones === "number" ? zones : zones.length };
    p.addAll(["edgeZones"], edgeZonesProblems(props.edgeZones, typeof region === "string" ? region : undefined, vpc));
  }
  if (props.publicIpv4Pool !== undefined) p.add(["publicIpv4Pool"], publicIpv4PoolIdProblem(props.publicIpv4Pool));
  p.add(["natGateways"], oneOf(NAT_GATEWAY_MODES, props.natGateways ?? DEFAULT_NAT_GATEWAYS));
  if (props.networkAcl !== undefined && typeof props.networkAcl !== "boolean") p.add(["networkAcl"], `must be true or false (got ${echo(props.networkAcl)})`);
  const endpoints = props.vpcEndpoints ?? DEFAULT_VPC_ENDPOINTS;
  if (!Array.isArray(endpoints)) p.add(["vpcEndpoints"], `must be a list of ${VPC_ENDPOINT_SERVICES.join(", ")} (got ${echo(endpoints)})`);
  else {
    endpoints.forEach((e, i) => p.add(["vpcEndpoints", i], oneOf(VPC_ENDPOINT_SERVICES, e)));
    p.addAll(["vpcEndpoints"], duplicateProblems(endpoints));
  }
  return p.list;
}

export interface PrivateOnlyLike {
  readonly internetGateway?: unknown;
  readonly ownEgress?: unknown;
  readonly natGateways?: unknown;
  readonly vpcEndpoints?: unknown;
}

/** A new VPC without an internet gateway: Internal, no NAT, and a way to AWS. */
export function privateOnlyProblems(net: PrivateOnlyLike, publish: unknown): PropProblem[] {
  const p = new Problems();
  for (const flag of ["internetGateway", "ownEgress"] as const) {
    if (net[flag] !== undefined && typeof net[flag] !== "boolean") p.add([flag], `must be true or false (got ${echo(net[flag])})`);
  }
  if ((net.internetGateway ?? DEFAULT_INTERNET_GATEWAY) !== false) return p.list;
  if (publish !== "Internal") {
    p.add(["internetGateway"], `false needs publish: Internal: an External cluster's API load balancer and bootstrap node live in public subnets (got publish: ${echo(publish)})`);
  }
  if (net.natGateways !== undefined && net.natGateways !== "none") {
    p.add(["natGateways"], `must be none with network.internetGateway: false, as a NAT gateway needs an internet gateway (got ${echo(net.natGateways)})`);
  }
  const endpoints = net.vpcEndpoints ?? DEFAULT_VPC_ENDPOINTS;
  if (Array.isArray(endpoints) && net.ownEgress !== true) {
    const missing = PRIVATE_ONLY_VPC_ENDPOINTS.filter((e) => !endpoints.includes(e));
    if (missing.length) {
      p.add(
        ["vpcEndpoints"],
        `must include ${PRIVATE_ONLY_VPC_ENDPOINTS.join(", ")} with network.internetGateway: false, the cluster's only way to the AWS APIs (missing ${missing.join(", ")}); or set network.ownEgress: true when your own transit gateway or proxy carries that traffic (got ${echo(endpoints)})`,
      );
    }
  }
  return p.list;
}

/** What ClusterNetwork checks of its props in its constructor; each problem names the prop. */
export function checkClusterNetworkProps(props: ClusterNetworkProps): PropProblem[] {
  return new Problems()
    .add(["infraId"], infraIdProblem(props.infraId))
    .add(["region"], regionProblem(props.region))
    .addAll([], vpcProblems(props, props.region))
    .addAll([], privateOnlyProblems(props, props.publish ?? DEFAULT_PUBLISH)).list;
}
