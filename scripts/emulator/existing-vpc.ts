import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeAvailabilityZonesCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
  Tag,
} from "@aws-sdk/client-ec2";
import type { ClusterConfig } from "../../src/config/load";
import { subnetBlock } from "../../src/validation/cidr";

/** The tag moto_launcher.py (fix 12) reads as the id to give a VPC or subnet. */
const CUSTOM_ID = "_custom_id_";

/** A subnet made for a file's `network.existingVpc`, as the emulator lists it. */
export interface MadeSubnet {
  readonly id: string;
  readonly field: string;
  readonly zone: string;
  readonly cidr: string;
}

const tags = (id: string, name: string): Tag[] => [
  { Key: CUSTOM_ID, Value: id },
  { Key: "Name", Value: name },
];

/**
 * Makes the VPC a cluster's `network.existingVpc` names, under the file's own ids, as a network
 * team would have it: DNS support and host names on (a private zone resolves only then), the
 * i-th private and public subnet in the region's i-th AZ on the blocks the product's own network
 * stack would give them (`network.vpcCidr`, `network.subnetBits`), a route table per private
 * subnet with the S3 gateway endpoint, and with public subnets an internet gateway and their
 * route table. No NAT gateway: the emulated machines boot nothing that would reach out.
 */
export async function createExistingVpc(ec2: EC2Client, c: ClusterConfig): Promise<MadeSubnet[]> {
  const { vpcId, privateSubnetIds, publicSubnetIds } = c.network.existingVpc!;
  const name = `${c.clusterName} existing VPC (npm run emulator)`;
  const zones = ((await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [])
    .filter((z) => z.ZoneType === "availability-zone")
    .map((z) => z.ZoneName!)
    .sort();
  const most = Math.max(privateSubnetIds.length, publicSubnetIds.length);
  if (most > zones.length) throw new Error(`network.existingVpc: ${most} subnets of a kind need ${most} AZs, one each, and ${c.region} has ${zones.length} (${zones.join(", ")})`);
  await ec2.send(new CreateVpcCommand({ CidrBlock: c.network.vpcCidr, TagSpecifications: [{ ResourceType: "vpc", Tags: tags(vpcId, name) }] }));
  for (const attribute of ["EnableDnsSupport", "EnableDnsHostnames"] as const) await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, [attribute]: { Value: true } }));

  const made: MadeSubnet[] = [];
  const subnet = async (id: string, field: string, index: number, blockIndex: number) => {
    const cidr = subnetBlock(c.network.vpcCidr, c.network.subnetBits, blockIndex);
    const zone = zones[index];
    await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone, TagSpecifications: [{ ResourceType: "subnet", Tags: tags(id, `${name} ${zone}`) }] }),
    );
    made.push({ id, field, zone, cidr });
  };
  // The templates' blocks: public subnets 0 to 2, private 3 to 5.
  const privateTables: string[] = [];
  for (const [i, id] of privateSubnetIds.entries()) {
    await subnet(id, `network.existingVpc.privateSubnetIds[${i}]`, i, 3 + i);
    const table = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: id }));
    privateTables.push(table);
  }
  await ec2.send(new CreateVpcEndpointCommand({ VpcId: vpcId, ServiceName: `com.amazonaws.${c.region}.s3`, VpcEndpointType: "Gateway", RouteTableIds: privateTables }));
  if (publicSubnetIds.length) {
    const gateway = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gateway, VpcId: vpcId }));
    const table = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: "0.0.0.0/0", GatewayId: gateway }));
    for (const [i, id] of publicSubnetIds.entries()) {
      await subnet(id, `network.existingVpc.publicSubnetIds[${i}]`, i, i);
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: id }));
    }
  }
  return made;
}
