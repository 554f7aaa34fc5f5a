import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  Instance,
  ModifyVpcAttributeCommand,
  RegisterImageCommand,
} from "@aws-sdk/client-ec2";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  ListInstanceProfilesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateHostedZoneCommand, GetHostedZoneCommand, ListHostedZonesCommand, ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsClients, awsClientsOfAccount, dnsName, filter } from "../../test-support/aws";
import { emulatorCluster, EmulatorCluster } from "../../test-support/emulator-cluster";
import { terraform } from "../../test-support/terraform";
import { stepTimer } from "../../test-support/timings";

/**
 * The restricted-account cases on one emulator, deployed side by side and destroyed side by side
 * with plain terraform, state in the emulator's S3:
 *
 * - "shared": a shared VPC. The network team (its own account) made the VPC, a private subnet and
 *   the private zone `shared.example.com`, and a role the cluster assumes to write records there;
 *   the security team made an instance profile and a baseline security group for compute. The
 *   cluster brings none of those, and leaves them as it found them.
 * - "private": a private-only VPC of the cluster's own, with no internet gateway: its egress is
 *   the S3, ec2, ELB and STS endpoints.
 *
 * Both are Internal, in one AZ, with one master and one worker: the AWS provider's fixed waits on
 * the NLBs and Route 53 are most of the time, and they overlap. The private-only cluster's file
 * reaches the emulator through aws.serviceEndpoints, as an account behind private endpoints
 * reaches AWS: its provider, backend and remote-state blocks carry them, and its bootstrap node
 * fetches its Ignition config over http(s) from the endpoint. The shared VPC's reaches it as the
 * other suites do (AWS_ENDPOINT_URL).
 */
jest.setTimeout(900_000);

const NETWORK_ACCOUNT = "111122223333";
const ZONE_ROLE = `arn:aws:iam::${NETWORK_ACCOUNT}:role/cluster-dns`;
const SHARED = { clusterName: "shared", infraId: "shared-a1b2c" } as const;
const PRIVATE = { clusterName: "private", infraId: "private-d3e4f" } as const;
const ORDER = ["network", "infra", ["bootstrap", "machines"], "ingress"] as const;

let env: EmulatorCluster;
let aws: AwsClients;
/** The network team's account. */
let network: AwsClients;
const { timings, timed } = stepTimer();
const out = { shared: "", private: "" };

/** What the network and security teams made, as they made it. */
const teams = { vpcId: "", subnetId: "", zoneId: "", securityGroupId: "", armImage: "" };

/** Whether a synthesized stack creates anything (the shared VPC's network stack and both ingress stacks do not). */
const createsResources = (outdir: string, stack: string) =>
  Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")).resource ?? {}).length > 0;

/**
 * The cluster's stacks that create something, in dependency order (bootstrap and machines
 * together); `reverse` for destroy. An empty stack has nothing to deploy or destroy.
 */
async function eachStack(outdir: string, fn: (stack: string) => Promise<void>, reverse = false): Promise<void> {
  const present = fs.readdirSync(path.join(outdir, "stacks")).filter((stack) => createsResources(outdir, stack));
  const steps = reverse ? [...ORDER].reverse() : ORDER;
  for (const step of steps) {
    const stacks = [step].flat().flatMap((suffix) => present.filter((s) => s.endsWith(`-${suffix}`)));
    await Promise.all(stacks.map((stack) => timed(`${stack}${reverse ? " destroy" : ""}`, () => fn(stack))));
  }
}

async function instancesOf(infraId: string): Promise<Record<string, Instance>> {
  const r = await aws.ec2.send(
    new DescribeInstancesCommand({ Filters: [filter("instance-state-name", "pending", "running"), filter("tag-key", `kubernetes.io/cluster/${infraId}`)] }),
  );
  const all = (r.Reservations ?? []).flatMap((res) => res.Instances ?? []);
  return Object.fromEntries(all.map((i) => [i.Tags?.find((t) => t.Key === "Name")?.Value ?? i.InstanceId!, i]));
}

