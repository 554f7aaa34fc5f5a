import { RECORD_PREFIX } from "../../src/guards/guards";
import { Testing } from "cdktf";
import { ClusterNetwork } from "../../src/network/network";
import { baseCluster, countResources, resources, resourceValues, StackJson, synthCluster } from "../../test-support/synth";

/** The construct alone, as a library user builds it; the stack-level tests below go through the file. */
const net = (network: Record<string, unknown>): StackJson =>
  JSON.parse(Testing.synthScope((scope) => void new ClusterNetwork(scope, "network", { infraId: "demo-x7k2p", region: "us-east-1", ...network })));

const subnets = (stack: ReturnType<typeof net>, kind: "public" | "private") =>
  resources(stack, "aws_subnet")
    .filter(([name]) => name.includes(`${kind}-subnet`))
    .map(([, s]) => s);

describe("ClusterNetwork", () => {
  test("a VPC with DNS support and hostnames", () => {
    const [vpc] = resourceValues(net({}), "aws_vpc");
    expect(vpc).toMatchObject({ cidr_block: "10.0.0.0/16", enable_dns_support: true, enable_dns_hostnames: true });
    expect(vpc.tags).toEqual({ Name: "demo-x7k2p-vpc" });
  });

  test("three AZs: the templates' fixed block indexes, public 0-2 and private 3-5", () => {
    const stack = net({ availabilityZones: 3 });
    expect(subnets(stack, "public").map((s) => s.cidr_block)).toEqual(["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]);
    expect(subnets(stack, "private").map((s) => s.cidr_block)).toEqual(["10.0.48.0/20", "10.0.64.0/20", "10.0.80.0/20"]);
    // The first N zones of the region, from a data source.
    const zones = Object.keys(stack.data!.aws_availability_zones);
    expect(zones).toHaveLength(1);
    expect(subnets(stack, "public").map((s) => s.availability_zone)).toEqual([0, 1, 2].map((i) => `\${element(data.aws_availability_zones.${zones[0]}.names, ${i})}`));
  });

  test("one AZ keeps the block indexes (public 0, private 3)", () => {
    const stack = net({ availabilityZones: 1 });
    expect(subnets(stack, "public").map((s) => s.cidr_block)).toEqual(["10.0.0.0/20"]);
    expect(subnets(stack, "private").map((s) => s.cidr_block)).toEqual(["10.0.48.0/20"]);
  });

  test("subnetBits and a smaller VPC", () => {
    const stack = net({ vpcCidr: "192.168.0.0/24", subnetBits: 5, availabilityZones: 2 });
    expect(subnets(stack, "public").map((s) => s.cidr_block)).toEqual(["192.168.0.0/27", "192.168.0.32/27"]);
    expect(subnets(stack, "private").map((s) => s.cidr_block)).toEqual(["192.168.0.96/27", "192.168.0.128/27"]);
  });

  test("explicit AZ names, and no zone lookup", () => {
    const stack = net({ availabilityZones: ["us-east-1b", "us-east-1d"] });
    expect(subnets(stack, "private").map((s) => s.availability_zone)).toEqual(["us-east-1b", "us-east-1d"]);
    expect(stack.data?.aws_availability_zones).toBeUndefined();
    expect(subnets(stack, "private")[1].tags.Name).toBe("demo-x7k2p-private-us-east-1d");
  });

  test("subnet tags: shared cluster tag and the load-balancer role tags", () => {
    const stack = net({ availabilityZones: ["us-east-1a"] });
    expect(subnets(stack, "public")[0].tags).toEqual({
      Name: "demo-x7k2p-public-us-east-1a",
      "kubernetes.io/cluster/demo-x7k2p": "shared",
      "kubernetes.io/role/elb": "1",
    });
    expect(subnets(stack, "private")[0].tags).toEqual({
      Name: "demo-x7k2p-private-us-east-1a",
      "kubernetes.io/cluster/demo-x7k2p": "shared",
      "kubernetes.io/role/internal-elb": "1",
    });
  });

  test("the file's tags and the owned cluster tag are the provider's default tags", () => {
    const stack = synthCluster(baseCluster({ tags: { team: "platform", cost: "42" } })).stack("network");
    expect(stack.provider.aws[0].default_tags).toEqual([{ tags: { team: "platform", cost: "42", "kubernetes.io/cluster/demo-x7k2p": "owned" } }]);
  });

  test("internet gateway and one public route table with the default route", () => {
    const stack = net({ availabilityZones: 2 });
    expect(resources(stack, "aws_internet_gateway")).toHaveLength(1);
    const routes = resourceValues(stack, "aws_route");
    const igwRoutes = routes.filter((r) => r.gateway_id);
    expect(igwRoutes).toHaveLength(1);
    expect(igwRoutes[0]).toMatchObject({ destination_cidr_block: "0.0.0.0/0" });
    expect(igwRoutes[0].gateway_id).toMatch(/aws_internet_gateway\..*\.id/);
    const associations = resourceValues(stack, "aws_route_table_association");
    expect(associations.filter((a) => a.route_table_id.includes("public-route-table"))).toHaveLength(2);
  });

  test("natGateways perAz: one NAT with its EIP per AZ, each private table through its own AZ", () => {
    const stack = net({ natGateways: "perAz", availabilityZones: 3 });
    const nats = resources(stack, "aws_nat_gateway");
    expect(nats).toHaveLength(3);
    expect(resources(stack, "aws_eip")).toHaveLength(3);
    nats.forEach(([, nat], i) => {
      expect(nat.subnet_id).toContain(`public-subnet-${i}`);
      expect(nat.allocation_id).toContain(`nat-eip-${i}`);
    });
    const natRoutes = resourceValues(stack, "aws_route").filter((r) => r.nat_gateway_id);
    expect(natRoutes.map((r) => [r.route_table_id.match(/private-route-table-(\d)/)![1], r.nat_gateway_id.match(/nat-gateway-(\d)/)![1]])).toEqual([
      ["0", "0"],
      ["1", "1"],
      ["2", "2"],
    ]);
  });

  test("natGateways single: one NAT shared by every private table", () => {
    const stack = net({ natGateways: "single", availabilityZones: 3 });
    expect(resources(stack, "aws_nat_gateway")).toHaveLength(1);
    const natRoutes = resourceValues(stack, "aws_route").filter((r) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(3);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
    expect(resources(stack, "aws_route_table").filter(([n]) => n.includes("private"))).toHaveLength(3);
  });

  test("natGateways none: no NAT, no EIP, private tables without a default route", () => {
    const stack = net({ natGateways: "none" });
    expect(resources(stack, "aws_nat_gateway")).toHaveLength(0);
    expect(resources(stack, "aws_eip")).toHaveLength(0);
    expect(resourceValues(stack, "aws_route").filter((r) => r.nat_gateway_id)).toHaveLength(0);
  });

  test("the S3 gateway endpoint is on every route table", () => {
    const stack = net({ availabilityZones: 3 });
    const endpoints = resourceValues(stack, "aws_vpc_endpoint");
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0].vpc_endpoint_type).toBe("Gateway");
    expect(endpoints[0].service_name).toMatch(/^\$\{data\.aws_partition\..*\.reverse_dns_prefix\}\.us-east-1\.s3$/);
    expect(endpoints[0].route_table_ids).toHaveLength(4);
  });

  test("interface endpoints for ec2 and elasticloadbalancing, with private DNS and HTTPS from the VPC", () => {
    const stack = net({ vpcEndpoints: ["s3", "ec2", "elasticloadbalancing"], availabilityZones: 2 });
    const byService = Object.fromEntries(resourceValues(stack, "aws_vpc_endpoint").map((e) => [e.service_name.split(".").pop(), e]));
    expect(Object.keys(byService).sort()).toEqual(["ec2", "elasticloadbalancing", "s3"]);
    for (const name of ["ec2", "elasticloadbalancing"]) {
      expect(byService[name]).toMatchObject({ vpc_endpoint_type: "Interface", private_dns_enabled: true });
      expect(byService[name].subnet_ids).toHaveLength(2);
      expect(byService[name].subnet_ids.every((s: string) => s.includes("private-subnet"))).toBe(true);
    }
    const [ingress] = resourceValues(stack, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toMatchObject({ ip_protocol: "tcp", from_port: 443, to_port: 443 });
    expect(ingress.cidr_ipv4).toMatch(/aws_vpc\..*\.cidr_block/);
  });

  test("no endpoints when none are listed", () => {
    expect(resources(net({ vpcEndpoints: [] }), "aws_vpc_endpoint")).toHaveLength(0);
  });

  test("networkAcl: true puts the ACL on the public subnets only (its entries: network-acl.test.ts)", () => {
    const stack = net({ availabilityZones: 3, networkAcl: true });
    const [acl] = resourceValues(stack, "aws_network_acl");
    expect(acl.subnet_ids).toHaveLength(3);
    expect(acl.subnet_ids.every((s: string) => s.includes("public-subnet"))).toBe(true);
  });

  test("networkAcl: false leaves the default ACL", () => {
    expect(resources(net({ networkAcl: false }), "aws_network_acl")).toHaveLength(0);
  });

  test("outputs named like the CloudFormation outputs", () => {
    const outputs = synthCluster(baseCluster()).stack("network").output!;
    expect(
      Object.keys(outputs)
        .filter((k) => !k.startsWith("cross-stack") && !k.startsWith(RECORD_PREFIX) && k !== "StateOwner")
        .sort(),
    ).toEqual(["VpcId", "PublicSubnetIds", "PrivateSubnetIds", "PublicRouteTableId", "PrivateRouteTableIds"].sort());
    expect(outputs.PrivateSubnetIds.value).toHaveLength(3);
  });

  test("aws.serviceEndpoints become the provider's endpoints", () => {
    const stack = synthCluster(
      baseCluster({ aws: { serviceEndpoints: { ec2: "https://ec2.internal", elasticloadbalancing: "https://elb.internal", s3: "https://s3.internal" }, maxRetries: 3 } }),
    ).stack("network");
    const provider = stack.provider.aws[0];
    expect(provider.endpoints).toEqual([{ ec2: "https://ec2.internal", elb: "https://elb.internal", elbv2: "https://elb.internal", s3: "https://s3.internal" }]);
    expect(provider.max_retries).toBe(3);
    expect(provider.region).toBe("us-east-1");
  });

  test("existingVpc: an empty network stack, the ids flow to the infra stack and the subnets get the shared tag", () => {
    const result = synthCluster(baseCluster({ network: { existingVpc: { vpcId: "vpc-0abc", publicSubnetIds: ["subnet-a"], privateSubnetIds: ["subnet-b", "subnet-c"] } } }));
    expect(Object.keys(result.json).sort()).toEqual(["demo-bootstrap", "demo-infra", "demo-ingress", "demo-machines", "demo-network"]);
    expect(countResources(result.stack("network"))).toBe(0);
    const infra = result.stack("infra");
    expect(resourceValues(infra, "aws_ec2_tag").map((t) => [t.resource_id, t.key, t.value])).toEqual([
      ["subnet-a", "kubernetes.io/cluster/demo-x7k2p", "shared"],
      ["subnet-b", "kubernetes.io/cluster/demo-x7k2p", "shared"],
      ["subnet-c", "kubernetes.io/cluster/demo-x7k2p", "shared"],
    ]);
    expect(Object.values(infra.data!.aws_vpc)[0]).toMatchObject({ id: "vpc-0abc" });
    const [ext, int] = resourceValues(infra, "aws_lb");
    expect(ext.subnets).toEqual(["subnet-a"]);
    expect(int.subnets).toEqual(["subnet-b", "subnet-c"]);
  });
});
