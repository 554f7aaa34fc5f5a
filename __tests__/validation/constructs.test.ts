import { Testing } from "cdktf";
import { Construct } from "constructs";
import { OpenShiftUpiCluster } from "../../src/cluster/openshift-upi-cluster";
import { AppsIngress } from "../../src/dns/apps-ingress";
import { ClusterDns } from "../../src/dns/cluster-dns";
import { ApiLoadBalancers } from "../../src/loadbalancing/api-load-balancers";
import { BootstrapNode } from "../../src/machines/bootstrap";
import { Machine } from "../../src/machines/machine";
import { NodePool } from "../../src/machines/node-pool";
import { ExistingNetwork } from "../../src/network/existing-network";
import { ClusterNetwork } from "../../src/network/network";
import type { INetwork } from "../../src/network/types";
import { MachineRole } from "../../src/security/iam";
import { ClusterSecurityGroups } from "../../src/security/security-groups";
import { PropsError } from "../../src/validation/problems";
import { EXAMPLE_INSTALL_DIR } from "../../test-support/paths";

/**
 * Each public construct checks its own props (the library's users bypass the cluster file): a
 * valid set synthesizes, and each invalid row throws one PropsError naming the construct's
 * path, the prop, the value and what is allowed.
 */

type Make = (scope: Construct, props: any) => unknown;
const synth = (make: Make, props: object) => JSON.parse(Testing.synthScope((scope) => void make(scope, props)));

/** The message of the error a construct throws for `props`, or a failure when it throws none. */
function refusal(make: Make, props: object): string {
  try {
    Testing.synthScope((scope) => void make(scope, props));
  } catch (e) {
    expect(e).toBeInstanceOf(PropsError);
    return (e as Error).message;
  }
  throw new Error("accepted");
}

const network: INetwork = { vpcId: "vpc-0abc", vpcCidr: "10.0.0.0/16", publicSubnetIds: ["subnet-a"], privateSubnetIds: ["subnet-b"] };
const CA = "data:text/plain;charset=utf-8;base64,LS0tLS1CRUdJTg==";

interface Case {
  readonly name: string;
  readonly make: Make;
  readonly valid: object;
  /** What the valid props synthesize: a resource type that must be there. */
  readonly creates: string;
  /** [what, props overriding the valid ones, the line the error must hold]. */
  readonly invalid: [string, object, RegExp][];
}