async function bootstrapSource(infraId: string): Promise<string> {
  const node = (await instancesOf(infraId))[`${infraId}-bootstrap`];
  const r = await aws.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: node.InstanceId, Attribute: "userData" }));
  return JSON.parse(Buffer.from(r.UserData!.Value!, "base64").toString("utf8")).ignition.config.replace.source;
}

/** Everything the teams own, for "untouched" after the cluster is gone. */
async function teamObjects() {
  const [vpc, subnet, group, profile, role, zone, records, zoneRole] = await Promise.all([
    aws.ec2.send(new DescribeVpcsCommand({ VpcIds: [teams.vpcId] })).then((r) => r.Vpcs),
    aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [teams.subnetId] })).then((r) => r.Subnets),
    aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [teams.securityGroupId] })).then((r) => r.SecurityGroups),
    aws.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "ocp-compute" })).then((r) => r.InstanceProfile),
    aws.iam.send(new GetRoleCommand({ RoleName: "ocp-compute" })).then((r) => r.Role),
    network.route53.send(new GetHostedZoneCommand({ Id: teams.zoneId })),
    network.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: teams.zoneId })).then((r) => r.ResourceRecordSets),
    network.iam.send(new GetRoleCommand({ RoleName: "cluster-dns" })).then((r) => r.Role),
  ]);
  return {
    vpc,
    // EC2 keeps counting the addresses of terminated instances for a while (moto for good).
    subnet: subnet!.map(({ AvailableIpAddressCount: _count, ...rest }) => rest),
    group,
    profile,
    role,
    zone: { ...zone, $metadata: undefined },
    records,
    // Using the role (AssumeRole) is no change to it.
    zoneRole: { ...zoneRole, RoleLastUsed: undefined },
  };
}

let before: Awaited<ReturnType<typeof teamObjects>>;

