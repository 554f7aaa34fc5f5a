import type { ClusterConfig } from "../config/load";
import { shellWord } from "../shell-word";
import { clusterStackNames } from "../stacks/names";
import { cloudAwsCredentials, setupCommand } from "./names";

export interface NextStep {
  readonly command: string;
  readonly description: string;
}

/**
 * The synth summary's "Next" steps for the clusters with their state in HCP Terraform, before the
 * deploy steps every backend shares: a token for each host (once, however many clusters it
 * holds), then each cluster's set-up stack, once, by an administrator; `outdir` as shown.
 */
export function cloudNextSteps(clusters: readonly ClusterConfig[], outdir: string): NextStep[] {
  const cloudClusters = clusters.filter((c) => c.backend.type === "cloud");
  const hosts = [...new Set(cloudClusters.map((c) => c.backend.cloud!.hostname))];
  return [
    ...hosts.map((host) => ({ command: `terraform login ${shellWord(host)}`, description: `a token for ${host} (once per machine)` })),
    ...cloudClusters.map((c) => setupStep(c, outdir)),
  ];
}

/** `npm run hcp-setup` (src/plan/hcp-setup.ts): init and apply of the set-up stack, the account's OIDC provider looked up first. */
function setupStep(cluster: ClusterConfig, outdir: string): NextStep {
  const cloud = cluster.backend.cloud!;
  const workspaces = clusterStackNames(cluster.clusterName).map((s) => `${cloud.workspacePrefix}${s}`);
  const dynamic = cloudAwsCredentials(cloud) === "dynamic";
  // Only a run role the stack creates needs AWS: IAM holds one OIDC provider per URL per account, which the command looks up first.
  const runRole = dynamic && !cloud.awsRoleArn;
  const aws = runRole ? ` and ${cluster.clusterName}'s AWS credentials` : "";
  const credentials = runRole
    ? `, AWS credentials (the account's IAM OIDC provider for https://${cloud.hostname} used if it has one, else created)`
    : dynamic
      ? ", AWS credentials"
      : "";
  return {
    command: setupCommand(outdir, cluster.clusterName),
    description: `once, by an administrator, with an HCP token that may manage workspaces${aws}: workspaces ${workspaces[0]} to ${workspaces[workspaces.length - 1]} in ${cloud.organization}${cloud.project ? `/${cloud.project}` : ""}, state sharing${credentials}`,
  };
}

/**
 * The clusters whose plans `npm run plan` cannot read: HCP Terraform runs them (remote or agent
 * execution), and src/plan/commands.ts refuses them; their runs are judged with --check-run.
 */
export const plannedInHcp = (cluster: ClusterConfig) => cluster.backend.type === "cloud" && cluster.backend.cloud!.executionMode !== "local";
