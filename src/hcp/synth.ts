import * as path from "node:path";
import { App } from "cdktf";
import { partitionOfRegion } from "../aws/partition";
import type { ClusterConfig } from "../config/load";
import { clusterStackNames } from "../stacks/names";
import { providerEndpoints } from "../stacks/cluster-stack";
import { kmsKeyArnsIn, runRoleStatements } from "./aws-permissions";
import { cloudAwsCredentials, SETUP_APP_FOLDER, setupStackName, setupStatePath } from "./names";
import { HcpSetupStack } from "./setup-stack";
import { SynthesizedStack, workloadWorkspaces } from "./workspaces";

/** The run role's name: outside `<infraId>-*`, the names its own policy may change. */
export const runRoleName = (infraId: string) => `hcp-run-${infraId}`;

export interface SetupSummary {
  readonly name: string;
  readonly resources: number;
}

/**
 * Synthesizes `<clusterName>-hcp` for each cloud-backed cluster into `<outdir>/hcp`, from the
 * workload stacks as they were just synthesized into `outdir` (`synthesized` reads one by name).
 */
export function synthesizeHcpSetups(clusters: readonly ClusterConfig[], outdir: string, synthesized: (stack: string) => SynthesizedStack & { resource?: object }): SetupSummary[] {
  const cloudClusters = clusters.filter((c) => c.backend.type === "cloud");
  if (!cloudClusters.length) return [];
  const app = new App({ outdir: path.join(outdir, SETUP_APP_FOLDER), stackTraces: false });
  const stacks = cloudClusters.map((c) => {
    const cloud = c.backend.cloud!;
    const stacks = clusterStackNames(c.clusterName);
    const types = { resources: new Set<string>(), dataSources: new Set<string>() };
    for (const s of stacks) {
      const json = synthesized(s) as { resource?: object; data?: object };
      Object.keys(json.resource ?? {}).forEach((t) => types.resources.add(t));
      Object.keys(json.data ?? {}).forEach((t) => types.dataSources.add(t));
    }
    const dynamicCredentials =
      cloudAwsCredentials(cloud) !== "dynamic"
        ? undefined
        : cloud.awsRoleArn
          ? { roleArn: cloud.awsRoleArn }
          : {
              name: runRoleName(c.infraId),
              statements: runRoleStatements(types, {
                infraId: c.infraId,
                partition: partitionOfRegion(c.region),
                kmsKeyArns: kmsKeyArnsIn(c.machines),
                assumedRoleArns: c.dns.hostedZoneRoleArn ? [c.dns.hostedZoneRoleArn] : [],
              }),
              provider: {
                region: c.region,
                // The file's tags, not the cluster's ownership tag: `openshift-install destroy
                // cluster` deletes what carries that, and the OIDC provider serves every cluster.
                defaultTags: Object.keys(c.tags).length ? [{ tags: { ...c.tags } }] : undefined,
                endpoints: providerEndpoints(c.aws.serviceEndpoints),
                maxRetries: c.aws.maxRetries,
                s3UsePathStyle: c.aws.s3UsePathStyle || undefined,
                skipCredentialsValidation: c.aws.skipCredentialsValidation || undefined,
                skipRequestingAccountId: c.aws.skipRequestingAccountId || undefined,
              },
            };
    return new HcpSetupStack(app, setupStackName(c.clusterName), {
      organization: cloud.organization,
      hostname: cloud.hostname,
      project: cloud.project,
      workspaces: workloadWorkspaces(stacks, cloud.workspacePrefix, synthesized),
      executionMode: cloud.executionMode,
      agentPoolId: cloud.agentPoolId,
      terraformVersion: cloud.terraformVersion,
      runTriggers: cloud.runTriggers,
      dynamicCredentials,
      statePath: setupStatePath(c.clusterName),
    });
  });
  app.synth();
  return stacks.map((s) => ({
    name: s.node.id,
    resources: Object.values<object>((s.toTerraform() as { resource?: Record<string, object> }).resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0),
  }));
}
