import { TerraformStack, Testing } from "cdktf";
import { ClusterNetwork } from "../../src/network/network";
import { baseCluster, resources, resourceValues, synthCluster } from "../../test-support/synth";

/** network.internetGateway: false, the private-only VPC of a locked-down account. */
const PRIVATE_ONLY = {
  publish: "Internal",
  network: { internetGateway: false, natGateways: "none", availabilityZones: 2, vpcEndpoints: ["s3", "ec2", "elasticloadbalancing", "sts"] },
};

describe("a private-only VPC (network.internetGateway: false)", () => {
  const result = synthCluster(baseCluster(PRIVATE_ONLY));
  const network = result.stack("network");

  test("no internet gateway, public subnet, public route table, NAT, EIP or public ACL", () => {
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_network_acl", "aws_network_acl_rule"]) {
      expect({ type, count: resources(network, type).length }).toEqual({ type, count: 0 });
    }
    expect(resources(network, "aws_subnet").map(([name]) => name.replace(/_[0-9A-F]{8}$/, ""))).toEqual(["network_private-subnet-0", "network_private-subnet-1"]);
    expect(resources(network, "aws_route_table").every(([name]) => name.includes("private-route-table"))).toBe(true);
    // No route at all: egress is the endpoints' (or the user's own transit).
    expect(resources(network, "aws_route")).toEqual([]);
  });

  test("private subnets keep the templates' blocks (indexes 3 and 4)", () => {
    expect(resourceValues(network, "aws_subnet").map((s) => s.cidr_block)).toEqual(["10.0.48.0/20", "10.0.64.0/20"]);
  });

  test("an STS interface endpoint with private DNS, beside ec2 and ELB; the S3 gateway on the private tables", () => {
    const byService = Object.fromEntries(resourceValues(network, "aws_vpc_endpoint").map((e) => [e.service_name.split(".").pop(), e]));
    expect(Object.keys(byService).sort()).toEqual(["ec2", "elasticloadbalancing", "s3", "sts"]);
    expect(byService.sts).toMatchObject({ vpc_endpoint_type: "Interface", private_dns_enabled: true });
    expect(byService.sts.service_name).toMatch(/^\$\{data\.aws_partition\..*\.reverse_dns_prefix\}\.us-east-1\.sts$/);
    expect(byService.sts.subnet_ids.every((s: string) => s.includes("private-subnet"))).toBe(true);
    expect(byService.s3.route_table_ids).toHaveLength(2);
    expect(byService.s3.route_table_ids.every((t: string) => t.includes("private-route-table"))).toBe(true);
  });

  test("outputs: no public route table, an empty public subnet list", () => {
    const outputs = network.output!;
    expect(outputs.PublicRouteTableId).toBeUndefined();
    expect(outputs.PublicSubnetIds.value).toEqual([]);
    expect(outputs.PrivateSubnetIds.value).toHaveLength(2);
  });

  test("the rest of the cluster lives in the private subnets: internal NLB only, bootstrap without public IP", () => {
    const infra = result.stack("infra");
    expect(resourceValues(infra, "aws_lb").map((lb) => [lb.name, lb.internal])).toEqual([["demo-x7k2p-int", true]]);
    const [bootstrap] = resourceValues(result.stack("bootstrap"), "aws_instance");
    expect(bootstrap.associate_public_ip_address).toBe(false);
    expect(bootstrap.subnet_id).toMatch(/private-subnet-0/);
  });

  test("the construct alone: no NAT by default without an internet gateway, and a NAT asked for is refused", () => {
    const props = {
      infraId: "x",
      region: "us-east-1",
      publish: "Internal",
      internetGateway: false,
      availabilityZones: ["us-east-1a"],
      vpcEndpoints: ["s3", "ec2", "elasticloadbalancing", "sts"],
    } as const;
    const stack = new TerraformStack(Testing.app(), "s");
    new ClusterNetwork(stack, "n", props);
    const json = JSON.parse(Testing.synth(stack));
    expect(json.resource.aws_nat_gateway).toBeUndefined();
    expect(json.resource.aws_internet_gateway).toBeUndefined();
    expect(() => new ClusterNetwork(new TerraformStack(Testing.app(), "t"), "n", { ...props, natGateways: "perAz" })).toThrow(
      /natGateways: must be none with network\.internetGateway: false, as a NAT gateway needs an internet gateway \(got "perAz"\)/,
    );
    expect(() => new ClusterNetwork(new TerraformStack(Testing.app(), "u"), "n", { ...props, publish: "External" })).toThrow(/internetGateway: false needs publish: Internal/);
  });
});
