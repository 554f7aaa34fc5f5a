import {
  DescribeAddressesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  Instance,
  RouteTable,
} from "@aws-sdk/client-ec2";
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetRolePolicyCommand, ListInstanceProfilesCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import { GetHostedZoneCommand, ListHostedZonesCommand, ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsClients, dnsName, filter } from "../../test-support/aws";
import { emulatorCluster, EmulatorCluster } from "../../test-support/emulator-cluster";
import { EXPECTED_RULES } from "../../test-support/expected-rules";
import { documented, PreparedCommand, runDocumented, runDocumentedOk } from "../../test-support/documented-commands";
import { stepTimer } from "../../test-support/timings";

/**
 * One cluster's whole life on the emulator as a user runs it, with state in a real S3 backend, by
 * the commands README, docs/ and help show, as written (test-support/documented-commands.ts):
 * `cdktf deploy '*'` from nothing (network, infra, bootstrap, machines, and the ingress stack
 * still empty), every object checked with the AWS SDK; `cdktf destroy demo-bootstrap` once the
 * control plane is up; day 2, the router's hostname set, the ingress stack deployed alone; then
 * `cdktf destroy '*'` leaves nothing. The stack-by-stack flow with plain terraform (locks,
 * interrupted applies, removing the bootstrap stack) is terraform-lifecycle.e2e, on its own
 * emulator beside this one.
 */
jest.setTimeout(900_000);

const INFRA_ID = "demo-x7k2p";
const STATE_BUCKET = "e2e-state";
const STACKS = ["demo-network", "demo-infra", "demo-bootstrap", "demo-machines", "demo-ingress"] as const;
const ROUTER = "a1b2c3d4e5f6-1234567890.us-east-1.elb.amazonaws.com";

let env: EmulatorCluster;
let aws: AwsClients;
const outputs = (stack: string) => env.outputs(stack);
const { timings, timed } = stepTimer();
/** What `cdktf diff demo-infra` printed on day 2. */
let infraDiff: string;

/** The test's values for a documented command's placeholders and example values. */
const vars = (more: Record<string, string> = {}) => ({ clusterFile: env.configFile, outdir: env.outdir, cluster: "demo", ...more });
/** Runs documented commands against the emulator; throws with their output when one fails. */
const run = (commands: PreparedCommand | PreparedCommand[]) => runDocumentedOk(commands, { env: env.terraformEnv() });

async function instancesByName(): Promise<Record<string, Instance>> {
  const r = await aws.ec2.send(new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "pending", "running")] }));
  const all = (r.Reservations ?? []).flatMap((res) => res.Instances ?? []);
  return Object.fromEntries(all.map((i) => [i.Tags?.find((t) => t.Key === "Name")?.Value ?? i.InstanceId!, i]));
}

