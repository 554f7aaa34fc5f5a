import { Instance } from "@cdktf/provider-aws/lib/instance";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, Aspects, TerraformStack } from "cdktf";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { loadClusterFile } from "../../src/config/load";
import { formatFinding, Guardrails, readSynthesized } from "../../src/policy/guardrails";
import { ClusterStack } from "../../src/stacks/cluster-stack";
import { runSynth } from "../../test-support/cli";
import { DEFAULT_CLUSTER_FILE, tempDir } from "../../test-support/paths";
import { baseCluster, synthCluster } from "../../test-support/synth";

describe("guardrails on synthesized stacks", () => {
  test("the default example has zero findings", () => {
    const result = synthCluster(fs.readFileSync(DEFAULT_CLUSTER_FILE, "utf8").replace("./install", path.join(path.dirname(DEFAULT_CLUSTER_FILE), "install")));
    expect(result.warnings).toEqual([]);
    expect(result.stacks.flatMap((s) => [s.network!, s.infra, s.bootstrap, s.machines]).flatMap((s) => s.guardrails.findings)).toEqual([]);
  });

  test("a non-compliant construct in a cluster stack is found, with its construct path", () => {
    const [cluster] = loadClusterFile(DEFAULT_CLUSTER_FILE).clusters;
    const outdir = tempDir();
    const app = new App({ outdir });
    const stack = new ClusterStack(app, "demo-extra", cluster);
    new Instance(stack, "legacy", { ami: "ami-0123456789abcdef0", instanceType: "t3.micro", metadataOptions: { httpTokens: "optional" } });
    new S3Bucket(stack, "open-bucket", {});
    app.synth();
    stack.guardrails.check(readSynthesized(outdir));
    expect(stack.guardrails.blocking.map(formatFinding).sort()).toEqual(
      [
        "[UPI-EC2-1] demo-extra/legacy: the instance metadata service accepts IMDSv1 requests (fix: set metadata_options.http_tokens to \"required\")",
        "[UPI-EC2-2] demo-extra/legacy: the root volume is not encrypted (fix: set encrypted = true on every volume (and kms_key_id for a customer key))",
        "[UPI-S3-1] demo-extra/open-bucket: the bucket does not block all public access (fix: add an aws_s3_bucket_public_access_block with all four settings true)",
        "[UPI-S3-2] demo-extra/open-bucket: the bucket has no default encryption (fix: add an aws_s3_bucket_server_side_encryption_configuration (AES256 or aws:kms))",
        "[UPI-S3-3] demo-extra/open-bucket: the bucket accepts requests without TLS (fix: add a bucket policy that denies s3:* when aws:SecureTransport is false)",
      ].sort(),
    );
  });

  test("the aspect works in any cdktf app, outside the cluster stacks", () => {
    const outdir = tempDir();
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "mine");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const guardrails = new Guardrails({ infraId: "x-1", acknowledge: [{ rule: "UPI-TAG-1", reason: "not a cluster resource" }] });
    Aspects.of(stack).add(guardrails);
    new S3Bucket(stack, "b", { tags: { Name: "b" } });
    app.synth();
    guardrails.check(readSynthesized(outdir));
    expect(guardrails.findings.filter((f) => f.acknowledged).map((f) => f.rule.id)).toEqual(["UPI-TAG-1"]);
    expect(guardrails.blocking.map((f) => f.rule.id).sort()).toEqual(["UPI-S3-1", "UPI-S3-2", "UPI-S3-3"]);
  });

  test("documented IAM is itself the acknowledgement of the wildcard rule, and says so", () => {
    const result = synthCluster(baseCluster({ iam: { policy: "documented" } }));
    expect(result.warnings).toEqual([
      "warning: [UPI-IAM-1] demo-infra/master-iam/policy: the policy allows ec2:*, elasticloadbalancing:* (acknowledged: iam.policy: documented chooses the seed's broad table)",
    ]);
  });
});

describe("a finding stops synth", () => {
  const dir = tempDir();
  const outdir = path.join(dir, "out");
  const write = (content: Record<string, unknown>) => {
    const file = path.join(dir, "cluster.yaml");
    fs.writeFileSync(file, stringify(content));
    return file;
  };
  const unencrypted = { backend: { type: "s3", s3: { bucket: "tf-state", encrypt: false } } };

  test("exit 1, one line per finding in the exact format, nothing written", () => {
    const r = runSynth({ CLUSTER_CONFIG: write(baseCluster(unencrypted)), CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual(
      ["network", "infra", "bootstrap", "machines", "ingress"].map(
        (s) => `[UPI-STATE-1] demo-${s}/backend: state is stored unencrypted (fix: set backend.s3.encrypt: true)`,
      ),
    );
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes("staging"))).toEqual([]);
  });

  test("an acknowledged rule turns its findings into warnings, and synth goes on", () => {
    const acknowledge = [{ rule: "UPI-STATE-1", reason: "the bucket encrypts by default with its own key" }];
    const r = runSynth({ CLUSTER_CONFIG: write(baseCluster({ ...unencrypted, guardrails: { acknowledge } })), CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(5);
    expect(r.stderr).toContain(
      "warning: [UPI-STATE-1] demo-network/backend: state is stored unencrypted (acknowledged: the bucket encrypts by default with its own key)",
    );
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(true);
  });

  test("acknowledging an unknown rule is an error naming the field", () => {
    const r = runSynth({ CLUSTER_CONFIG: write(baseCluster({ guardrails: { acknowledge: [{ rule: "UPI-XYZ-9", reason: "typo" }] } })), CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/guardrails\.acknowledge\[0\]\.rule: "UPI-XYZ-9" is not a rule \(rules: UPI-EC2-1, /);
  });
});
