import { EC2Client, Filter } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { IAMClient } from "@aws-sdk/client-iam";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";

/** AWS SDK v3 clients pointed at the emulator, for checking live objects. */
export function awsClients(endpoint: string) {
  // The SDK sets no request timeout: a request the emulator never answers would hang the suite
  // until jest's own timeout, with nothing said. It fails (and is tried once more) instead.
  const common = {
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  };
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

/**
 * Clients acting in another account of the emulator (a network team's, say): moto picks the
 * account from its x-moto-account-id header, as AWS would from the caller's credentials.
 */
export function awsClientsOfAccount(endpoint: string, accountId: string): AwsClients {
  const clients = awsClients(endpoint);
  type Handler = (args: { request: { headers: Record<string, string> } }) => Promise<unknown>;
  const inAccount =
    (next: Handler): Handler =>
    (args) => {
      args.request.headers["x-moto-account-id"] = accountId;
      return next(args);
    };
  for (const client of Object.values(clients)) {
    (client.middlewareStack as unknown as { add(m: typeof inAccount, o: object): void }).add(inAccount, { step: "build", name: "motoAccount" });
  }
  return clients;
}
