import { edgeZoneBlocks } from "../../src/network/edge-zones";
import { parseEdgeZoneName } from "../../src/validation/edge";
import { formatSummary } from "../../src/summary";
import { baseCluster, resources, StackJson, synthCluster } from "../../test-support/synth";

const LOCAL = { name: "us-east-1-nyc-1a", type: "local-zone" };
const WAVELENGTH = { name: "us-east-1-wl1-bos-wlz-1", type: "wavelength-zone" };

const synth = (network: Record<string, unknown>, extra: Record<string, unknown> = {}) => synthCluster(baseCluster({ network, ...extra }));

/** The edge resources of one type, by their construct path below network/edge. */
function edge(stack: StackJson, type: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [, attrs] of resources(stack, type)) {
    const path: string = attrs["//"]?.metadata?.path ?? "";
    const at = path.indexOf("/network/edge/");
    if (at >= 0) out[path.slice(at + "/network/edge/".length)] = attrs;
  }
  return out;
}
const ref = (attrs: any) => `${attrs["//"].metadata.uniqueId}`;

describe("edge zones: names and blocks", () => {
  test.each([
    ["us-east-1-nyc-1a", { region: "us-east-1", type: "local-zone" }],
    ["us-west-2-lax-1b", { region: "us-west-2", type: "local-zone" }],
    ["us-east-1-wl1-bos-wlz-1", { region: "us-east-1", type: "wavelength-zone" }],
    ["ap-northeast-1-wl1-nrt-wlz-1", { region: "ap-northeast-1", type: "wavelength-zone" }],
    ["us-gov-west-1-lax-1a", { region: "us-gov-west-1", type: "local-zone" }],
    ["us-east-1a", undefined],
    ["us-east-1-nyc", undefined],
  ])("%s", (name, expected) => expect(parseEdgeZoneName(name)).toEqual(expected));

  test("a zone's block is halved: private lower, public upper; the default is block 6 + i", () => {
    expect(edgeZoneBlocks("10.0.0.0/16", 12, 0, "10.0.128.0/24")).toEqual({ zone: "10.0.128.0/24", private: "10.0.128.0/25", public: "10.0.128.128/25" });
    expect(edgeZoneBlocks("10.0.0.0/16", 12, 0)).toEqual({ zone: "10.0.96.0/20", private: "10.0.96.0/21", public: "10.0.104.0/21" });
    expect(edgeZoneBlocks("10.0.0.0/16", 12, 1)).toEqual({ zone: "10.0.112.0/20", private: "10.0.112.0/21", public: "10.0.120.0/21" });
  });
});

describe("a Local Zone", () => {
  const result = synth({ availabilityZones: ["us-east-1a", "us-east-1b"], edgeZones: [{ ...LOCAL, cidr: "10.0.128.0/24" }] });
  const stack = result.stack("network");
  const subnets = edge(stack, "aws_subnet");
  const associations = edge(stack, "aws_route_table_association");

  test("a private and a public subnet in the zone, the block halved, tagged as the templates tag them", () => {
    expect(Object.keys(subnets).sort()).toEqual(["us-east-1-nyc-1a-private-subnet", "us-east-1-nyc-1a-public-subnet"]);
    expect(subnets["us-east-1-nyc-1a-private-subnet"]).toMatchObject({
      availability_zone: "us-east-1-nyc-1a",
      cidr_block: "10.0.128.0/25",
      tags: { Name: "demo-x7k2p-private-us-east-1-nyc-1a", "kubernetes.io/cluster/demo-x7k2p": "shared" },
    });
    // As 01.99_net_local-zone.yaml, the public subnet is marked unmanaged; neither gets the load-balancer role tags.
    expect(subnets["us-east-1-nyc-1a-public-subnet"].tags).toEqual({
      Name: "demo-x7k2p-public-us-east-1-nyc-1a",
      "kubernetes.io/cluster/demo-x7k2p": "shared",
      "kubernetes.io/cluster/unmanaged": "true",
    });
    expect(subnets["us-east-1-nyc-1a-private-subnet"].tags).not.toHaveProperty("kubernetes.io/cluster/unmanaged");
  });

  test("public: the internet gateway's table; private: the table (and NAT) of the zone's parent AZ, else the first AZ's", () => {
    const tables = Object.fromEntries(resources(stack, "aws_route_table").map(([name, t]) => [t.tags.Name, name]));
    expect(associations["us-east-1-nyc-1a-public-subnet-routes"].route_table_id).toBe(`\${aws_route_table.${tables["demo-x7k2p-public"]}.id}`);
    const zone = Object.keys(stack.data!.aws_availability_zone)[0];
    const [a, b] = [tables["demo-x7k2p-private-us-east-1a"], tables["demo-x7k2p-private-us-east-1b"]];
    expect(associations["us-east-1-nyc-1a-private-subnet-routes"].route_table_id).toBe(
      `\${lookup(zipmap(["us-east-1a", "us-east-1b"], [aws_route_table.${a}.id, aws_route_table.${b}.id]), data.aws_availability_zone.${zone}.parent_zone_name, aws_route_table.${a}.id)}`,
    );
  });

  test("the zone is looked up while planning: not opted in or of another type stops the plan, naming the opt-in command", () => {
    const [lookup] = Object.values(stack.data!.aws_availability_zone);
    expect(lookup).toMatchObject({ name: "us-east-1-nyc-1a", all_availability_zones: true });
    expect(lookup.lifecycle.postcondition).toEqual([
      {
        condition: '${contains(["opted-in", "opt-in-not-required"], self.opt_in_status)}',
        error_message:
          "network.edgeZones[0]: us-east-1-nyc-1a is not opted in (opt_in_status: ${self.opt_in_status}); opt in with: " +
          "aws ec2 modify-availability-zone-group --region us-east-1 --group-name ${self.group_name} --opt-in-status opted-in",
      },
      { condition: '${(self.zone_type == "local-zone")}', error_message: "network.edgeZones[0]: us-east-1-nyc-1a is a ${self.zone_type}, not a local-zone" },
    ]);
  });

  test("outputs keyed by zone name, for the MachineSet's subnet.id and zone-group label; no carrier gateway", () => {
    const subnet = (kind: string) => `\${aws_subnet.${ref(subnets[`us-east-1-nyc-1a-${kind}-subnet`])}.id}`;
    const zone = Object.keys(stack.data!.aws_availability_zone)[0];
    expect(stack.output!.EdgePrivateSubnetIds.value).toEqual({ "us-east-1-nyc-1a": subnet("private") });
    expect(stack.output!.EdgePublicSubnetIds.value).toEqual({ "us-east-1-nyc-1a": subnet("public") });
    expect(stack.output!.EdgeZoneGroups.value).toEqual({ "us-east-1-nyc-1a": `\${data.aws_availability_zone.${zone}.group_name}` });
    expect(resources(stack, "aws_ec2_carrier_gateway")).toEqual([]);
  });

  test("the synth summary prints the MTU note and the manifest to add", () => {
    const summary = formatSummary(result);
    expect(summary).toContain("Edge zones of demo (us-east-1-nyc-1a): the MTU between an edge zone and the region is 1300");
    expect(summary).toContain("cluster network MTU must be 1200 (OVN-Kubernetes; 1250 with OpenShift SDN)");
    expect(summary).toContain("manifests/cluster-network-03-config.yml:\n  apiVersion: operator.openshift.io/v1\n  kind: Network\n");
    expect(summary).toContain("    defaultNetwork:\n      ovnKubernetesConfig:\n        mtu: 1200");
    expect(summary).toContain(`--patch '{"spec":{"migration":{"mtu":{"network":{"from":<current>,"to":1200},"machine":{"to":9001}}}}}'`);
  });
});

