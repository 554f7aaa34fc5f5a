import type { ClusterConfig } from "../config/load";
import { clusterStackNames } from "../stacks/names";
import { cloudAwsCredentials, setupStackFolder } from "./names";

/**
 * The synth summary's "Next" steps for a cluster with its state in HCP Terraform, before the
 * deploy steps every backend shares: a token for the host, then the set-up stack, once, by an
 * administrator.
 */
export function cloudNextSteps(cluster: ClusterConfig, outdir: string): { command: string; description: string }[] {
  const cloud = cluster.backend.cloud!;
  const folder = setupStackFolder(outdir, cluster.clusterName);
  const workspaces = clusterStackNames(cluster.clusterName).map((s) => `${cloud.workspacePrefix}${s}`);
  return [
    { command: `terraform login ${cloud.hostname}`, description: `a token for ${cloud.hostname} (once per machine)` },
    {
      command: `terraform -chdir=${folder} init && terraform -chdir=${folder} apply`,
      description: `once, by an administrator: workspaces ${workspaces[0]} to ${workspaces[workspaces.length - 1]} in ${cloud.organization}${cloud.project ? `/${cloud.project}` : ""}, state sharing${cloudAwsCredentials(cloud) === "dynamic" ? ", AWS credentials" : ""}`,
    },
  ];
}