async function targetCount(arns: string[]): Promise<number[]> {
  return Promise.all(arns.map(async (arn) => (await aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions?.length ?? 0));
}

const tagsOf = (tags?: { Key?: string; Value?: string }[]) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

const CLUSTER = {
  network: { availabilityZones: 3, natGateways: "perAz", vpcEndpoints: ["s3", "ec2", "elasticloadbalancing"], networkAcl: true },
  tags: { suite: "e2e" },
  backend: { type: "s3", s3: { bucket: STATE_BUCKET, keyPrefix: "e2e" } },
};

beforeAll(async () => {
  env = await emulatorCluster(STATE_BUCKET);
  aws = env.aws;
  // Installed without the router's hostname, which only the running cluster knows (day 2).
  env.synth(CLUSTER);
  expect(fs.readdirSync(path.join(env.outdir, "stacks")).sort()).toEqual([...STACKS].sort());
  await timed("cdktf deploy '*'", () => run(documented("cdktf-deploy-all", vars())));
});

afterAll(async () => {
  console.log(`e2e timings (s): ${JSON.stringify(timings)}`);
  await env?.close();
});

describe("network stack", () => {
  let out: Record<string, any>;
  beforeAll(async () => {
    out = await outputs("demo-network");
  });

  test("the VPC: CIDR, DNS support and hostnames, tags", async () => {
    const { Vpcs } = await aws.ec2.send(new DescribeVpcsCommand({ VpcIds: [out.VpcId] }));
    expect(Vpcs![0].CidrBlock).toBe("10.0.0.0/16");
    expect(tagsOf(Vpcs![0].Tags)).toMatchObject({ Name: `${INFRA_ID}-vpc`, suite: "e2e", [`kubernetes.io/cluster/${INFRA_ID}`]: "owned" });
    const support = await aws.ec2.send(new DescribeVpcAttributeCommand({ VpcId: out.VpcId, Attribute: "enableDnsSupport" }));
    const hostnames = await aws.ec2.send(new DescribeVpcAttributeCommand({ VpcId: out.VpcId, Attribute: "enableDnsHostnames" }));
    expect(support.EnableDnsSupport?.Value).toBe(true);
    expect(hostnames.EnableDnsHostnames?.Value).toBe(true);
  });

  test("subnets: the templates' CIDRs, one per AZ, with their tags", async () => {
    const { Subnets } = await aws.ec2.send(new DescribeSubnetsCommand({ Filters: [filter("vpc-id", out.VpcId)] }));
    const byId = Object.fromEntries(Subnets!.map((s) => [s.SubnetId, s]));
    const pub = (out.PublicSubnetIds as string[]).map((id) => byId[id]);
    const priv = (out.PrivateSubnetIds as string[]).map((id) => byId[id]);
    expect(pub.map((s) => s.CidrBlock)).toEqual(["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]);
    expect(priv.map((s) => s.CidrBlock)).toEqual(["10.0.48.0/20", "10.0.64.0/20", "10.0.80.0/20"]);
    expect(new Set(pub.map((s) => s.AvailabilityZone)).size).toBe(3);
    expect(priv.map((s) => s.AvailabilityZone)).toEqual(pub.map((s) => s.AvailabilityZone));
    for (const s of pub) expect(tagsOf(s.Tags)).toMatchObject({ [`kubernetes.io/cluster/${INFRA_ID}`]: "shared", "kubernetes.io/role/elb": "1", suite: "e2e" });
    for (const s of priv) expect(tagsOf(s.Tags)).toMatchObject({ [`kubernetes.io/cluster/${INFRA_ID}`]: "shared", "kubernetes.io/role/internal-elb": "1" });
  });

  test("routes: public through the internet gateway, each private table through its AZ's NAT", async () => {
    const { RouteTables } = await aws.ec2.send(new DescribeRouteTablesCommand({ Filters: [filter("vpc-id", out.VpcId)] }));
    const tables: Record<string, RouteTable> = Object.fromEntries(RouteTables!.map((t) => [t.RouteTableId, t]));
    const publicDefault = tables[out.PublicRouteTableId].Routes!.find((r) => r.DestinationCidrBlock === "0.0.0.0/0");
    expect(publicDefault?.GatewayId).toMatch(/^igw-/);
    const { NatGateways } = await aws.ec2.send(new DescribeNatGatewaysCommand({ Filter: [filter("vpc-id", out.VpcId)] }));
    const live = NatGateways!.filter((n) => n.State !== "deleted");
    expect(live).toHaveLength(3);
    expect(live.map((n) => n.SubnetId).sort()).toEqual([...out.PublicSubnetIds].sort());
    (out.PrivateRouteTableIds as string[]).forEach((id, i) => {
      const route = tables[id].Routes!.find((r) => r.DestinationCidrBlock === "0.0.0.0/0");
      const nat = live.find((n) => n.NatGatewayId === route?.NatGatewayId);
      expect(nat?.SubnetId).toBe(out.PublicSubnetIds[i]);
      expect(tables[id].Associations!.map((a) => a.SubnetId)).toContain(out.PrivateSubnetIds[i]);
    });
    const { Addresses } = await aws.ec2.send(new DescribeAddressesCommand({}));
    expect(Addresses!.filter((a) => live.some((n) => n.NatGatewayAddresses?.[0]?.AllocationId === a.AllocationId))).toHaveLength(3);
  });

  test("endpoints: S3 gateway on every route table, ec2 and ELB interfaces with private DNS", async () => {
    const { VpcEndpoints } = await aws.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [filter("vpc-id", out.VpcId)] }));
    const byService = Object.fromEntries(VpcEndpoints!.map((e) => [e.ServiceName!.split(".").pop(), e]));
    expect(Object.keys(byService).sort()).toEqual(["ec2", "elasticloadbalancing", "s3"]);
    expect(byService.s3.ServiceName).toBe("com.amazonaws.us-east-1.s3");
    expect(byService.s3.VpcEndpointType).toBe("Gateway");
    expect([...byService.s3.RouteTableIds!].sort()).toEqual([out.PublicRouteTableId, ...out.PrivateRouteTableIds].sort());
    for (const name of ["ec2", "elasticloadbalancing"]) {
      expect(byService[name].VpcEndpointType).toBe("Interface");
      expect(byService[name].PrivateDnsEnabled).toBe(true);
      expect([...byService[name].SubnetIds!].sort()).toEqual([...out.PrivateSubnetIds].sort());
    }
  });

  test("the public network ACL entries", async () => {
    const { NetworkAcls } = await aws.ec2.send(new DescribeNetworkAclsCommand({ Filters: [filter("vpc-id", out.VpcId), filter("default", "false")] }));
    expect(NetworkAcls).toHaveLength(1);
    const entries = NetworkAcls![0]
      .Entries!.filter((e) => e.RuleNumber! < 32767)
      .map((e) => {
        const match = e.Protocol === "1" ? `type ${e.IcmpTypeCode?.Type} code ${e.IcmpTypeCode?.Code}` : `${e.PortRange?.From}-${e.PortRange?.To}`;
        return `${e.Egress ? "out" : "in"} ${e.RuleNumber} ${e.Protocol} ${match} ${e.CidrBlock} ${e.RuleAction}`;
      })
      .sort();
    // The table of src/network/network.ts (its flows: network-acl.test.ts), as AWS reports it.
    expect(entries).toEqual(
      [
        "in 100 6 80-80 0.0.0.0/0",
        "in 101 6 443-443 0.0.0.0/0",
        "in 102 6 22-22 0.0.0.0/0",
        "in 103 6 1024-65535 0.0.0.0/0",
        "in 104 17 1024-65535 0.0.0.0/0",
        "in 105 17 123-123 10.0.0.0/16",
        "in 106 17 53-53 10.0.0.0/16",
        "in 107 1 type -1 code -1 0.0.0.0/0",
        "out 100 6 0-65535 0.0.0.0/0",
        "out 101 17 1024-65535 0.0.0.0/0",
        "out 102 17 123-123 0.0.0.0/0",
        "out 103 17 53-53 0.0.0.0/0",
        "out 104 1 type -1 code -1 0.0.0.0/0",
      ]
        .map((e) => `${e} allow`)
        .sort(),
    );
    expect(NetworkAcls![0].Associations!.map((a) => a.SubnetId).sort()).toEqual([...out.PublicSubnetIds].sort());
    // Read back, the UDP and ICMP entries plan no change (nothing replaced on the next deploy).
    const again = await runDocumented(documented("terraform-plan", vars({ stack: "demo-network" })), { env: env.terraformEnv() });
    expect({ code: again.code, noChanges: /^No changes\. Your infrastructure matches the configuration\./m.test(again.stdout), out: again.stdout.slice(-2000) }).toMatchObject({
      code: 0,
      noChanges: true,
    });
  });
});

