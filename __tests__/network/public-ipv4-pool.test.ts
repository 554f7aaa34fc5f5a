import { Testing, TerraformStack } from "cdktf";
import { OpenShiftUpiCluster } from "../../src/cluster/openshift-upi-cluster";
import { baseCluster, resources, resourceValues, StackJson, synthCluster } from "../../test-support/synth";

const POOL = "ipv4pool-ec2-0123456789abcdef0";

const allEips = (json: Record<string, StackJson>) => Object.values(json).flatMap((s) => resourceValues(s, "aws_eip"));
const externalLb = (stack: StackJson) => resourceValues(stack, "aws_lb").find((lb) => lb.name.endsWith("-ext"));
const poolCheck = (stack: StackJson) => Object.values(stack.data?.aws_ec2_public_ipv4_pool ?? {});

describe("network.publicIpv4Pool", () => {
  const result = synthCluster(baseCluster({ network: { publicIpv4Pool: POOL } }));
  const infra = result.stack("infra");
  const bootstrap = result.stack("bootstrap");

  test("every Elastic IP comes from the pool: 3 NAT gateways, 3 external NLB subnets, the bootstrap node", () => {
    const eips = allEips(result.json);
    expect(eips.map((e) => e.tags.Name.replace(/\$\{.*\}/, "<az>")).sort()).toEqual(
      ["bootstrap", "ext-0", "ext-1", "ext-2", "nat-<az>", "nat-<az>", "nat-<az>"].map((n) => `demo-x7k2p-${n}`),
    );
    for (const eip of eips) expect(eip).toMatchObject({ domain: "vpc", public_ipv4_pool: POOL });
  });

  test("the external NLB maps each public subnet to one of its addresses; the internal NLB is unchanged", () => {
    const lb = externalLb(infra);
    expect(lb.subnets).toBeUndefined();
    const eips = resources(infra, "aws_eip");
    expect(lb.subnet_mapping).toEqual(
      eips.map(([name], i) => ({
        subnet_id: expect.stringMatching(new RegExp(`cross-stack-output-aws_subnetnetwork_public-subnet-${i}_`)),
        allocation_id: `\${aws_eip.${name}.allocation_id}`,
      })),
    );
    expect(resourceValues(infra, "aws_lb").find((l) => l.internal).subnets).toHaveLength(3);
  });

  test("the bootstrap node gets an EIP from the pool instead of an auto-assigned address", () => {
    const [[instanceName, instance]] = resources(bootstrap, "aws_instance");
    expect(instance.associate_public_ip_address).toBe(false);
    const [[eipName, eip]] = resources(bootstrap, "aws_eip");
    expect(eip.instance).toBe(`\${aws_instance.${instanceName}.id}`);
    expect(bootstrap.output!.BootstrapPublicIp.value).toBe(`\${aws_eip.${eipName}.public_ip}`);
  });

  test("the first stack planned stops the plan when the pool is short, naming the shortfall", () => {
    const [check] = poolCheck(result.stack("network"));
    const held = Object.keys(result.stack("network").data!.aws_eips)[0];
    expect(result.stack("network").data!.aws_eips[held].tags).toEqual({ "kubernetes.io/cluster/demo-x7k2p": "owned" });
    const heldCount = `length(data.aws_eips.${held}.allocation_ids)`;
    expect(check.pool_id).toBe(POOL);
    expect(check.lifecycle.postcondition).toEqual([
      {
        condition: `\${((self.total_available_address_count + ${heldCount}) >= 7)}`,
        error_message:
          `network.publicIpv4Pool ${POOL} is short by \${((7 - ${heldCount}) - self.total_available_address_count)} addresses: ` +
          `it has \${self.total_available_address_count} free, and the cluster needs 7 (3 NAT gateways, 3 API load balancer subnets, 1 bootstrap node) ` +
          `and holds \${${heldCount}}. Release addresses from the pool, add a range to it, or need fewer (natGateways: single, fewer AZs).`,
      },
    ]);
    expect(poolCheck(infra)).toEqual([]);
    expect(poolCheck(bootstrap)).toEqual([]);
  });
});

describe("the pool's count follows the cluster", () => {
  const needed = (stack: StackJson) => /needs (\d+) \((.*?)\)/.exec(poolCheck(stack)[0].lifecycle.postcondition[0].error_message)!.slice(1).join(": ");

  test.each([
    [
      "2 AZs, a single NAT gateway",
      { network: { publicIpv4Pool: POOL, availabilityZones: 2, natGateways: "single" } },
      "network",
      "4: 1 NAT gateways, 2 API load balancer subnets, 1 bootstrap node",
    ],
    [
      "no NAT, bootstrap removed",
      { network: { publicIpv4Pool: POOL, natGateways: "none" }, machines: { rhcosAmi: "ami-0123456789abcdef0", bootstrap: { enabled: false } } },
      "network",
      "3: 0 NAT gateways, 3 API load balancer subnets, 0 bootstrap node",
    ],
    [
      "an existing VPC: checked in the infra stack",
      { network: { publicIpv4Pool: POOL, existingVpc: { vpcId: "vpc-0abc", publicSubnetIds: ["subnet-a", "subnet-b"], privateSubnetIds: ["subnet-c", "subnet-d"] } } },
      "infra",
      "3: 0 NAT gateways, 2 API load balancer subnets, 1 bootstrap node",
    ],
  ])("%s", (_name, overrides, stack, expected) => {
    expect(needed(synthCluster(baseCluster(overrides)).stack(stack))).toBe(expected);
  });

  test("the one-stack construct checks once", () => {
    const stack = new TerraformStack(Testing.app(), "one");
    new OpenShiftUpiCluster(stack, "cluster", {
      clusterName: "demo",
      baseDomain: "example.com",
      infraId: "demo-x7k2p",
      region: "us-east-1",
      publicIpv4Pool: POOL,
      bootstrap: { enabled: false },
      controlPlane: { replicas: 0 },
      compute: { replicas: 0 },
      network: { availabilityZones: 1 },
    });
    const json: StackJson = JSON.parse(Testing.synth(stack));
    expect(poolCheck(json)).toHaveLength(1);
    expect(allEips({ one: json }).map((e) => e.public_ipv4_pool)).toEqual([POOL, POOL]);
  });
});

test("without a pool: no pool check, no pool on any EIP, the NLB keeps `subnets` and the bootstrap node its own address", () => {
  const { json } = synthCluster(baseCluster());
  const infra = Object.values(json).find((s) => externalLb(s))!;
  expect(Object.values(json).flatMap(poolCheck)).toEqual([]);
  for (const eip of allEips(json)) expect(eip).not.toHaveProperty("public_ipv4_pool");
  expect(externalLb(infra)).not.toHaveProperty("subnet_mapping");
  expect(externalLb(infra).subnets).toHaveLength(3);
  const bootstrap = Object.entries(json).find(([name]) => name.endsWith("-bootstrap"))![1];
  expect(resourceValues(bootstrap, "aws_instance")[0].associate_public_ip_address).toBe(true);
  expect(resources(bootstrap, "aws_eip")).toEqual([]);
});
