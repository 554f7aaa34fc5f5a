import { partitionOf, REGION_FORM } from "../aws/partition";
import { echo } from "./problems";

/**
 * AWS identifiers: regions known to the AWS SDK's own endpoint metadata (src/aws/partition.ts),
 * and the forms of the IDs and ARNs the cluster refers to.
 */

export function regionProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a string (got ${echo(value)})`;
  if (!REGION_FORM.test(value)) return `must be an AWS region such as us-east-1 (got ${echo(value)})`;
  if (!partitionOf(value)) {
    return `is not an AWS region known to the AWS SDK's endpoint metadata (got ${echo(value)}); if AWS opened it recently, update @aws-sdk/util-endpoints`;
  }
  return undefined;
}

const idProblem = (pattern: RegExp, example: string) => (value: unknown) =>
  typeof value === "string" && pattern.test(value) ? undefined : `must be ${example} (got ${echo(value)})`;

export const amiIdProblem = idProblem(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, "an AMI id such as ami-0123456789abcdef0");
export const instanceTypeProblem = idProblem(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "an EC2 instance type such as m6i.xlarge");
export const vpcIdProblem = idProblem(/^vpc-[0-9a-f]+$/, "a VPC id such as vpc-0123abcd");
export const subnetIdProblem = idProblem(/^subnet-[0-9a-f]+$/, "a subnet id such as subnet-0123abcd");
export const securityGroupIdProblem = idProblem(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, "a security group id such as sg-0123456789abcdef0");
export const hostedZoneIdProblem = idProblem(/^[A-Z0-9]{1,32}$/, "a Route 53 zone id such as Z0123456789ABC (without /hostedzone/)");
export const loadBalancerHostnameProblem = idProblem(
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
  "the load balancer's DNS name (EXTERNAL-IP of router-default)",
);

const ARN = /^arn:([a-z-]+):([a-z0-9-]*):([a-z0-9-]*):([^:]*):(.+)$/;

interface ArnExpectation {
  readonly service: string;
  /** The resource part, such as `key/<id>`. */
  readonly resource: RegExp;
  readonly what: string;
  readonly form: string;
  /** IAM is global: its ARNs have no region. KMS keys live in a region: theirs must say it. */
  readonly regional: boolean;
  /** AWS-managed IAM policies have `aws` as their account (arn:aws:iam::aws:policy/...). */
  readonly awsManaged?: boolean;
  /** The cluster's region: the key must be in it (EBS and S3 use keys of their own region). */
  readonly region?: string;
}

function arnProblem(value: unknown, expect: ArnExpectation): string | undefined {
  if (typeof value !== "string") return `must be ${expect.what} ARN (got ${echo(value)})`;
  const m = ARN.exec(value);
  if (!m) return `must be ${expect.what} ARN (${expect.form}) (got ${echo(value)})`;
  const [, arnPartition, service, region, account, resource] = m;
  if (service !== expect.service) return `is an ARN of ${service || "no service"}, not ${expect.what} (${expect.form}) (got ${echo(value)})`;
  if (expect.regional && !region) return `must name its region: ${expect.form} (got ${echo(value)})`;
  if (!expect.regional && region) return `must not name a region: ${expect.service.toUpperCase()} is global, ${expect.form} (got ${echo(value)})`;
  if (region && !partitionOf(region)) return `names region ${echo(region)}, which is not an AWS region known to the AWS SDK (got ${echo(value)})`;
  if (region && partitionOf(region) !== arnPartition) return `names region ${region}, which is not in partition ${arnPartition} (got ${echo(value)})`;
  if (!/^\d{12}$/.test(account) && !(expect.awsManaged && account === "aws")) {
    return `must name a 12-digit account ID${expect.awsManaged ? " (or aws, for an AWS-managed policy)" : ""}: ${expect.form} (got ${echo(value)})`;
  }
  if (!expect.resource.test(resource)) return `must be ${expect.what} ARN (${expect.form}) (got ${echo(value)})`;
  const clusterPartition = expect.region ? partitionOf(expect.region) : undefined;
  if (clusterPartition && arnPartition !== clusterPartition) {
    return `is in partition ${arnPartition}, but region ${expect.region} is in ${clusterPartition} (got ${echo(value)})`;
  }
  if (expect.region && region && region !== expect.region) {
    return `is a key of region ${region}; the cluster's region ${expect.region} needs a key of its own region (got ${echo(value)})`;
  }
  return undefined;
}

/** A KMS key for EBS volumes or the ignition bucket: the key's own ARN (IAM grants name keys, not aliases). */
export const kmsKeyArnProblem = (value: unknown, region?: string) =>
  arnProblem(value, {
    service: "kms",
    resource: /^key\/[a-zA-Z0-9-]+$/,
    what: "a KMS key",
    form: "arn:<partition>:kms:<region>:<account>:key/<key id>",
    regional: true,
    region,
  });

/**
 * The S3 backend's key, as Terraform's S3 backend passes it to S3 (SSE-KMS takes any of them): a
 * key id, a multi-Region key id, an alias name, a key ARN or an alias ARN.
 */
export function stateKmsKeyProblem(value: unknown, region?: string): string | undefined {
  if (typeof value === "string" && value.startsWith("arn:")) {
    const alias = /^arn:[^:]*:kms:[^:]*:[^:]*:alias\//.test(value);
    return alias
      ? arnProblem(value, {
          service: "kms",
          resource: /^alias\/[a-zA-Z0-9/_-]+$/,
          what: "a KMS alias",
          form: "arn:<partition>:kms:<region>:<account>:alias/<name>",
          regional: true,
          region,
        })
      : kmsKeyArnProblem(value, region);
  }
  const id = /^([a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}|mrk-[a-f0-9]{32}|alias\/[a-zA-Z0-9/_-]+)$/;
  return typeof value === "string" && id.test(value)
    ? undefined
    : `must be a KMS key id, an alias (alias/<name>), a key ARN (arn:<partition>:kms:<region>:<account>:key/<id>) or an alias ARN (got ${echo(value)})`;
}

export const iamPolicyArnProblem = (value: unknown, region?: string) =>
  arnProblem(value, {
    service: "iam",
    resource: /^policy\/[\w+=,.@/-]+$/,
    what: "an IAM policy",
    form: "arn:<partition>:iam::<account>:policy/<name>",
    regional: false,
    awsManaged: true,
    region,
  });

/** A role to assume: its own ARN, in the cluster's partition. */
export const iamRoleArnProblem = (value: unknown, region?: string) =>
  arnProblem(value, {
    service: "iam",
    resource: /^role\/[\w+=,.@/-]+$/,
    what: "an IAM role",
    form: "arn:<partition>:iam::<account>:role/<name>",
    regional: false,
    region,
  });
