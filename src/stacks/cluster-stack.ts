import { AwsProvider, AwsProviderEndpoints } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { configureBackend } from "../backend/backend";
import type { ClusterConfig } from "../config/load";
import { defaultTags } from "../tags/tags";

/** install-config service endpoint names to the provider's endpoint keys. */
function providerEndpoints(endpoints: ClusterConfig["aws"]["serviceEndpoints"]): AwsProviderEndpoints[] | undefined {
  const out: AwsProviderEndpoints = {
    ec2: endpoints.ec2,
    elb: endpoints.elasticloadbalancing,
    elbv2: endpoints.elasticloadbalancing,
    s3: endpoints.s3,
    route53: endpoints.route53,
    iam: endpoints.iam,
    sts: endpoints.sts,
    kms: endpoints.kms,
    dynamodb: endpoints.dynamodb,
  };
  return Object.values(out).some(Boolean) ? [out] : undefined;
}

/** A stack of one cluster: its AWS provider (region, default tags, endpoints) and its backend. */
export class ClusterStack extends TerraformStack {
  readonly cluster: ClusterConfig;
  /** A short description of where the state lives, for the synth summary. */
  readonly backendDescription: string;

  constructor(scope: Construct, stackName: string, cluster: ClusterConfig) {
    super(scope, stackName);
    this.cluster = cluster;
    const { aws } = cluster;
    new AwsProvider(this, "aws", {
      region: cluster.region,
      defaultTags: [{ tags: defaultTags(cluster.infraId, cluster.tags) }],
      endpoints: providerEndpoints(aws.serviceEndpoints),
      maxRetries: aws.maxRetries ?? undefined,
      s3UsePathStyle: aws.s3UsePathStyle || undefined,
      skipCredentialsValidation: aws.skipCredentialsValidation || undefined,
      skipRequestingAccountId: aws.skipRequestingAccountId || undefined,
    });
    this.backendDescription = configureBackend(this, cluster, stackName);
  }

  /** Outputs keep the CloudFormation templates' names, so scripts and docs carry over. */
  protected output(name: string, value: unknown, description: string) {
    new TerraformOutput(this, name, { value, description });
  }
}