describe("infra stack", () => {
  let out: Record<string, any>;
  beforeAll(async () => {
    out = await outputs("demo-infra");
  });

  test("live security-group rules equal the table", async () => {
    const groups: Record<string, string> = { [out.MasterSecurityGroupId]: "master", [out.WorkerSecurityGroupId]: "worker" };
    const { SecurityGroupRules } = await aws.ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [filter("group-id", out.MasterSecurityGroupId, out.WorkerSecurityGroupId)] }),
    );
    const ingress = SecurityGroupRules!.filter((r) => !r.IsEgress);
    const live = ingress.map((r) => {
      const ports = r.IpProtocol === "50" ? [null, null] : [r.FromPort, r.ToPort];
      const source = r.CidrIpv4 ? (r.CidrIpv4 === "10.0.0.0/16" ? "vpc" : r.CidrIpv4) : groups[r.ReferencedGroupInfo!.GroupId!];
      return [groups[r.GroupId!], source, r.IpProtocol, ...ports].join(" ");
    });
    expect(live.sort()).toEqual(EXPECTED_RULES.map((r) => r.join(" ")).sort());
    const egress = SecurityGroupRules!.filter((r) => r.IsEgress);
    expect(egress.map((r) => `${groups[r.GroupId!]} ${r.IpProtocol} ${r.CidrIpv4}`).sort()).toEqual(["master -1 0.0.0.0/0", "worker -1 0.0.0.0/0"]);
  });

  test("listeners and target groups: ports, protocols, health checks", async () => {
    const { LoadBalancers } = await aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: [`${INFRA_ID}-ext`, `${INFRA_ID}-int`] }));
    const lbs = Object.fromEntries(LoadBalancers!.map((l) => [l.LoadBalancerName, l]));
    expect(lbs[`${INFRA_ID}-ext`].Type).toBe("network");
    // moto leaves Scheme out for internet-facing balancers (the API default).
    expect(lbs[`${INFRA_ID}-ext`].Scheme ?? "internet-facing").toBe("internet-facing");
    expect(lbs[`${INFRA_ID}-int`]).toMatchObject({ Type: "network", Scheme: "internal" });
    const listeners = async (lb: string) =>
      (await aws.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbs[lb].LoadBalancerArn }))).Listeners!.map(
        (l) => `${l.Protocol}:${l.Port}->${l.DefaultActions![0].TargetGroupArn}`,
      );
    expect(await listeners(`${INFRA_ID}-ext`)).toEqual([`TCP:6443->${out.ExternalApiTargetGroupArn}`]);
    expect((await listeners(`${INFRA_ID}-int`)).sort()).toEqual([`TCP:22623->${out.InternalServiceTargetGroupArn}`, `TCP:6443->${out.InternalApiTargetGroupArn}`].sort());

    const { TargetGroups } = await aws.elbv2.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [out.ExternalApiTargetGroupArn, out.InternalApiTargetGroupArn, out.InternalServiceTargetGroupArn] }),
    );
    const check = (arn: string) => {
      const g = TargetGroups!.find((t) => t.TargetGroupArn === arn)!;
      return [
        g.Protocol,
        g.Port,
        g.TargetType,
        g.HealthCheckProtocol,
        g.HealthCheckPath,
        g.HealthCheckPort,
        g.HealthCheckIntervalSeconds,
        g.HealthyThresholdCount,
        g.UnhealthyThresholdCount,
      ];
    };
    expect(check(out.ExternalApiTargetGroupArn)).toEqual(["TCP", 6443, "ip", "HTTPS", "/readyz", "6443", 10, 2, 2]);
    expect(check(out.InternalApiTargetGroupArn)).toEqual(["TCP", 6443, "ip", "HTTPS", "/readyz", "6443", 10, 2, 2]);
    expect(check(out.InternalServiceTargetGroupArn)).toEqual(["TCP", 22623, "ip", "HTTPS", "/healthz", "22623", 10, 2, 2]);
  });

  test("records: public api to the external NLB, private api and api-int to the internal one", async () => {
    const { LoadBalancers } = await aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: [`${INFRA_ID}-ext`, `${INFRA_ID}-int`] }));
    const dns = Object.fromEntries(LoadBalancers!.map((l) => [l.LoadBalancerName, dnsName(l.DNSName)]));
    // The day-2 *.apps records share the zones; they are checked with the ingress stack.
    const records = async (zoneId: string) =>
      Object.fromEntries(
        (await aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId })))
          .ResourceRecordSets!.filter((r) => r.Type === "A" && !dnsName(r.Name).includes(".apps."))
          .map((r) => [dnsName(r.Name), dnsName(r.AliasTarget?.DNSName)]),
      );
    expect(await records(out.PrivateHostedZoneId)).toEqual({
      "api.demo.example.com": dns[`${INFRA_ID}-int`],
      "api-int.demo.example.com": dns[`${INFRA_ID}-int`],
    });
    const { HostedZones } = await aws.route53.send(new ListHostedZonesCommand({}));
    const publicZone = HostedZones!.find((z) => dnsName(z.Name) === "example.com")!;
    expect(await records(publicZone.Id!.replace("/hostedzone/", ""))).toEqual({ "api.demo.example.com": dns[`${INFRA_ID}-ext`] });
    const privateZone = await aws.route53.send(new GetHostedZoneCommand({ Id: out.PrivateHostedZoneId }));
    expect(dnsName(privateZone.HostedZone!.Name)).toBe("demo.example.com");
    expect(privateZone.VPCs!.map((v) => v.VPCId)).toEqual([(await outputs("demo-network")).VpcId]);
  });

  test("docs/edge-zones.md's script reads WorkerSecurityGroupId as written", async () => {
    const r = await run(documented("worker-security-group-output", vars()));
    expect(r.stdout).toBe(out.WorkerSecurityGroupId);
  });

  test("roles carry the least-privilege actions", async () => {
    const policy = async (role: string) =>
      JSON.parse(
        decodeURIComponent((await aws.iam.send(new GetRolePolicyCommand({ RoleName: `${INFRA_ID}-${role}-role`, PolicyName: `${INFRA_ID}-${role}-policy` }))).PolicyDocument!),
      );
    expect((await policy("worker")).Statement).toEqual([{ Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeRegions"], Resource: "*" }]);
    const master = (await policy("master")).Statement;
    expect(master).toHaveLength(1);
    expect(master[0].Action).toHaveLength(38);
    expect(master[0].Action).toContain("elasticloadbalancing:RegisterTargets");
    expect(master[0].Action).toContain("kms:DescribeKey");
  });
});

describe("bootstrap and machines stacks", () => {
  let infra: Record<string, any>;
  let groups: string[];

  beforeAll(async () => {
    infra = await outputs("demo-infra");
    groups = [infra.ExternalApiTargetGroupArn, infra.InternalApiTargetGroupArn, infra.InternalServiceTargetGroupArn];
  });

  test("six running instances with IMDSv2 required, their groups and profiles", async () => {
    const instances = await instancesByName();
    const names = Object.keys(instances)
      .filter((n) => n.startsWith(INFRA_ID))
      .sort();
    expect(names).toEqual(
      [0, 1, 2]
        .map((i) => `${INFRA_ID}-master-${i}`)
        .concat(`${INFRA_ID}-bootstrap`, `${INFRA_ID}-worker-0`, `${INFRA_ID}-worker-1`)
        .sort(),
    );
    for (const name of names) expect(instances[name].MetadataOptions?.HttpTokens).toBe("required");
    const sgs = (n: string) => instances[n].SecurityGroups!.map((g) => g.GroupId).sort();
    expect(sgs(`${INFRA_ID}-master-1`)).toEqual([infra.MasterSecurityGroupId]);
    expect(sgs(`${INFRA_ID}-worker-0`)).toEqual([infra.WorkerSecurityGroupId]);
    expect(sgs(`${INFRA_ID}-bootstrap`)).toContain(infra.MasterSecurityGroupId);
    expect(sgs(`${INFRA_ID}-bootstrap`)).toHaveLength(2);
    expect(instances[`${INFRA_ID}-master-0`].IamInstanceProfile?.Arn).toMatch(/instance-profile\/demo-x7k2p-master-profile$/);
    expect(instances[`${INFRA_ID}-worker-0`].IamInstanceProfile?.Arn).toMatch(/instance-profile\/demo-x7k2p-worker-profile$/);
    expect(instances[`${INFRA_ID}-bootstrap`].IamInstanceProfile?.Arn).toMatch(/instance-profile\/demo-x7k2p-bootstrap-profile$/);
    expect(instances[`${INFRA_ID}-bootstrap`].PublicIpAddress).toBeTruthy();
    expect(instances[`${INFRA_ID}-master-0`].PublicIpAddress).toBeFalsy();
  });

  test("user data: the pointer configs", async () => {
    const instances = await instancesByName();
    const userData = async (name: string) => {
      const r = await aws.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instances[name].InstanceId, Attribute: "userData" }));
      return JSON.parse(Buffer.from(r.UserData!.Value!, "base64").toString("utf8"));
    };
    const master = await userData(`${INFRA_ID}-master-2`);
    expect(master.ignition.config.merge[0].source).toBe("https://api-int.demo.example.com:22623/config/master");
    expect(master.ignition.security.tls.certificateAuthorities[0].source).toMatch(/^data:text\/plain;charset=utf-8;base64,/);
    const worker = await userData(`${INFRA_ID}-worker-1`);
    expect(worker.ignition.config.merge[0].source).toBe("https://api-int.demo.example.com:22623/config/worker");
    const bootstrap = await userData(`${INFRA_ID}-bootstrap`);
    const { Buckets } = await aws.s3.send(new ListBucketsCommand({}));
    const bucket = Buckets!.find((b) => b.Name!.startsWith(`${INFRA_ID}-ign-`));
    // The cluster file names no S3 endpoint (Terraform reaches the emulator through AWS_ENDPOINT_URL), so
    // the node fetches with its role, as on AWS; on a custom endpoint it is https (restricted.e2e).
    expect(bootstrap).toEqual({ ignition: { config: { replace: { source: `s3://${bucket!.Name}/bootstrap.ign` } }, version: "3.1.0" } });
  });

  test("12 registered targets: bootstrap and 3 masters in each of the three groups", async () => {
    expect(await targetCount(groups)).toEqual([4, 4, 4]);
  });

  test("the ingress stack is empty until day 2, and infra's state already holds the zones it will read", async () => {
    expect(await outputs("demo-ingress")).toEqual({});
    const { HostedZones } = await aws.route53.send(new ListHostedZonesCommand({}));
    for (const zone of HostedZones!) {
      const { ResourceRecordSets } = await aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }));
      expect(ResourceRecordSets!.filter((r) => dnsName(r.Name).includes(".apps."))).toEqual([]);
    }
    const crossStack = Object.keys(await outputs("demo-infra")).filter((k) => k.startsWith("cross-stack-output-"));
    expect(crossStack.filter((k) => /route53_zone/.test(k))).toHaveLength(2);
  });
});

