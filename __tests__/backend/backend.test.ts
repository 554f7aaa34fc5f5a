import { baseCluster, synthCluster } from "../../test-support/synth";

const remoteStates = (stack: any) => Object.values<any>(stack.data?.terraform_remote_state ?? {});

describe("backends", () => {
  test("local (default): a path relative to the stack folder, beside the output folder", () => {
    const result = synthCluster(baseCluster());
    for (const [name, stack] of Object.entries(result.json)) {
      expect(stack.terraform.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
    }
    // Cross-stack references read the producer's state file by the same relative path.
    const [network] = remoteStates(result.stack("infra"));
    expect(network).toMatchObject({ backend: "local", config: { path: "../../../terraform.demo-network.tfstate" } });
    expect(JSON.stringify(result.json)).not.toContain(result.outdir);
  });

  test("s3: one key per stack under keyPrefix, lockfile, encryption, KMS, DynamoDB and the custom endpoint", () => {
    const result = synthCluster(
      baseCluster({
        aws: { serviceEndpoints: { s3: "https://s3.internal", dynamodb: "https://ddb.internal" }, s3UsePathStyle: true, skipCredentialsValidation: true },
        backend: {
          type: "s3",
          s3: { bucket: "tf-state", keyPrefix: "clusters/demo", region: "eu-central-1", kmsKeyId: "alias/tfstate", dynamodbTable: "tf-locks" },
        },
      }),
    );
    for (const [name, stack] of Object.entries(result.json)) {
      expect(stack.terraform.backend.s3).toEqual({
        bucket: "tf-state",
        key: `clusters/demo/${name}.tfstate`,
        region: "eu-central-1",
        encrypt: true,
        kms_key_id: "alias/tfstate",
        dynamodb_table: "tf-locks",
        use_lockfile: true,
        use_path_style: true,
        skip_credentials_validation: true,
        endpoints: { s3: "https://s3.internal", dynamodb: "https://ddb.internal" },
      });
    }
    const [network] = remoteStates(result.stack("infra"));
    expect(network).toMatchObject({ backend: "s3", config: { bucket: "tf-state", key: "clusters/demo/demo-network.tfstate", region: "eu-central-1" } });
  });

  test("s3 defaults: keys under openshift/<clusterName>, the cluster's region, lockfile on", () => {
    const result = synthCluster(baseCluster({ backend: { type: "s3", s3: { bucket: "tf-state" } } }));
    expect(result.stack("machines").terraform.backend.s3).toEqual({
      bucket: "tf-state",
      key: "openshift/demo/demo-machines.tfstate",
      region: "us-east-1",
      encrypt: true,
      use_lockfile: true,
    });
  });

  test("cloud: one workspace per stack named <workspacePrefix><stack>, in a project", () => {
    const result = synthCluster(baseCluster({ backend: { type: "cloud", cloud: { organization: "acme", workspacePrefix: "ocp-", project: "openshift" } } }));
    for (const [name, stack] of Object.entries(result.json)) {
      expect(stack.terraform.cloud).toEqual({ hostname: "app.terraform.io", organization: "acme", workspaces: { name: `ocp-${name}`, project: "openshift" } });
    }
    const [network] = remoteStates(result.stack("infra"));
    expect(network).toMatchObject({ backend: "remote", config: { organization: "acme", hostname: "app.terraform.io", workspaces: { name: "ocp-demo-network" } } });
  });
});
