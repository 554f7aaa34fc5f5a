import type { ClusterConfig } from "../config/load";
import { clusterStackNames } from "../stacks/names";
import { cloudAwsCredentials, setupStackFolder } from "./names";

/**
 * The synth summary's "Next" lines for a cluster with its state in HCP Terraform, before the
 * deploy lines every backend shares: a token for the host, then the set-up stack, once, by an
 * administrator. Same layout as the summary's other lines: a command, two or more spaces, what it is.
 */
export function cloudNextSteps(cluster: ClusterConfig, outdir: string): string[] {
  const cloud = cluster.backend.cloud!;
  const folder = setupStackFolder(outdir, cluster.clusterName);
  const workspaces = clusterStackNames(cluster.clusterName).map((s) => `${cloud.workspacePrefix}${s}`);
  const pad = (command: string) => `  ${command.padEnd(36)}`;
  return [
    `${pad(`terraform login ${cloud.hostname}`)}  a token for ${cloud.hostname} (once per machine)`,
    `  terraform -chdir=${folder} init && terraform -chdir=${folder} apply`,
    `${" ".repeat(40)}once, by an administrator: workspaces ${workspaces[0]} to ${workspaces[workspaces.length - 1]} in ${cloud.organization}${cloud.project ? `/${cloud.project}` : ""}, state sharing${cloudAwsCredentials(cloud) === "dynamic" ? ", AWS credentials" : ""}`,
  ];
}