beforeAll(async () => {
  env = await emulatorCluster("restricted-state");
  aws = env.aws;
  network = awsClientsOfAccount(env.emulator.endpoint, NETWORK_ACCOUNT);

  // The network team: a VPC with DNS, one private subnet, the cluster's private zone on the VPC
  // (in its own account), and a role the cluster's account may assume to write records there.
  const vpc = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16", TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "team", Value: "network" }] }] }));
  teams.vpcId = vpc.Vpc!.VpcId!;
  await aws.ec2.send(new ModifyVpcAttributeCommand({ VpcId: teams.vpcId, EnableDnsHostnames: { Value: true } }));
  const subnet = await aws.ec2.send(
    new CreateSubnetCommand({
      VpcId: teams.vpcId,
      CidrBlock: "10.20.0.0/20",
      AvailabilityZone: "us-east-1a",
      TagSpecifications: [
        {
          ResourceType: "subnet",
          Tags: [
            { Key: "team", Value: "network" },
            { Key: "kubernetes.io/role/internal-elb", Value: "1" },
          ],
        },
      ],
    }),
  );
  teams.subnetId = subnet.Subnet!.SubnetId!;
  const zone = await network.route53.send(
    new CreateHostedZoneCommand({
      Name: "shared.example.com",
      CallerReference: "network-team",
      HostedZoneConfig: { PrivateZone: true, Comment: "network team" },
      VPC: { VPCId: teams.vpcId, VPCRegion: "us-east-1" },
    }),
  );
  teams.zoneId = zone.HostedZone!.Id!.replace("/hostedzone/", "");
  await network.iam.send(
    new CreateRoleCommand({
      RoleName: "cluster-dns",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }],
      }),
    }),
  );
  // The security team: the compute nodes' role and profile, and a baseline group.
  await aws.iam.send(
    new CreateRoleCommand({
      RoleName: "ocp-compute",
      AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    }),
  );
  await aws.iam.send(
    new PutRolePolicyCommand({
      RoleName: "ocp-compute",
      PolicyName: "describe",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeRegions"], Resource: "*" }] }),
    }),
  );
  await aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "ocp-compute" }));
  await aws.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "ocp-compute", RoleName: "ocp-compute" }));
  const group = await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: "corp-baseline", Description: "Security team baseline", VpcId: teams.vpcId }));
  teams.securityGroupId = group.GroupId!;
  await aws.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: teams.securityGroupId,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 9100, ToPort: 9100, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }],
    }),
  );
  // An arm64 compute pool needs its own AMI.
  const arm = await aws.ec2.send(new RegisterImageCommand({ Name: "rhcos-arm64", RootDeviceName: "/dev/xvda", Architecture: "arm64", VirtualizationType: "hvm" }));
  teams.armImage = arm.ImageId!;
  before = await teamObjects();

  out.shared = path.join(env.dir, "shared.out");
  out.private = path.join(env.dir, "private.out");
  // The RHCOS stand-in the emulator cluster registered; a file's machines replace the defaults whole.
  const { Images } = await aws.ec2.send(new DescribeImagesCommand({ Filters: [filter("name", "rhcos")] }));
  const rhcosAmi = Images![0].ImageId;
  env.synth(
    {
      ...SHARED,
      publish: "Internal",
      network: { existingVpc: { vpcId: teams.vpcId, privateSubnetIds: [teams.subnetId] } },
      dns: { privateHostedZoneId: teams.zoneId, hostedZoneRoleArn: ZONE_ROLE },
      machines: {
        rhcosAmi,
        controlPlane: { replicas: 3 },
        compute: {
          replicas: 1,
          ami: teams.armImage,
          instanceType: "m6g.large",
          iamInstanceProfile: "ocp-compute",
          additionalSecurityGroupIds: [teams.securityGroupId],
          rootVolume: { throughput: 250 },
        },
      },
      backend: { type: "s3", s3: { bucket: env.stateBucket, keyPrefix: "shared" } },
    },
    out.shared,
  );
  env.synth(
    {
      ...PRIVATE,
      publish: "Internal",
      network: {
        vpcCidr: "10.30.0.0/16",
        availabilityZones: ["us-east-1a"],
        internetGateway: false,
        natGateways: "none",
        vpcEndpoints: ["s3", "ec2", "elasticloadbalancing", "sts"],
      },
      machines: { rhcosAmi, controlPlane: { replicas: 3 }, compute: { replicas: 1 } },
      backend: { type: "s3", s3: { bucket: env.stateBucket, keyPrefix: "private" } },
    },
    out.private,
    "cluster file",
  );
  await Promise.all((["shared", "private"] as const).map((c) => timed(`${c}: apply every stack`, () => eachStack(out[c], (stack) => env.apply(stack, out[c])))));
});

afterAll(async () => {
  console.log(`restricted e2e timings (s): ${JSON.stringify(timings)}`);
  await env?.close();
});

