import { DataAwsS3Objects } from "@cdktf/provider-aws/lib/data-aws-s3-objects";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataTerraformRemoteState, Fn, IResolvable, LocalBackend, S3Backend, TerraformBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { ClusterConfig } from "../config/load";
import { defaultStateKeyPrefix } from "../defaults";
import { OwnState } from "../state/own-state";
import { localStateLocation, localStatePath } from "./local-state";

/** Where a stack's state lives. */
export interface StateLocation {
  /** For the synth summary: `local`, `s3://<bucket>`, `cloud <host>/<organization>`. */
  readonly summary: string;
  /** Exactly where: a changed location means a new, empty state unless the state is migrated. */
  readonly location: string;
}

const s3Key = (cluster: ClusterConfig, stackName: string) => `${cluster.backend.s3!.keyPrefix ?? defaultStateKeyPrefix(cluster.clusterName)}/${stackName}.tfstate`;
const cloudWorkspace = (cluster: ClusterConfig, stackName: string) => `${cluster.backend.cloud!.workspacePrefix}${stackName}`;

interface CloudBlockConfig {
  readonly organization: string;
  readonly hostname: string;
  readonly workspace: string;
  readonly project?: string;
}

/**
 * Terraform's `cloud` block, written as cdktf's CloudBackend writes it and read by other stacks
 * through the same `remote` remote-state data source, without CloudBackend's check that runs
 * `terraform version` for each stack at every synth: a process per stack (12 s of a fleet of 25
 * clusters on a loaded machine, most of its synth), and synth would need Terraform installed.
 * Terraform itself refuses a cloud block below 1.1.
 */
class CloudBlock extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly config: CloudBlockConfig,
  ) {
    super(scope, "backend", "cloud");
  }

  override toTerraform(): Record<string, unknown> {
    const { organization, hostname, workspace, project } = this.config;
    return { terraform: { cloud: { organization, hostname, workspaces: { name: workspace, ...(project !== undefined && { project }) } } } };
  }

  /**
   * For `cdktf synth --hcl`: TerraformBackend's default is `backend "cloud" {}`, which Terraform
   * refuses, and CloudBackend's own leaves out the project. Blocks and strings in the form
   * cdktf's HCL renderer takes.
   */
  override toHclTerraform(): Record<string, unknown> {
    const { organization, hostname, workspace, project } = this.config;
    const text = (value: string) => ({ value, type: "simple", storageClassType: "string" });
    const workspaces = { name: text(workspace), ...(project !== undefined && { project: text(project) }) };
    return { terraform: { cloud: { organization, hostname, workspaces: { value: workspaces, isBlock: true, type: "map", storageClassType: "stringmap" } } } };
  }

  /** As CloudBackend's: cdktf's CLI tells HCP Terraform (`tfc`) from Terraform Enterprise by it. */
  override toMetadata(): Record<string, unknown> {
    return { ...(super.toMetadata() as Record<string, unknown>), cloud: this.config.hostname.startsWith("app.terraform.io") ? "tfc" : "tfe" };
  }

  override getRemoteStateDataSource(scope: Construct, name: string, _fromStack: string) {
    const { organization, hostname, workspace } = this.config;
    return new DataTerraformRemoteState(scope, name, { organization, hostname, workspaces: { name: workspace } });
  }
}

/** Where the stack's state lives, from the file alone (the previous synth's is in the output's record). */
export function stateLocation(cluster: ClusterConfig, stackName: string): StateLocation {
  const { backend, aws } = cluster;
  switch (backend.type) {
    case "s3": {
      const s3 = backend.s3!;
      const endpoint = aws.serviceEndpoints.s3;
      return {
        summary: `s3://${s3.bucket}`,
        location: `s3://${s3.bucket}/${s3Key(cluster, stackName)} (${s3.region ?? cluster.region}${endpoint ? `, ${endpoint}` : ""})`,
      };
    }
    case "cloud": {
      const cloud = backend.cloud!;
      return { summary: `cloud ${cloud.hostname}/${cloud.organization}`, location: `${cloud.hostname}/${cloud.organization}/workspaces/${cloudWorkspace(cluster, stackName)}` };
    }
    default:
      return { summary: "local", location: localStateLocation(stackName) };
  }
}

/** Where a stack's state lives, by `backend.type`; cross-stack references follow the same backend. */
export function configureBackend(stack: TerraformStack, cluster: ClusterConfig, stackName: string): StateLocation {
  const { backend, aws } = cluster;
  switch (backend.type) {
    case "s3": {
      const s3 = backend.s3!;
      const endpoints = aws.serviceEndpoints;
      const key = s3Key(cluster, stackName);
      const region = s3.region ?? cluster.region;
      const configured = new S3Backend(stack, {
        bucket: s3.bucket,
        key,
        region,
        encrypt: s3.encrypt,
        kmsKeyId: s3.kmsKeyId,
        dynamodbTable: s3.dynamodbTable,
        endpoints:
          endpoints.s3 || endpoints.dynamodb || endpoints.sts || endpoints.iam
            ? { s3: endpoints.s3, dynamodb: endpoints.dynamodb, sts: endpoints.sts, iam: endpoints.iam }
            : undefined,
        usePathStyle: aws.s3UsePathStyle || undefined,
        skipCredentialsValidation: aws.skipCredentialsValidation || undefined,
        skipRequestingAccountId: aws.skipRequestingAccountId || undefined,
        maxRetries: aws.maxRetries,
      });
      // cdktf 0.21 predates S3-native locking (Terraform >= 1.10); set the attribute directly.
      if (s3.useLockfile) configured.addOverride("use_lockfile", true);
      // Whether the state object exists yet, listed with the cluster's own credentials (a bucket
      // in another region is read through a provider of that region).
      const provider =
        region === cluster.region
          ? undefined
          : new AwsProvider(stack, "state-bucket-region", {
              alias: "state",
              region,
              endpoints: endpoints.s3 ? [{ s3: endpoints.s3 }] : undefined,
              maxRetries: aws.maxRetries,
              s3UsePathStyle: aws.s3UsePathStyle || undefined,
              skipCredentialsValidation: aws.skipCredentialsValidation || undefined,
              skipRequestingAccountId: aws.skipRequestingAccountId || undefined,
            });
      const objects = new DataAwsS3Objects(stack, "own-state-object", { bucket: s3.bucket, prefix: key, provider });
      OwnState.of(stack).knowExistenceBy(Fn.contains(objects.keys, key) as IResolvable);
      break;
    }
    case "cloud": {
      const cloud = backend.cloud!;
      new CloudBlock(stack, { organization: cloud.organization, hostname: cloud.hostname, workspace: cloudWorkspace(cluster, stackName), project: cloud.project });
      break;
    }
    default: {
      // Relative to the stack folder (cdktf.out/stacks/<stack>): beside the output folder, never
      // inside it, and never an absolute path of the machine that synthesized.
      const path = localStatePath(stackName, 3);
      new LocalBackend(stack, { path });
      OwnState.of(stack).knowExistenceBy(Fn.fileexists(path));
    }
  }
  return stateLocation(cluster, stackName);
}
