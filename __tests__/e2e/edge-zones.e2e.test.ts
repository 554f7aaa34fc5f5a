import { DescribeCarrierGatewaysCommand, DescribeRouteTablesCommand, DescribeSubnetsCommand, DescribeVpcsCommand, RouteTable } from "@aws-sdk/client-ec2";
import { filter } from "../../test-support/aws";
import { documented, runDocumentedOk } from "../../test-support/documented-commands";
import { emulatorCluster, EmulatorCluster } from "../../test-support/emulator-cluster";
import { terraform, terraformOk } from "../../test-support/terraform";
import { stepTimer } from "../../test-support/timings";

/**
 * Edge zones on the emulator, network stack only: a Local Zone and a Wavelength Zone applied,
 * planned again, destroyed; then a zone that is not opted in stops the plan. No NAT gateways (their
 * waits are most of an apply's time on the emulator); the zones' parent, us-east-1a, is the second
 * of two AZs, so that joining the parent's private route table shows apart from the fallback. The emulator's zones (us-east-1-nyc-1a, us-east-1-wl1-bos-wlz-1 opted in, us-east-1-bos-1a
 * not) come from scripts/emulator/moto_launcher.py. It has no public IPv4 pools, so the pool is
 * covered by synth tests and terraform validate only.
 */
jest.setTimeout(600_000);

const INFRA_ID = "demo-x7k2p";
const STACK = "demo-network";
const LOCAL = { name: "us-east-1-nyc-1a", type: "local-zone", cidr: "10.0.128.0/24" };
const WAVELENGTH = { name: "us-east-1-wl1-bos-wlz-1", type: "wavelength-zone" };
const ZONES = ["us-east-1b", "us-east-1a"];
let env: EmulatorCluster;
let out: Record<string, any>;
const { timings, timed } = stepTimer();

const tagsOf = (tags?: { Key?: string; Value?: string }[]) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

beforeAll(async () => {
  env = await emulatorCluster("edge-state");
  env.synth({ network: { availabilityZones: ZONES, natGateways: "none", edgeZones: [LOCAL, WAVELENGTH] } });
  await timed("network apply", () => env.apply(STACK));
  out = await env.outputs(STACK);
});

afterAll(async () => {
  console.log(`edge-zones e2e timings (s): ${JSON.stringify(timings)}`);
  await env?.close();
});