describe("deployed", () => {
  test("a second plan is empty where it matters: no machine is touched, no record drifts", async () => {
    const stacks = [`${SHARED.clusterName}-infra`, `${SHARED.clusterName}-machines`, `${PRIVATE.clusterName}-machines`];
    const plans = await Promise.all(
      stacks.map(async (stack) => {
        const outdir = stack.startsWith(SHARED.clusterName) ? out.shared : out.private;
        const r = await terraform(path.join(outdir, "stacks", stack), ["plan", "-detailed-exitcode", "-input=false"], env.terraformEnv(outdir));
        return {
          stack,
          code: r.code,
          changes: [...r.stdout.matchAll(/^\s*# (\S+) (will|must) be .*$/gm)].map((m) => m[0].trim()),
          error: r.code === 1 ? r.stderr.slice(-1500) : "",
        };
      }),
    );
    for (const p of plans) expect(p).toEqual({ stack: p.stack, code: 0, changes: [], error: "" });
  });
});

describe("a shared VPC: the network and security teams' objects", () => {
  test("the records are in the network team's zone, written through its role; no zone of the cluster's own", async () => {
    const { LoadBalancers } = await aws.elbv2.send(new DescribeLoadBalancersCommand({ Names: [`${SHARED.infraId}-int`] }));
    const lb = dnsName(LoadBalancers![0].DNSName);
    const { ResourceRecordSets } = await network.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: teams.zoneId }));
    const records = ResourceRecordSets!.filter((r) => r.Type === "A").map((r) => [dnsName(r.Name), dnsName(r.AliasTarget?.DNSName)]);
    expect(records.sort()).toEqual([
      ["api-int.shared.example.com", lb],
      ["api.shared.example.com", lb],
    ]);
    const { HostedZones } = await aws.route53.send(new ListHostedZonesCommand({}));
    expect(HostedZones!.map((z) => dnsName(z.Name))).not.toContain("shared.example.com");
    // The role was assumed for them.
    const { Role } = await network.iam.send(new GetRoleCommand({ RoleName: "cluster-dns" }));
    expect(Role!.RoleLastUsed?.LastUsedDate).toBeDefined();
  });

  test("compute: the security team's profile and group, its own AMI and gp3 throughput; no role of the cluster's for it", async () => {
    const nodes = await instancesOf(SHARED.infraId);
    expect(Object.keys(nodes).sort()).toEqual(["bootstrap", "master-0", "master-1", "master-2", "worker-0"].map((n) => `${SHARED.infraId}-${n}`));
    const worker = nodes[`${SHARED.infraId}-worker-0`];
    expect(worker.IamInstanceProfile?.Arn).toMatch(/instance-profile\/ocp-compute$/);
    expect(worker.ImageId).toBe(teams.armImage);
    expect(worker.SubnetId).toBe(teams.subnetId);
    expect(worker.SecurityGroups!.map((g) => g.GroupId)).toContain(teams.securityGroupId);
    expect(worker.SecurityGroups).toHaveLength(2);
    const { Volumes } = await aws.ec2.send(new DescribeVolumesCommand({ Filters: [filter("attachment.instance-id", worker.InstanceId!)] }));
    expect(Volumes!.map((v) => [v.VolumeType, v.Throughput, v.Encrypted])).toEqual([["gp3", 250, true]]);
    expect(nodes[`${SHARED.infraId}-master-0`].IamInstanceProfile?.Arn).toMatch(new RegExp(`instance-profile/${SHARED.infraId}-master-profile$`));
    const { Roles } = await aws.iam.send(new ListRolesCommand({}));
    expect(
      Roles!
        .map((r) => r.RoleName)
        .filter((n) => n!.startsWith(SHARED.infraId))
        .sort(),
    ).toEqual([`${SHARED.infraId}-bootstrap-role`, `${SHARED.infraId}-master-role`]);
  });

  test("the bootstrap node fetches its config from S3 with its role (no custom S3 endpoint in this file)", async () => {
    const { Buckets } = await aws.s3.send(new ListBucketsCommand({}));
    const bucket = Buckets!.find((b) => b.Name!.startsWith(`${SHARED.infraId}-ign-`))!.Name;
    expect(await bootstrapSource(SHARED.infraId)).toBe(`s3://${bucket}/bootstrap.ign`);
  });
});