const cases: Case[] = [
  {
    name: "ClusterNetwork",
    make: (s, p) => new ClusterNetwork(s, "net", p),
    valid: { infraId: "demo-x7k2p", region: "us-east-1" },
    creates: "aws_subnet",
    invalid: [
      ["four AZs (subnets would overlap)", { availabilityZones: 4 }, /net: availabilityZones: must be a count from 1 to 3.*\(got 4\)/],
      ["host bits", { vpcCidr: "10.0.0.1/16" }, /net: vpcCidr: has host bits set; the network address is 10\.0\.0\.0\/16/],
      ["leading zeros", { vpcCidr: "010.0.0.0/16" }, /net: vpcCidr: must be written without leading zeros: 10\.0\.0\.0\/16/],
      ["subnets that do not fit", { vpcCidr: "10.0.0.0/24", subnetBits: 6 }, /net: vpcCidr: 10\.0\.0\.0\/24 cannot hold the 6 blocks of \/26/],
      ["an AZ of another region", { availabilityZones: ["us-west-2a"] }, /net: availabilityZones\[0\]: "us-west-2a" is not an availability zone of region us-east-1/],
      ["an endpoint twice", { vpcEndpoints: ["ec2", "ec2"] }, /net: vpcEndpoints\[1\]: "ec2" is listed twice/],
      ["an unknown region", { region: "us-east-9" }, /net: region: is not an AWS region known to the AWS SDK/],
      ["an infraId too long for target groups", { infraId: "a".repeat(28) }, /net: infraId: must be 27 characters at most: target groups are named <infraId>-aext/],
    ],
  },
  {
    name: "ExistingNetwork",
    make: (s, p) => new ExistingNetwork(s, "existing", p),
    valid: { infraId: "demo-x7k2p", vpcId: "vpc-0abc", publicSubnetIds: ["subnet-a"], privateSubnetIds: ["subnet-b"] },
    creates: "aws_ec2_tag",
    invalid: [
      ["a subnet twice", { privateSubnetIds: ["subnet-b", "subnet-b"] }, /existing: privateSubnetIds\[1\]: "subnet-b" is listed twice/],
      ["a subnet public and private", { privateSubnetIds: ["subnet-a"] }, /existing: privateSubnetIds\[0\]: "subnet-a" is also a public subnet/],
      ["no private subnet", { privateSubnetIds: [] }, /existing: privateSubnetIds: must hold 1 to 3 items/],
      ["a bad VPC id", { vpcId: "vpc_1" }, /existing: vpcId: must be a VPC id/],
    ],
  },
  {
    name: "ApiLoadBalancers",
    make: (s, p) => new ApiLoadBalancers(s, "api", p),
    valid: { infraId: "demo-x7k2p", network },
    creates: "aws_lb",
    invalid: [
      ["External without public subnets", { network: { ...network, publicSubnetIds: [] } }, /api: network\.publicSubnetIds: must hold at least one subnet with publish: External/],
      ["a load balancer name AWS reserves", { infraId: "internal" }, /api: infraId: must not be or start with "internal-"/],
      ["publish", { publish: "Public" }, /api: publish: must be one of External, Internal \(got "Public"\)/],
    ],
  },
  {
    name: "ClusterDns",
    make: (s, p) => new ClusterDns(s, "dns", p),
    valid: { clusterName: "demo", baseDomain: "example.com", infraId: "demo-x7k2p", vpcId: "vpc-0abc" },
    creates: "aws_route53_zone",
    invalid: [
      ["a trailing dot", { baseDomain: "example.com." }, /dns: baseDomain: must not end with a dot: write "example\.com"/],
      ["a cluster name ending in -", { clusterName: "demo-" }, /dns: clusterName: must start with a letter, end with a letter or digit/],
      ["a cluster name with _", { clusterName: "my_demo" }, /dns: clusterName: .*\(got "my_demo"\)/],
      ["a zone id with its prefix", { publicHostedZoneId: "/hostedzone/Z1" }, /dns: publicHostedZoneId: must be a Route 53 zone id/],
    ],
  },
  {
    name: "ClusterSecurityGroups",
    make: (s, p) => new ClusterSecurityGroups(s, "sg", p),
    valid: { infraId: "demo-x7k2p", network },
    creates: "aws_security_group",
    invalid: [["an infraId IAM and ELB refuse", { infraId: "demo x" }, /sg: infraId: must start with a letter.*\(got "demo x"\)/]],
  },
  {
    name: "MachineRole",
    make: (s, p) => new MachineRole(s, "role", p),
    valid: { name: "demo-x7k2p-master", statements: [{ Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" }] },
    creates: "aws_iam_role",
    invalid: [
      ["a role name over 64", { name: "r".repeat(60) }, /role: name: makes the IAM name "r+\.\.\. 65 characters; IAM allows 64/],
      ["characters IAM refuses", { name: "demo x" }, /role: name: may hold only letters, digits and \+ = , \. @ _ -/],
      ["a boundary that is not a policy", { permissionsBoundaryArn: "arn:aws:iam::123456789012:role/x" }, /role: permissionsBoundaryArn: must be an IAM policy ARN/],
      ["no statement", { statements: [] }, /role: statements: must hold at least one statement/],
    ],
  },
  {
    name: "BootstrapNode",
    make: (s, p) => new BootstrapNode(s, "bootstrap", p),
    valid: {
      infraId: "demo-x7k2p",
      network,
      ami: "ami-0123456789abcdef0",
      ignitionFile: `${EXAMPLE_INSTALL_DIR}/bootstrap.ign`,
      masterSecurityGroupId: "sg-0abc",
      targetGroups: [],
    },
    creates: "aws_instance",
    invalid: [
      [
        "sources that cover the internet",
        { allowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"] },
        /bootstrap: allowedCidrs\[1\]: opens the bootstrap node's ports 22 and 19531 to 2,147,483,648 addresses/,
      ],
      [
        "more sources than its group holds",
        { allowedCidrs: Array.from({ length: 31 }, (_, i) => `10.${i}.0.0/16`) },
        /bootstrap: allowedCidrs: must hold 30 CIDRs at most: each adds 2 rules/,
      ],
      ["a KMS ARN of another service", { ignitionKmsKeyArn: "arn:aws:s3:::bucket" }, /bootstrap: ignitionKmsKeyArn: is an ARN of s3, not a KMS key/],
      ["gp3 IOPS over 500 per GiB", { rootVolume: { sizeGiB: 10, iops: 6000 } }, /bootstrap: rootVolume\.iops: 6000 IOPS on 10 GiB is over gp3's 500 IOPS per GiB/],
    ],
  },
  {
    name: "NodePool",
    make: (s, p) => new NodePool(s, "pool", p),
    valid: {
      role: "master",
      infraId: "demo-x7k2p",
      clusterDomain: "demo.example.com",
      ami: "ami-0123456789abcdef0",
      caSource: CA,
      subnetIds: ["subnet-b"],
      securityGroupId: "sg-0abc",
      instanceProfileName: "demo-x7k2p-master-profile",
    },
    creates: "aws_instance",
    invalid: [
      ["a control plane of 5", { replicas: 5 }, /pool: replicas: must be 3 \(OpenShift supports exactly three control-plane machines\) or 0/],
      ["compute near MAX_SAFE_INTEGER", { role: "worker", replicas: Number.MAX_SAFE_INTEGER }, /pool: replicas: must be a whole number from 0 to 1997/],
      ["a CA that pushes user data over 16 KB", { caSource: `data:,${"A".repeat(17000)}` }, /pool: caSource: makes the user data \d+ bytes; EC2 allows 16384/],
      ["io2 without IOPS", { rootVolume: { type: "io2" } }, /pool: rootVolume\.iops: is required for io2 volumes/],
    ],
  },
  {
    name: "Machine",
    make: (s, p) => new Machine(s, "machine", p),
    valid: {
      name: "demo-x7k2p-worker-0",
      infraId: "demo-x7k2p",
      ami: "ami-0123456789abcdef0",
      instanceType: "m6i.large",
      subnetId: "subnet-b",
      securityGroupIds: ["sg-0abc"],
      instanceProfileName: "demo-x7k2p-worker-profile",
      userData: "{}",
    },
    creates: "aws_instance",
    invalid: [
      [
        "an io1 volume over 16384 GiB",
        { rootVolume: { type: "io1", sizeGiB: 20000, iops: 1000 } },
        /machine: rootVolume\.sizeGiB: must be a whole number from 4 to 16384 GiB for io1 volumes/,
      ],
      ["an instance type", { instanceType: "large" }, /machine: instanceType: must be an EC2 instance type/],
      ["user data over 16 KB", { userData: "x".repeat(16385) }, /machine: userData: makes the user data 16385 bytes/],
    ],
  },
  {
    name: "AppsIngress",
    make: (s, p) => new AppsIngress(s, "apps", p),
    valid: { clusterDomain: "demo.example.com", privateZoneId: "Z0PRIV", routerLoadBalancerHostname: "abc.elb.amazonaws.com" },
    creates: "aws_route53_record",
    invalid: [
      ["a hostname with a path", { routerLoadBalancerHostname: "abc.elb.amazonaws.com/x" }, /apps: routerLoadBalancerHostname: must be the load balancer's DNS name/],
      ["a load balancer type", { loadBalancerType: "application" }, /apps: loadBalancerType: must be one of classic, network/],
    ],
  },
  {
    name: "OpenShiftUpiCluster",
    make: (s, p) => new OpenShiftUpiCluster(s, "cluster", p),
    valid: {
      clusterName: "demo",
      baseDomain: "example.com",
      infraId: "demo-x7k2p",
      region: "us-east-1",
      bootstrap: { enabled: false },
      controlPlane: { replicas: 0 },
      compute: { replicas: 0 },
    },
    creates: "aws_vpc",
    invalid: [
      ["a control plane of 1", { controlPlane: { replicas: 1 } }, /cluster: controlPlane\.replicas: must be 3/],
      [
        "a private bootstrap without a way to S3",
        { publish: "Internal", bootstrap: {}, network: { natGateways: "none", vpcEndpoints: [] } },
        /cluster: network\.vpcEndpoints: must include s3 with publish: Internal and natGateways: none/,
      ],
      [
        "a boundary in another partition",
        { region: "cn-north-1", iam: { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/b" } },
        /cluster: iam\.permissionsBoundaryArn: is in partition aws, but region cn-north-1 is in aws-cn/,
      ],
      ["a reserved VPC range", { network: { vpcCidr: "127.0.0.0/16" } }, /cluster: network\.vpcCidr: lies in 127\.0\.0\.0\/8 \(loopback\)/],
    ],
  },
];

describe.each(cases)("$name checks its props", ({ make, valid, creates, invalid }) => {
  test("valid props synthesize", () => {
    expect(Object.keys(synth(make, valid).resource)).toContain(creates);
  });

  test.each(invalid)("%s", (_what, override, expected) => {
    const message = refusal(make, { ...valid, ...override });
    expect(message.split("\n")).toContainEqual(expect.stringMatching(expected));
  });
});

test("every problem is one line under the construct's path", () => {
  const message = refusal((s, p) => new ClusterNetwork(s, "net", p), { infraId: "demo x", region: "us-east-9", availabilityZones: 0 });
  const lines = message.split("\n");
  expect(lines).toHaveLength(3);
  for (const line of lines) expect(line).toMatch(/^[^:]+\/net: (infraId|region|availabilityZones): .* \(got .*\)|^[^:]+\/net: region: /);
});
