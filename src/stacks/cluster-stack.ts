import { AwsProvider, AwsProviderEndpoints } from "@cdktf/provider-aws/lib/provider";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { configureBackend, StateLocation } from "../backend/backend";
import { MOVED_FROM_CONTEXT, OwnState } from "../state/own-state";
import type { ClusterConfig } from "../config/load";
import { GUARDED_RULE_IDS, StackGuards } from "../guards/guards";
import { Acknowledgement, Guardrails } from "../policy/guardrails";
import { RULE_IDS } from "../policy/rules";
import { DOCUMENTED_POLICY_ACKNOWLEDGEMENT } from "../security/iam";
import { defaultTags } from "../tags/tags";

/** install-config service endpoint names to the provider's endpoint keys. */
export function providerEndpoints(endpoints: ClusterConfig["aws"]["serviceEndpoints"]): AwsProviderEndpoints[] | undefined {
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

/** The file's acknowledgements; choosing the documented IAM table is itself one for the wildcard rule. */
function acknowledgements(cluster: ClusterConfig): Acknowledgement[] {
  const acks: Acknowledgement[] = [...cluster.guardrails.acknowledge];
  if (cluster.iam.policy === "documented" && !acks.some((a) => a.rule === DOCUMENTED_POLICY_ACKNOWLEDGEMENT.rule)) {
    acks.push(DOCUMENTED_POLICY_ACKNOWLEDGEMENT);
  }
  return acks;
}

/** A stack of one cluster: its AWS provider (region, default tags, endpoints) and its backend. */
export class ClusterStack extends TerraformStack {
  readonly cluster: ClusterConfig;
  /** Where the state lives. */
  readonly state: StateLocation;
  readonly guardrails: Guardrails;

  constructor(scope: Construct, stackName: string, cluster: ClusterConfig) {
    super(scope, stackName);
    this.cluster = cluster;
    const { aws } = cluster;
    new AwsProvider(this, "aws", {
      region: cluster.region,
      defaultTags: [{ tags: defaultTags(cluster.infraId, cluster.tags) }],
      endpoints: providerEndpoints(aws.serviceEndpoints),
      maxRetries: aws.maxRetries,
      s3UsePathStyle: aws.s3UsePathStyle || undefined,
      skipCredentialsValidation: aws.skipCredentialsValidation || undefined,
      skipRequestingAccountId: aws.skipRequestingAccountId || undefined,
    });
    this.state = configureBackend(this, cluster, stackName);
    // Where the previous synth had this stack's state, when the backend settings changed since:
    // the state guards name it (src/state/own-state.ts).
    OwnState.of(this).movedFrom = (this.node.tryGetContext(MOVED_FROM_CONTEXT) as Record<string, string> | undefined)?.[stackName];
    this.guardrails = new Guardrails({ infraId: cluster.infraId });
    Aspects.of(this).add(this.guardrails);
    // The file's acknowledgements of guardrail rules cover the whole stack (its day-2 and plan
    // rules are judged before synth and by the plan).
    for (const a of acknowledgements(cluster)) if (RULE_IDS.includes(a.rule)) Guardrails.acknowledge(this, a.rule, a.reason);
    // The plan rules that Terraform enforces itself: an acknowledged one is written without its guard.
    for (const a of cluster.guardrails.acknowledge) if (GUARDED_RULE_IDS.includes(a.rule)) StackGuards.acknowledge(this, a.rule);
  }

  /** Outputs keep the CloudFormation templates' names, so scripts and docs carry over. */
  protected output(name: string, value: unknown, description: string) {
    new TerraformOutput(this, name, { value, description });
  }
}