describe("after `openshift-install wait-for bootstrap-complete`: cdktf destroy demo-bootstrap", () => {
  beforeAll(async () => {
    // Meanwhile, from a second checkout of the day-2 cluster file (its own output folder):
    // `cdktf diff demo-infra` with the router's hostname set. Apart from the infra state it reads,
    // it shares nothing with the destroy, and it mostly waits on the emulator as the destroy does.
    const dayTwo = path.join(env.dir, "day2.out");
    const clusterFile = env.synth({ ...CLUSTER, ingress: { routerLoadBalancerHostname: ROUTER } }, dayTwo);
    [, infraDiff] = await Promise.all([
      timed("cdktf destroy demo-bootstrap", () => run(documented("cdktf-destroy-bootstrap", vars()))),
      timed("cdktf diff demo-infra", async () => (await run(documented("cdktf-diff", vars({ stack: "demo-infra", clusterFile, outdir: dayTwo })))).stdout),
    ]);
  });

  test("the bootstrap node and its registrations are gone; the masters stay registered", async () => {
    const infra = await outputs("demo-infra");
    expect(await targetCount([infra.ExternalApiTargetGroupArn, infra.InternalApiTargetGroupArn, infra.InternalServiceTargetGroupArn])).toEqual([3, 3, 3]);
    expect(
      Object.keys(await instancesByName())
        .filter((n) => n.startsWith(INFRA_ID))
        .sort(),
    ).toEqual(
      [0, 1, 2]
        .map((i) => `${INFRA_ID}-master-${i}`)
        .concat(`${INFRA_ID}-worker-0`, `${INFRA_ID}-worker-1`)
        .sort(),
    );
  });

  test("day 2's infra plan, the router's hostname set: no change, outputs included", () => {
    expect(infraDiff).toMatch(/No changes\. Your infrastructure matches the configuration\./);
    expect(infraDiff).not.toMatch(/Changes to Outputs|Plan: /);
  });
});