describe("a Local Zone and a Wavelength Zone, applied", () => {
  let tables: RouteTable[];
  const tableOf = (subnetId: string) => tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnetId))!;
  const defaultRoute = (subnetId: string) => tableOf(subnetId).Routes!.find((r) => r.DestinationCidrBlock === "0.0.0.0/0");

  beforeAll(async () => {
    tables = (await env.aws.ec2.send(new DescribeRouteTablesCommand({ Filters: [filter("vpc-id", out.VpcId)] }))).RouteTables!;
  });

  test("the outputs name each zone's subnets and zone group", () => {
    expect(Object.keys(out.EdgePrivateSubnetIds).sort()).toEqual([LOCAL.name, WAVELENGTH.name]);
    expect(Object.keys(out.EdgePublicSubnetIds).sort()).toEqual([LOCAL.name, WAVELENGTH.name]);
    expect(out.EdgeZoneGroups).toEqual({ [LOCAL.name]: "us-east-1-nyc-1", [WAVELENGTH.name]: "us-east-1-wl1" });
  });

  test("docs/edge-zones.md's script reads a zone's subnet and zone group for its MachineSet, as written", async () => {
    const vars = { outdir: env.outdir, zone: LOCAL.name };
    const script = [documented("edge-zone-variable", vars), documented("edge-private-subnet", vars), documented("edge-zone-group", vars)];
    const r = await runDocumentedOk(script, { env: env.terraformEnv() });
    expect(r.stdout.trim().split("\n")).toEqual([out.EdgePrivateSubnetIds[LOCAL.name], "us-east-1-nyc-1"]);
  });

  test("the subnets: in their zones, the blocks halved, tagged", async () => {
    const ids = [...Object.values<string>(out.EdgePrivateSubnetIds), ...Object.values<string>(out.EdgePublicSubnetIds)];
    const { Subnets } = await env.aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ids }));
    const byName = Object.fromEntries(Subnets!.map((s) => [tagsOf(s.Tags).Name!, s]));
    expect(Object.fromEntries(Subnets!.map((s) => [tagsOf(s.Tags).Name, [s.AvailabilityZone, s.CidrBlock]]))).toEqual({
      [`${INFRA_ID}-private-${LOCAL.name}`]: [LOCAL.name, "10.0.128.0/25"],
      [`${INFRA_ID}-public-${LOCAL.name}`]: [LOCAL.name, "10.0.128.128/25"],
      [`${INFRA_ID}-private-${WAVELENGTH.name}`]: [WAVELENGTH.name, "10.0.112.0/21"],
      [`${INFRA_ID}-public-${WAVELENGTH.name}`]: [WAVELENGTH.name, "10.0.120.0/21"],
    });
    expect(tagsOf(byName[`${INFRA_ID}-public-${LOCAL.name}`].Tags)).toMatchObject({
      [`kubernetes.io/cluster/${INFRA_ID}`]: "shared",
      "kubernetes.io/cluster/unmanaged": "true",
    });
  });

  test("routes: private subnets in their parent AZ's private table, the Local Zone's public subnet through the internet gateway, the Wavelength one through the carrier gateway", async () => {
    for (const id of Object.values<string>(out.EdgePrivateSubnetIds)) expect(tableOf(id).RouteTableId).toBe(out.PrivateRouteTableIds[ZONES.indexOf("us-east-1a")]);
    expect(tableOf(out.EdgePublicSubnetIds[LOCAL.name]).RouteTableId).toBe(out.PublicRouteTableId);
    expect(defaultRoute(out.EdgePublicSubnetIds[LOCAL.name])?.GatewayId).toMatch(/^igw-/);
    const carrier = defaultRoute(out.EdgePublicSubnetIds[WAVELENGTH.name])?.CarrierGatewayId;
    const { CarrierGateways } = await env.aws.ec2.send(new DescribeCarrierGatewaysCommand({ Filters: [filter("vpc-id", out.VpcId)] }));
    expect(CarrierGateways!.map((g) => [g.CarrierGatewayId, tagsOf(g.Tags).Name])).toEqual([[carrier, `${INFRA_ID}-cagw`]]);
  });

  test("a second plan changes nothing", async () => {
    const plan = await timed("network plan again", () => terraform(env.stackDir(STACK), ["plan", "-detailed-exitcode", "-input=false"], env.terraformEnv()));
    expect({ code: plan.code, out: plan.code === 0 ? "" : plan.stdout.slice(-3000) + plan.stderr }).toEqual({ code: 0, out: "" });
  });

  test("destroy leaves no VPC and no carrier gateway", async () => {
    await timed("network destroy", () => terraformOk(env.stackDir(STACK), ["destroy", "-auto-approve", "-input=false"], env.terraformEnv()));
    const { Vpcs } = await env.aws.ec2.send(new DescribeVpcsCommand({ Filters: [filter("tag:Name", `${INFRA_ID}-vpc`)] }));
    expect(Vpcs).toEqual([]);
    const { CarrierGateways } = await env.aws.ec2.send(new DescribeCarrierGatewaysCommand({}));
    expect(CarrierGateways).toEqual([]);
  });
});

test("a zone that is not opted in stops the plan, naming the command that opts it in", async () => {
  env.synth({ network: { availabilityZones: ZONES, natGateways: "none", edgeZones: [{ name: "us-east-1-bos-1a", type: "local-zone" }] } });
  const plan = await timed("plan, zone not opted in", () => terraform(env.stackDir(STACK), ["plan", "-input=false"], env.terraformEnv()));
  expect(plan.code).toBe(1);
  expect(plan.stderr.replace(/\s+/g, " ")).toContain(
    "network.edgeZones[0]: us-east-1-bos-1a is not opted in (opt_in_status: not-opted-in); opt in with: " +
      "aws ec2 modify-availability-zone-group --region us-east-1 --group-name us-east-1-bos-1 --opt-in-status opted-in",
  );
});
