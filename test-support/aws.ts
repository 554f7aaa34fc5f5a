import { EC2Client, Filter } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { IAMClient } from "@aws-sdk/client-iam";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";

/** AWS SDK v3 clients pointed at the emulator, for checking live objects. */
export function awsClients(endpoint: string) {
  const common = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 2 };
  return {
    ec2: new EC2Client(common),
    elbv2: new ElasticLoadBalancingV2Client(common),
    iam: new IAMClient(common),
    route53: new Route53Client(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
}

export type AwsClients = ReturnType<typeof awsClients>;

export const filter = (name: string, ...values: string[]): Filter => ({ Name: name, Values: values });

/** DNS names compare without case or the trailing dot Route 53 adds. */
export const dnsName = (name?: string) => (name ?? "").toLowerCase().replace(/\.$/, "");