describe("a private-only VPC", () => {
  let vpcId: string;
  beforeAll(async () => {
    vpcId = (await env.outputs(`${PRIVATE.clusterName}-network`, out.private)).VpcId;
  });

  test("no internet gateway, NAT gateway, public subnet or default route", async () => {
    const { InternetGateways } = await aws.ec2.send(new DescribeInternetGatewaysCommand({ Filters: [filter("attachment.vpc-id", vpcId)] }));
    expect(InternetGateways).toEqual([]);
    const { NatGateways } = await aws.ec2.send(new DescribeNatGatewaysCommand({ Filter: [filter("vpc-id", vpcId)] }));
    expect(NatGateways!.filter((n) => n.State !== "deleted")).toEqual([]);
    const { Subnets } = await aws.ec2.send(new DescribeSubnetsCommand({ Filters: [filter("vpc-id", vpcId)] }));
    expect(Subnets!.map((s) => [s.CidrBlock, s.MapPublicIpOnLaunch])).toEqual([["10.30.48.0/20", false]]);
    const { RouteTables } = await aws.ec2.send(new DescribeRouteTablesCommand({ Filters: [filter("vpc-id", vpcId)] }));
    expect(RouteTables!.flatMap((t) => t.Routes!).filter((r) => r.DestinationCidrBlock === "0.0.0.0/0")).toEqual([]);
  });

  test("egress through the endpoints: S3 gateway, ec2, ELB and STS interfaces with private DNS", async () => {
    const { VpcEndpoints } = await aws.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [filter("vpc-id", vpcId)] }));
    const byService = Object.fromEntries(VpcEndpoints!.map((e) => [e.ServiceName!.split(".").pop(), e]));
    expect(Object.keys(byService).sort()).toEqual(["ec2", "elasticloadbalancing", "s3", "sts"]);
    expect(byService.sts).toMatchObject({ ServiceName: "com.amazonaws.us-east-1.sts", VpcEndpointType: "Interface", PrivateDnsEnabled: true });
    expect(byService.s3.VpcEndpointType).toBe("Gateway");
  });

  test("the cluster runs in its private subnet, behind its internal load balancer only", async () => {
    const nodes = await instancesOf(PRIVATE.infraId);
    expect(Object.keys(nodes).sort()).toEqual(["bootstrap", "master-0", "master-1", "master-2", "worker-0"].map((n) => `${PRIVATE.infraId}-${n}`));
    for (const node of Object.values(nodes)) expect(node.PublicIpAddress).toBeFalsy();
    const { LoadBalancers } = await aws.elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(LoadBalancers!.filter((l) => l.LoadBalancerName!.startsWith(PRIVATE.infraId)).map((l) => [l.LoadBalancerName, l.Scheme])).toEqual([
      [`${PRIVATE.infraId}-int`, "internal"],
    ]);
    expect(await bootstrapSource(PRIVATE.infraId)).toMatch(new RegExp(`^${env.emulator.endpoint}/${PRIVATE.infraId}-ign-[a-z0-9]+/bootstrap\\.ign$`));
  });
});

describe("destroyed side by side", () => {
  beforeAll(async () => {
    await Promise.all((["shared", "private"] as const).map((c) => timed(`${c}: destroy every stack`, () => eachStack(out[c], (stack) => env.destroy(stack, out[c]), true))));
  });

  test("the teams' VPC, subnet, zone, records, roles, profile and group are as they were", async () => {
    expect(await teamObjects()).toEqual(before);
  });

  test("nothing of either cluster is left", async () => {
    for (const { infraId } of [SHARED, PRIVATE]) expect(await instancesOf(infraId)).toEqual({});
    const { Vpcs } = await aws.ec2.send(new DescribeVpcsCommand({}));
    expect(Vpcs!.filter((v) => !v.IsDefault).map((v) => v.VpcId)).toEqual([teams.vpcId]);
    const { LoadBalancers } = await aws.elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(LoadBalancers).toEqual([]);
    const { Roles } = await aws.iam.send(new ListRolesCommand({}));
    expect(Roles!.map((r) => r.RoleName)).toEqual(["ocp-compute"]);
    const { InstanceProfiles } = await aws.iam.send(new ListInstanceProfilesCommand({}));
    expect(InstanceProfiles!.map((p) => p.InstanceProfileName)).toEqual(["ocp-compute"]);
    const { SecurityGroups } = await aws.ec2.send(new DescribeSecurityGroupsCommand({}));
    expect(SecurityGroups!.filter((g) => g.GroupName !== "default").map((g) => g.GroupName)).toEqual(["corp-baseline"]);
    const { Buckets } = await aws.s3.send(new ListBucketsCommand({}));
    expect(Buckets!.map((b) => b.Name)).toEqual([env.stateBucket]);
  });
});
