import { DataAwsAvailabilityZone } from "@cdktf/provider-aws/lib/data-aws-availability-zone";
import { Ec2CarrierGateway } from "@cdktf/provider-aws/lib/ec2-carrier-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Fn, Op, TerraformSelf } from "cdktf";
import { Construct } from "constructs";
import { parseBlock, subnetBlock } from "../validation/cidr";
import { EdgeZoneType, FIRST_EDGE_ZONE_BLOCK } from "../defaults";
import { clusterTagKey, nameTag } from "../tags/tags";
import { edgeZonesProblems } from "../validation/edge";
import { assertValidProps } from "../validation/problems";

/** One Local Zone or Wavelength Zone of the cluster. */
export interface EdgeZone {
  /** The zone name, such as us-east-1-nyc-1a or us-east-1-wl1-bos-wlz-1. */
  readonly name: string;
  readonly type: EdgeZoneType;
  /**
   * The zone's block: the private subnet takes its lower half, the public subnet its upper half.
   * @default block 6 + (the zone's index) of the VPC CIDR cut by subnetBits
   */
  readonly cidr?: string;
}

/** An edge zone's block and its two halves (private lower, public upper), as the constructs cut them. */
export function edgeZoneBlocks(vpcCidr: string, subnetBits: number, index: number, cidr?: string) {
  const zone = cidr ?? subnetBlock(vpcCidr, subnetBits, FIRST_EDGE_ZONE_BLOCK + index);
  const half = 31 - parseBlock(zone)!.prefix;
  return { zone, private: subnetBlock(zone, half, 0), public: subnetBlock(zone, half, 1) };
}

export interface EdgeZonesProps {
  readonly infraId: string;
  readonly region: string;
  readonly vpcId: string;
  /** The VPC block the default zone blocks are cut from. */
  readonly vpcCidr: string;
  readonly subnetBits: number;
  readonly zones: readonly EdgeZone[];
  /** Whether each zone also gets a public subnet (publish: External). */
  readonly publicSubnets: boolean;
  /** The cluster's AZs and their private route tables, index for index. */
  readonly availabilityZones: readonly string[];
  readonly privateRouteTableIds: readonly string[];
  /** The internet gateway's table, which Local Zone public subnets join; required with publicSubnets. */
  readonly publicRouteTableId?: string;
}

/**
 * Subnets in Local Zones and Wavelength Zones as 01_vpc_99_subnet.yaml, 01.99_net_local-zone.yaml
 * and 01_vpc_01_carrier_gateway.yaml build them. A private subnet joins the private route table
 * of its zone's parent AZ (its NAT gateway), or the first AZ's when the parent is not one of the
 * cluster's. A Local Zone public subnet joins the internet gateway's table; a Wavelength public
 * subnet joins `<infraId>-public-carrier`, routed through the VPC's carrier gateway. Each zone is
 * looked up first, and the plan stops when it is not opted in or is of another type.
 */
export class EdgeZones extends Construct {
  /** Zone name to subnet ID: the MachineSet's `providerSpec.value.subnet.id`. */
  readonly privateSubnetIds: Record<string, string> = {};
  readonly publicSubnetIds: Record<string, string> = {};
  /** Zone name to zone group: the MachineSet's `machine.openshift.com/zone-group` label. */
  readonly zoneGroups: Record<string, string> = {};
  readonly carrierGatewayId?: string;
  /** Route tables made here (the carrier table), for the S3 gateway endpoint. */
  readonly routeTableIds: string[] = [];

  constructor(scope: Construct, id: string, props: EdgeZonesProps) {
    super(scope, id);
    const { infraId, region, vpcId } = props;
    const vpc = { vpcCidr: props.vpcCidr, subnetBits: props.subnetBits, zoneCount: props.availabilityZones.length };
    assertValidProps(
      this,
      edgeZonesProblems(props.zones, region, vpc).map((p) => ({ ...p, prop: ["zones", ...p.prop] })),
    );

    let carrierTable: RouteTable | undefined;
    if (props.publicSubnets && props.zones.some((z) => z.type === "wavelength-zone")) {
      const gateway = new Ec2CarrierGateway(this, "carrier-gateway", { vpcId, tags: nameTag(`${infraId}-cagw`) });
      carrierTable = new RouteTable(this, "carrier-route-table", { vpcId, tags: nameTag(`${infraId}-public-carrier`) });
      new Route(this, "carrier-default-route", {
        routeTableId: carrierTable.id,
        destinationCidrBlock: "0.0.0.0/0",
        carrierGatewayId: gateway.id,
      });
      this.carrierGatewayId = gateway.id;
      this.routeTableIds.push(carrierTable.id);
    }

    const parentTables = Fn.zipmap([...props.availabilityZones], [...props.privateRouteTableIds]) as Record<string, string>;
    const optInStatus = TerraformSelf.getString("opt_in_status");
    const zoneType = TerraformSelf.getString("zone_type");
    props.zones.forEach((zone, i) => {
      const found = new DataAwsAvailabilityZone(this, `${zone.name}-zone`, {
        name: zone.name,
        allAvailabilityZones: true,
        lifecycle: {
          postcondition: [
            {
              condition: Fn.contains(["opted-in", "opt-in-not-required"], optInStatus) as boolean,
              errorMessage:
                `network.edgeZones[${i}]: ${zone.name} is not opted in (opt_in_status: ${optInStatus}); opt in with: ` +
                `aws ec2 modify-availability-zone-group --region ${region} --group-name ${TerraformSelf.getString("group_name")} --opt-in-status opted-in`,
            },
            {
              condition: Op.eq(zoneType, zone.type),
              errorMessage: `network.edgeZones[${i}]: ${zone.name} is a ${zoneType}, not a ${zone.type}`,
            },
          ],
        },
      });
      this.zoneGroups[zone.name] = found.groupName;
      const blocks = edgeZoneBlocks(props.vpcCidr, props.subnetBits, i, zone.cidr);

      const subnet = (kind: "public" | "private", tags: Record<string, string> = {}) =>
        new Subnet(this, `${zone.name}-${kind}-subnet`, {
          vpcId,
          cidrBlock: blocks[kind],
          availabilityZone: zone.name,
          // Shared like the regular subnets, without the load-balancer role tags.
          tags: nameTag(`${infraId}-${kind}-${zone.name}`, { [clusterTagKey(infraId)]: "shared", ...tags }),
        });

      const privateSubnet = subnet("private");
      new RouteTableAssociation(this, `${zone.name}-private-subnet-routes`, {
        subnetId: privateSubnet.id,
        routeTableId: Fn.lookup(parentTables, found.parentZoneName, props.privateRouteTableIds[0]) as string,
      });
      this.privateSubnetIds[zone.name] = privateSubnet.id;

      if (!props.publicSubnets) return;
      // 01.99_net_local-zone.yaml marks its public subnet unmanaged, so that a cloud provider
      // that does not check zone types places no service load balancers there.
      const publicSubnet = subnet("public", zone.type === "local-zone" ? { "kubernetes.io/cluster/unmanaged": "true" } : {});
      new RouteTableAssociation(this, `${zone.name}-public-subnet-routes`, {
        subnetId: publicSubnet.id,
        routeTableId: zone.type === "wavelength-zone" ? carrierTable!.id : props.publicRouteTableId!,
      });
      this.publicSubnetIds[zone.name] = publicSubnet.id;
    });
  }
}
