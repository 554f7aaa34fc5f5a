import {
  CreateVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
} from "@aws-sdk/client-ec2";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { createExistingVpc } from "../../scripts/emulator/existing-vpc";
import { Emulator, onEmulator } from "../../test-support/moto";
import { loadClusterFile } from "../../src/cluster-file";
import { awsClients, filter } from "../../test-support/aws";
import { tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";

/**
 * `npm run emulator` makes the VPC a cluster file's `network.existingVpc` names, under the file's
 * own ids (moto_launcher.py, fix 12), so the file deploys to the emulator as written.
 */

const VPC = "vpc-0123456789abcdef0";
const PRIVATE = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"];
const PUBLIC = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"];
let emulator: Emulator;
onEmulator((started) => (emulator = started));

test("the file's VPC and subnets under its ids: private route tables with the S3 endpoint, public subnets behind an internet gateway", async () => {
  const file = path.join(tempDir(), "cluster.yaml");
  fs.writeFileSync(file, stringify(baseCluster({ network: { existingVpc: { vpcId: VPC, privateSubnetIds: PRIVATE, publicSubnetIds: PUBLIC } } })));
  const { ec2 } = awsClients(emulator.endpoint);
  const made = await createExistingVpc(ec2, loadClusterFile(file).clusters[0]);
  expect(made.map((s) => `${s.id} ${s.field} ${s.zone} ${s.cidr}`)).toEqual([
    `${PRIVATE[0]} network.existingVpc.privateSubnetIds[0] us-east-1a 10.0.48.0/20`,
    `${PRIVATE[1]} network.existingVpc.privateSubnetIds[1] us-east-1b 10.0.64.0/20`,
    `${PRIVATE[2]} network.existingVpc.privateSubnetIds[2] us-east-1c 10.0.80.0/20`,
    `${PUBLIC[0]} network.existingVpc.publicSubnetIds[0] us-east-1a 10.0.0.0/20`,
    `${PUBLIC[1]} network.existingVpc.publicSubnetIds[1] us-east-1b 10.0.16.0/20`,
  ]);

  const [vpc] = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [VPC] }))).Vpcs!;
  expect(vpc.CidrBlock).toBe("10.0.0.0/16");
  // moto's id tag is read, not kept.
  expect(vpc.Tags?.map((t) => t.Key)).toEqual(["Name"]);
  for (const Attribute of ["enableDnsSupport", "enableDnsHostnames"] as const) {
    const answer = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: VPC, Attribute }));
    expect([Attribute, (answer.EnableDnsSupport ?? answer.EnableDnsHostnames)?.Value]).toEqual([Attribute, true]);
  }
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [...PRIVATE, ...PUBLIC] }))).Subnets!;
  expect(subnets.map((s) => s.VpcId)).toEqual(Array(5).fill(VPC));

  const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [filter("vpc-id", VPC)] }))).RouteTables!;
  const tableOf = (subnet: string) => tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnet));
  const privateTables = PRIVATE.map((s) => tableOf(s)?.RouteTableId);
  expect(new Set(privateTables).size).toBe(3);
  const [endpoint] = (await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [filter("vpc-id", VPC)] }))).VpcEndpoints!;
  expect([endpoint.ServiceName, endpoint.VpcEndpointType, [...endpoint.RouteTableIds!].sort()]).toEqual(["com.amazonaws.us-east-1.s3", "Gateway", [...privateTables].sort()]);
  const [gateway] = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [filter("attachment.vpc-id", VPC)] }))).InternetGateways!;
  for (const s of PUBLIC) expect(tableOf(s)?.Routes).toContainEqual(expect.objectContaining({ DestinationCidrBlock: "0.0.0.0/0", GatewayId: gateway.InternetGatewayId }));
  for (const s of PRIVATE) expect(tableOf(s)?.Routes?.filter((r) => r.DestinationCidrBlock === "0.0.0.0/0")).toEqual([]);

  // An id taken is refused; without the tag, ids are moto's own again.
  const tagged = (id: string) => [{ ResourceType: "vpc" as const, Tags: [{ Key: "_custom_id_", Value: id }] }];
  await expect(ec2.send(new CreateVpcCommand({ CidrBlock: "10.1.0.0/16", TagSpecifications: tagged(VPC) }))).rejects.toThrow(
    /_custom_id_ vpc-0123456789abcdef0 \(it exists already\)/,
  );
  const other = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.2.0.0/16" }))).Vpc!.VpcId!;
  expect(other).toMatch(/^vpc-[0-9a-f]{17}$/);
  expect(other).not.toBe(VPC);
});
