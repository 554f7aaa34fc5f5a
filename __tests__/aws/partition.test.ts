import { cnameOnlyRegion, isSecretRegion, partitionOfRegion } from "../../src/aws/partition";
import { baseCluster, synthCluster } from "../../test-support/synth";

describe("partitions", () => {
  test.each([
    ["us-east-1", "aws"],
    ["ap-southeast-4", "aws"],
    ["us-gov-west-1", "aws-us-gov"],
    ["cn-northwest-1", "aws-cn"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
    ["eu-isoe-west-1", "aws-iso-e"],
    ["us-isof-south-1", "aws-iso-f"],
  ])("%s is in %s (the AWS SDK's endpoint metadata)", (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });

  test("secret regions and CNAME-only regions", () => {
    expect(["us-iso-east-1", "us-isob-east-1", "us-east-1", "us-gov-east-1"].map(isSecretRegion)).toEqual([true, true, false, false]);
    expect(["us-gov-west-1", "us-iso-west-1", "cn-north-1", "eu-west-1"].map(cnameOnlyRegion)).toEqual([true, true, false, false]);
  });

  // Every ARN, service principal and endpoint name comes from the provider (aws_partition, the
  // resources' attributes), never a literal of the commercial partition.
  test.each(["us-gov-west-1", "cn-north-1", "us-iso-east-1"])("%s: no arn:aws: or amazonaws.com literal in any stack", (region) => {
    const result = synthCluster(
      baseCluster({
        region,
        network: { vpcEndpoints: ["s3", "ec2", "elasticloadbalancing", "sts"] },
        dns: { etcdRecords: true },
        machines: { rhcosAmi: "ami-0123456789abcdef0", bootstrap: { allowedCidrs: ["10.1.0.0/16"] } },
        ingress: { routerLoadBalancerHostname: "router-0123.elb.example.internal", loadBalancerType: "network" },
      }),
    );
    expect(Object.keys(result.json)).toHaveLength(5);
    for (const [stack, json] of Object.entries(result.json)) {
      const text = JSON.stringify(json);
      expect({ stack, literals: text.match(/arn:aws:|amazonaws\.com/g) ?? [] }).toEqual({ stack, literals: [] });
    }
  });
});
