import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import type { ClusterConfig } from "../config/load";
import { defaultStateKeyPrefix } from "../defaults";

/** Where a stack's state lives, by `backend.type`; cross-stack references follow the same backend. */
export function configureBackend(stack: TerraformStack, cluster: ClusterConfig, stackName: string): string {
  const { backend, aws } = cluster;
  switch (backend.type) {
    case "s3": {
      const s3 = backend.s3!;
      const endpoints = aws.serviceEndpoints;
      const configured = new S3Backend(stack, {
        bucket: s3.bucket,
        key: `${s3.keyPrefix ?? defaultStateKeyPrefix(cluster.clusterName)}/${stackName}.tfstate`,
        region: s3.region ?? cluster.region,
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
      return `s3://${s3.bucket}`;
    }
    case "cloud": {
      const cloud = backend.cloud!;
      new CloudBackend(stack, {
        organization: cloud.organization,
        hostname: cloud.hostname,
        workspaces: new NamedCloudWorkspace(`${cloud.workspacePrefix}${stackName}`, cloud.project),
      });
      return `cloud ${cloud.hostname}/${cloud.organization}`;
    }
    default:
      // Relative to the stack folder (cdktf.out/stacks/<stack>): beside the output folder, never
      // inside it, and never an absolute path of the machine that synthesized.
      new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
      return "local";
  }
}
