import type { ClusterConfig } from "../config/load";
import { shellWord } from "../shell-word";
import { clusterStackNames } from "../stacks/names";
import { cloudAwsCredentials, oidcProviderQuery, setupStackFolder } from "./names";

export interface NextStep {
  readonly command: string;
  readonly description: string;
}

/**
 * The synth summary's "Next" steps for the clusters with their state in HCP Terraform, before the
 * deploy steps every backend shares: a token for each host (once, however many clusters it
 * holds), then each cluster's set-up stack, once, by an administrator.
 */
export function cloudNextSteps(clusters: readonly ClusterConfig[], outdir: string): NextStep[] {
  const cloudClusters = clusters.filter((c) => c.backend.type === "cloud");
  const hosts = [...new Set(cloudClusters.map((c) => c.backend.cloud!.hostname))];
  return [
    ...hosts.map((host) => ({ command: `terraform login ${shellWord(host)}`, description: `a token for ${host} (once per machine)` })),
    ...cloudClusters.flatMap((c) => [...oidcProviderCheck(c), setupStep(c, outdir)]),
  ];
}

/** How the administrator tells whether the set-up stack must create the OIDC provider or adopt the account's (src/hcp/names.ts). */
function oidcProviderCheck(cluster: ClusterConfig): NextStep[] {
  const cloud = cluster.backend.cloud!;
  if (cloudAwsCredentials(cloud) !== "dynamic" || cloud.awsRoleArn) return [];
  return [
    {
      command: oidcProviderQuery(cloud.hostname),
      description: `with ${cluster.clusterName}'s AWS credentials: an ARN printed means the account has its one IAM OIDC provider for https://${cloud.hostname} already; then apply the set-up stack below with -var existing_oidc_provider=true, else without`,
    },
  ];
}

function setupStep(cluster: ClusterConfig, outdir: string): NextStep {
  const cloud = cluster.backend.cloud!;
  const folder = shellWord(setupStackFolder(outdir, cluster.clusterName));
  const workspaces = clusterStackNames(cluster.clusterName).map((s) => `${cloud.workspacePrefix}${s}`);
  // The run role's OIDC provider: IAM holds one per URL per account, which the stack creates unless told it exists (oidcProviderCheck).
  const oidc =
    cloudAwsCredentials(cloud) === "dynamic" && !cloud.awsRoleArn
      ? `; add -var existing_oidc_provider=true to apply when the account already has an IAM OIDC provider for https://${cloud.hostname} (the line above tells)`
      : "";
  return {
    command: `terraform -chdir=${folder} init && terraform -chdir=${folder} apply`,
    description: `once, by an administrator: workspaces ${workspaces[0]} to ${workspaces[workspaces.length - 1]} in ${cloud.organization}${cloud.project ? `/${cloud.project}` : ""}, state sharing${cloudAwsCredentials(cloud) === "dynamic" ? ", AWS credentials" : ""}${oidc}`,
  };
}

/**
 * The clusters whose plans `npm run plan` cannot read: HCP Terraform runs them (remote or agent
 * execution), and src/plan/commands.ts refuses them; their runs are judged with --check-run.
 */
export const plannedInHcp = (cluster: ClusterConfig) => cluster.backend.type === "cloud" && cluster.backend.cloud!.executionMode !== "local";