describe("day 2: ingress.routerLoadBalancerHostname set, the ingress stack deployed alone as README writes it", () => {
  beforeAll(async () => {
    env.synth({ ...CLUSTER, ingress: { routerLoadBalancerHostname: ROUTER } });
    await timed("cdktf deploy demo-ingress", () => run(documented("cdktf-deploy-ingress", vars())));
  });

  test("*.apps alias records in both zones to the router's load balancer", async () => {
    const { HostedZones } = await aws.route53.send(new ListHostedZonesCommand({}));
    for (const zone of HostedZones!.filter((z) => ["example.com", "demo.example.com"].includes(dnsName(z.Name)))) {
      const { ResourceRecordSets } = await aws.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }));
      const apps = ResourceRecordSets!.filter((r) => dnsName(r.Name).replace("\\052", "*") === "*.apps.demo.example.com");
      expect({ zone: zone.Name, records: apps.map((r) => [r.Type, dnsName(r.AliasTarget?.DNSName)]) }).toEqual({ zone: zone.Name, records: [["A", ROUTER]] });
    }
  });
});

describe("cdktf destroy '*'", () => {
  beforeAll(async () => {
    await timed("cdktf destroy '*'", () => run(documented("cdktf-destroy-all", vars())));
  });

  test("nothing of the cluster is left", async () => {
    expect(Object.keys(await instancesByName()).filter((n) => n.startsWith(INFRA_ID))).toEqual([]);
    const { Vpcs } = await aws.ec2.send(new DescribeVpcsCommand({}));
    expect(Vpcs!.filter((v) => !v.IsDefault)).toEqual([]);
    const { LoadBalancers } = await aws.elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(LoadBalancers).toEqual([]);
    const { TargetGroups } = await aws.elbv2.send(new DescribeTargetGroupsCommand({}));
    expect(TargetGroups).toEqual([]);
    const { Roles } = await aws.iam.send(new ListRolesCommand({}));
    expect(Roles!.filter((r) => r.RoleName!.startsWith(INFRA_ID))).toEqual([]);
    const { InstanceProfiles } = await aws.iam.send(new ListInstanceProfilesCommand({}));
    expect(InstanceProfiles!.filter((p) => p.InstanceProfileName!.startsWith(INFRA_ID))).toEqual([]);
    const { HostedZones } = await aws.route53.send(new ListHostedZonesCommand({}));
    expect(HostedZones!.map((z) => dnsName(z.Name))).toEqual(["example.com"]);
    const { NatGateways } = await aws.ec2.send(new DescribeNatGatewaysCommand({}));
    expect(NatGateways!.filter((n) => n.State !== "deleted")).toEqual([]);
    const { Addresses } = await aws.ec2.send(new DescribeAddressesCommand({}));
    expect(Addresses).toEqual([]);
    const { SecurityGroups } = await aws.ec2.send(new DescribeSecurityGroupsCommand({}));
    expect(SecurityGroups!.filter((g) => g.GroupName !== "default")).toEqual([]);
    const { Buckets } = await aws.s3.send(new ListBucketsCommand({}));
    expect(Buckets!.map((b) => b.Name)).toEqual([STATE_BUCKET]);
  });

  test("every stack's state is in the bucket, and empty", async () => {
    const { Contents } = await aws.s3.send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }));
    expect(Contents!.map((c) => c.Key).sort()).toEqual(STACKS.map((s) => `e2e/${s}.tfstate`).sort());
    for (const stack of STACKS) {
      const object = await aws.s3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `e2e/${stack}.tfstate` }));
      expect({ stack, resources: JSON.parse(await object.Body!.transformToString()).resources }).toEqual({ stack, resources: [] });
    }
  });
});
