import { AwsProvider, AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import { IConstruct } from "constructs";

/**
 * Settings carried over from the stack's own AWS provider: where and how to call AWS. Not the
 * allowed or forbidden account IDs, which name the cluster's account, not the role's.
 */
const CARRIED_OVER = [
  "region",
  "profile",
  "accessKey",
  "secretKey",
  "token",
  "sharedConfigFiles",
  "sharedCredentialsFiles",
  "endpoints",
  "stsRegion",
  "maxRetries",
  "retryMode",
  "customCaBundle",
  "httpProxy",
  "httpsProxy",
  "noProxy",
  "insecure",
  "useFipsEndpoint",
  "useDualstackEndpoint",
  "s3UsePathStyle",
  "s3UsEast1RegionalEndpoint",
  "skipCredentialsValidation",
  "skipRequestingAccountId",
  "skipMetadataApiCheck",
  "skipRegionValidation",
  "ec2MetadataServiceEndpoint",
  "ec2MetadataServiceEndpointMode",
  "assumeRoleWithWebIdentity",
  "tokenBucketRateLimiterCapacity",
] as const satisfies readonly (keyof AwsProviderConfig)[];

const byStack = new WeakMap<TerraformStack, Map<string, AwsProvider>>();

/**
 * An AWS provider of the stack that assumes `roleArn` (after the role the stack's own provider
 * assumes, if any: a chain), for objects another account owns, such as a shared VPC's private
 * zone. One per stack and role. `region` is used when the stack has no default AWS provider.
 */
export function providerAssumingRole(scope: IConstruct, roleArn: string, region?: string): AwsProvider {
  const stack = TerraformStack.of(scope);
  let providers = byStack.get(stack);
  if (!providers) byStack.set(stack, (providers = new Map<string, AwsProvider>()));
  const existing = providers.get(roleArn);
  if (existing) return existing;

  const base = stack.node.findAll().find((c): c is AwsProvider => c instanceof AwsProvider && !c.alias);
  const config: Record<string, unknown> = {};
  for (const key of CARRIED_OVER) if (base?.[key] !== undefined) config[key] = base[key];
  const chain = Array.isArray(base?.assumeRole) ? base.assumeRole : [];
  const n = providers.size;
  const provider = new AwsProvider(stack, `assume-role-${n}`, {
    region,
    ...config,
    alias: n ? `assumed_role_${n}` : "assumed_role",
    assumeRole: [...chain, { roleArn, sessionName: "openshift-upi" }],
  });
  providers.set(roleArn, provider);
  return provider;
}