describe("a Wavelength Zone", () => {
  const stack = synth({ availabilityZones: 1, edgeZones: [WAVELENGTH] }).stack("network");
  const subnets = edge(stack, "aws_subnet");

  test("a carrier gateway and its own public route table, as 01_vpc_01_carrier_gateway.yaml", () => {
    const [gateway] = Object.values(edge(stack, "aws_ec2_carrier_gateway"));
    expect(gateway.tags).toEqual({ Name: "demo-x7k2p-cagw" });
    const table = edge(stack, "aws_route_table")["carrier-route-table"];
    expect(table.tags).toEqual({ Name: "demo-x7k2p-public-carrier" });
    expect(edge(stack, "aws_route")["carrier-default-route"]).toMatchObject({
      destination_cidr_block: "0.0.0.0/0",
      carrier_gateway_id: `\${aws_ec2_carrier_gateway.${ref(gateway)}.id}`,
      route_table_id: `\${aws_route_table.${ref(table)}.id}`,
    });
    const associations = edge(stack, "aws_route_table_association");
    expect(associations["us-east-1-wl1-bos-wlz-1-public-subnet-routes"].route_table_id).toBe(`\${aws_route_table.${ref(table)}.id}`);
    expect(associations["us-east-1-wl1-bos-wlz-1-private-subnet-routes"].route_table_id).toMatch(/^\$\{lookup\(zipmap\(\[element\(data\.aws_availability_zones\./);
    // The template's S3 endpoint on the carrier table: the one gateway endpoint serves it too.
    const [endpoint] = resources(stack, "aws_vpc_endpoint").map(([, e]) => e);
    expect(endpoint.route_table_ids).toContain(`\${aws_route_table.${ref(table)}.id}`);
  });

  test("the default block (6) halved; no unmanaged tag outside Local Zones", () => {
    expect(subnets["us-east-1-wl1-bos-wlz-1-private-subnet"].cidr_block).toBe("10.0.96.0/21");
    expect(subnets["us-east-1-wl1-bos-wlz-1-public-subnet"].cidr_block).toBe("10.0.104.0/21");
    expect(subnets["us-east-1-wl1-bos-wlz-1-public-subnet"].tags).not.toHaveProperty("kubernetes.io/cluster/unmanaged");
  });
});

describe("edge zones with publish: Internal", () => {
  const stack = synth({ edgeZones: [LOCAL, WAVELENGTH] }, { publish: "Internal" }).stack("network");

  test("private subnets only: no public subnet, carrier gateway or EdgePublicSubnetIds", () => {
    expect(Object.keys(edge(stack, "aws_subnet")).sort()).toEqual(["us-east-1-nyc-1a-private-subnet", "us-east-1-wl1-bos-wlz-1-private-subnet"]);
    expect(resources(stack, "aws_ec2_carrier_gateway")).toEqual([]);
    expect(
      Object.keys(stack.output!)
        .filter((k) => k.startsWith("Edge"))
        .sort(),
    ).toEqual(["EdgePrivateSubnetIds", "EdgeZoneGroups"]);
  });
});

test("without edge zones: no zone lookup, carrier gateway, Edge outputs or MTU note", () => {
  const result = synth({});
  const stack = result.stack("network");
  expect(stack.data?.aws_availability_zone).toBeUndefined();
  expect(resources(stack, "aws_ec2_carrier_gateway")).toEqual([]);
  expect(Object.keys(stack.output!).filter((k) => k.startsWith("Edge"))).toEqual([]);
  expect(formatSummary(result)).not.toContain("MTU");
});
