import { TerraformStack, Testing } from "cdktf";
import { restrictedAccountProblems } from "../../src/cluster/checks";
import { ClusterDns, zoneProblems } from "../../src/dns/cluster-dns";
import { NodePool } from "../../src/machines/node-pool";
import { privateOnlyProblems } from "../../src/network/network";
import { poolOverridesProblems, throughputProblem } from "../../src/validation/restricted";

/** The restricted-account rules as the constructs run them: library users get the file's answers. */
const stack = () => new TerraformStack(Testing.app(), "s");
const groups = (n: number) => Array.from({ length: n }, (_, i) => `sg-0${String(i).padStart(16, "c")}`);

describe("restricted-account prop checks", () => {
  test("compliant props pass", () => {
    expect(poolOverridesProblems({ iamInstanceProfile: "ocp-compute", additionalSecurityGroupIds: groups(15) }, 1)).toEqual([]);
    expect(throughputProblem({ throughput: 750 }, "gp3")).toBeUndefined();
    expect(privateOnlyProblems({ internetGateway: false, natGateways: "none", vpcEndpoints: ["s3", "ec2", "elasticloadbalancing", "sts"] }, "Internal")).toEqual([]);
    expect(privateOnlyProblems({ internetGateway: false, ownEgress: true, vpcEndpoints: [] }, "Internal")).toEqual([]);
    expect(zoneProblems({ privateHostedZoneId: "Z0PRIV", hostedZoneRoleArn: "arn:aws-us-gov:iam::111122223333:role/dns", recordType: "auto" }, "us-gov-west-1")).toEqual([]);
  });

  test("non-compliant props, one problem each, at their prop", () => {
    expect(poolOverridesProblems({ additionalSecurityGroupIds: ["sg-1", ...groups(16)] }, 1, "compute machines").map((p) => [p.prop.join("."), p.message])).toEqual([
      ["additionalSecurityGroupIds.0", 'must be a security group id such as sg-0123456789abcdef0 (got "sg-1")'],
      ["additionalSecurityGroupIds", "gives compute machines 18 security groups (1 of their own and 17 of yours); AWS allows 16 per network interface at most"],
    ]);
    expect(throughputProblem({ throughput: 800 }, "gp3")).toMatch(/at most a quarter of the volume's IOPS \(3000, the gp3 baseline\), so 750 MiB\/s/);
    expect(privateOnlyProblems({ internetGateway: false, natGateways: "single", vpcEndpoints: ["s3"] }, "External").map((p) => p.prop.join("."))).toEqual([
      "internetGateway",
      "natGateways",
      "vpcEndpoints",
    ]);
    expect(zoneProblems({ hostedZoneRoleArn: "arn:aws:iam::111122223333:role/dns", recordType: "alias" }, "us-iso-east-1").map((p) => p.prop.join("."))).toEqual([
      "hostedZoneRoleArn",
      "recordType",
    ]);
    const cluster = { clusterName: "c", baseDomain: "example.com", infraId: "c-1", region: "us-east-1" };
    expect(restrictedAccountProblems({ ...cluster, dns: { privateHostedZoneId: "Z0PRIV" } }).map((p) => p.prop.join("."))).toEqual(["dns.privateHostedZoneId"]);
    expect(restrictedAccountProblems({ ...cluster, s3Endpoint: { url: "https://s3.internal" }, network: { vpcEndpoints: [] } }).map((p) => p.message)).toEqual([
      expect.stringMatching(/^must include s3 with aws\.serviceEndpoints\.s3: the bootstrap node fetches its Ignition config over https/),
    ]);
  });

  test("the constructs refuse them in their constructors", () => {
    expect(
      () =>
        new ClusterDns(stack(), "dns", { clusterName: "c", baseDomain: "example.com", infraId: "c-1", vpcId: "vpc-1", hostedZoneRoleArn: "arn:aws:iam::111122223333:role/dns" }),
    ).toThrow(/s\/dns: hostedZoneRoleArn: needs dns\.privateHostedZoneId/);
    const pool = {
      role: "worker",
      infraId: "c-1",
      clusterDomain: "c.example.com",
      ami: "ami-0123456789abcdef0",
      caSource: "data:,x",
      subnetIds: ["subnet-1"],
      securityGroupId: "sg-1",
      instanceProfileName: "p",
      replicas: 1,
    } as const;
    expect(() => new NodePool(stack(), "pool", { ...pool, additionalSecurityGroupIds: groups(16) })).toThrow(
      /additionalSecurityGroupIds: gives compute machines 17 security groups/,
    );
    expect(() => new NodePool(stack(), "pool", { ...pool, rootVolume: { type: "gp2", throughput: 125 } })).toThrow(/rootVolume\.throughput: can only be set for gp3 volumes/);
  });
});
