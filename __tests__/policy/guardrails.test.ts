import { Instance } from "@cdktf/provider-aws/lib/instance";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, Aspects, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
// What a library user imports: the package's entry point.
import {
  defaultTags,
  formatFinding,
  GuardrailError,
  Guardrails,
  loadClusterFile,
  OpenShiftUpiCluster,
  OpenShiftUpiClusterProps,
  readInstallDir,
  Rule,
  RuleContext,
  RULES,
  Subject,
  synthWithGuardrails,
} from "../../src";
import { ClusterStack } from "../../src/stacks/cluster-stack";
import { runSynth } from "../../test-support/cli";
import { DEFAULT_CLUSTER_FILE, EXAMPLE_INSTALL_DIR, tempDir } from "../../test-support/paths";
import { baseCluster, synthCluster } from "../../test-support/synth";

describe("guardrails on synthesized stacks", () => {
  test("the default example has zero findings", () => {
    const result = synthCluster(fs.readFileSync(DEFAULT_CLUSTER_FILE, "utf8").replace("./install", path.join(path.dirname(DEFAULT_CLUSTER_FILE), "install")));
    expect(result.warnings).toEqual([]);
    expect(result.stacks.flatMap((s) => [s.network, s.infra, s.bootstrap, s.machines]).flatMap((s) => s.guardrails.findings)).toEqual([]);
  });

  test("a non-compliant construct in a cluster stack stops app.synth(), with its construct path", () => {
    const [cluster] = loadClusterFile(DEFAULT_CLUSTER_FILE).clusters;
    const app = new App({ outdir: tempDir() });
    const stack = new ClusterStack(app, "demo-extra", cluster);
    new Instance(stack, "legacy", { ami: "ami-0123456789abcdef0", instanceType: "t3.micro", metadataOptions: { httpTokens: "optional" } });
    new S3Bucket(stack, "open-bucket", {});
    expect(() => app.synth()).toThrow(/App-level validation failed[^]*\[UPI-EC2-1\] demo-extra\/legacy: /);
    expect(stack.guardrails.blocking.map(formatFinding).sort()).toEqual(
      [
        '[UPI-EC2-1] demo-extra/legacy: the instance metadata service accepts IMDSv1 requests (fix: set metadata_options.http_tokens to "required")',
        "[UPI-EC2-2] demo-extra/legacy: the root volume is not encrypted (fix: set encrypted = true on every volume (and kms_key_id for a customer key))",
        "[UPI-S3-1] demo-extra/open-bucket: the bucket does not block all public access (fix: add an aws_s3_bucket_public_access_block with all four settings true)",
        "[UPI-S3-2] demo-extra/open-bucket: the bucket has no default encryption (fix: add an aws_s3_bucket_server_side_encryption_configuration (AES256 or aws:kms))",
        "[UPI-S3-3] demo-extra/open-bucket: the bucket accepts requests without TLS (fix: add a bucket policy that denies s3:* when aws:SecureTransport is false)",
      ].sort(),
    );
    // Stopped before the manifest: cdktf deploys nothing from a folder without one.
    expect(fs.existsSync(path.join(app.outdir, "manifest.json"))).toBe(false);
  });

  test("the aspect enforces itself in any cdktf app, outside the cluster stacks", () => {
    const app = new App({ outdir: tempDir() });
    const stack = new TerraformStack(app, "mine");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const guardrails = new Guardrails({ infraId: "x-1", acknowledge: [{ rule: "UPI-TAG-1", reason: "not a cluster resource" }] });
    Aspects.of(stack).add(guardrails);
    new S3Bucket(stack, "b", { tags: { Name: "b" } });
    expect(() => synthWithGuardrails(app)).toThrow(GuardrailError);
    expect(guardrails.findings.filter((f) => f.acknowledged).map((f) => f.rule.id)).toEqual(["UPI-TAG-1"]);
    expect(guardrails.blocking.map((f) => f.rule.id).sort()).toEqual(["UPI-S3-1", "UPI-S3-2", "UPI-S3-3"]);
  });

  test("Guardrails.acknowledge covers a construct and its children, not its siblings", () => {
    const app = new App({ outdir: tempDir() });
    const stack = new TerraformStack(app, "mine");
    new AwsProvider(stack, "aws", { region: "eu-west-1", defaultTags: [{ tags: defaultTags("x-1", {}) }] });
    Aspects.of(stack).add(new Guardrails({ infraId: "x-1" }));
    const legacy = new Construct(stack, "legacy");
    new Instance(new Construct(legacy, "old"), "vm", { ami: "ami-0123456789abcdef0", instanceType: "t3.micro", rootBlockDevice: { encrypted: true } });
    new Instance(stack, "new-vm", { ami: "ami-0123456789abcdef0", instanceType: "t3.micro", rootBlockDevice: { encrypted: true } });
    Guardrails.acknowledge(legacy, "UPI-EC2-1", "the AMI's agent needs IMDSv1; replaced in Q3");
    expect(() => synthWithGuardrails(app)).toThrow(
      new GuardrailError([{ rule: RULES.find((r) => r.id === "UPI-EC2-1")!, path: "mine/new-vm", what: "the instance metadata service accepts IMDSv1 requests" }]),
    );
    expect(Guardrails.findingsOf(app).map(formatFinding)).toEqual([
      "warning: [UPI-EC2-1] mine/legacy/old/vm: the instance metadata service accepts IMDSv1 requests (acknowledged: the AMI's agent needs IMDSv1; replaced in Q3)",
      '[UPI-EC2-1] mine/new-vm: the instance metadata service accepts IMDSv1 requests (fix: set metadata_options.http_tokens to "required")',
    ]);
  });

  test("acknowledging a rule that no pack has stops synth (a typo would hide nothing)", () => {
    const app = new App({ outdir: tempDir() });
    const stack = new TerraformStack(app, "mine");
    new AwsProvider(stack, "aws", { region: "eu-west-1", defaultTags: [{ tags: defaultTags("x-1", {}) }] });
    Aspects.of(stack).add(new Guardrails({ infraId: "x-1" }));
    Guardrails.acknowledge(stack, "UPI-EC2-9", "typo");
    expect(() => app.synth()).toThrow(/Guardrails\.acknowledge\(mine, "UPI-EC2-9"\): no rule pack has this rule \(rules: UPI-EC2-1, /);
    expect(() => Guardrails.acknowledge(stack, "UPI-EC2-1", " ")).toThrow('Guardrails.acknowledge(mine, "UPI-EC2-1"): reason is empty');
  });

  test("a rule of your own, written with the exported types, next to the pack", () => {
    // Every instance must name its owner team in its tags.
    const ownerTag: Rule = {
      id: "ACME-TAG-1",
      title: "instances name their owner",
      fix: "add an owner tag",
      check: (s: Subject, ctx: RuleContext) =>
        s.kind === "resource" && s.type === "aws_instance" && !("owner" in { ...ctx.defaultTags, ...(s.attrs.tags ?? {}) }) ? ["the instance has no owner tag"] : [],
    };
    const build = (tags: Record<string, string>) => {
      const app = new App({ outdir: tempDir() });
      const stack = new TerraformStack(app, "mine");
      new AwsProvider(stack, "aws", { region: "eu-west-1", defaultTags: [{ tags: defaultTags("x-1", {}) }] });
      Aspects.of(stack).add(new Guardrails({ infraId: "x-1", rules: [...RULES, ownerTag] }));
      new Instance(stack, "vm", {
        ami: "ami-0123456789abcdef0",
        instanceType: "t3.micro",
        metadataOptions: { httpTokens: "required" },
        rootBlockDevice: { encrypted: true },
        tags,
      });
      return app;
    };
    expect(() => synthWithGuardrails(build({}))).toThrow("[ACME-TAG-1] mine/vm: the instance has no owner tag (fix: add an owner tag)");
    const compliant = build({ owner: "platform" });
    synthWithGuardrails(compliant);
    expect(Guardrails.findingsOf(compliant)).toEqual([]);
  });

  test("documented IAM is itself the acknowledgement of the wildcard rule, and says so", () => {
    const result = synthCluster(baseCluster({ iam: { policy: "documented" } }));
    expect(result.warnings).toEqual([
      "warning: [UPI-IAM-1] demo-infra/master-iam/policy: the policy allows ec2:*, elasticloadbalancing:* (acknowledged: iam.policy: documented chooses the seed's broad table)",
    ]);
  });
});

describe("OpenShiftUpiCluster brings the rule pack into the user's own app", () => {
  const assets = readInstallDir(EXAMPLE_INSTALL_DIR);
  const cluster = (stack: TerraformStack, props: Partial<OpenShiftUpiClusterProps> = {}) =>
    new OpenShiftUpiCluster(stack, "cluster", {
      clusterName: "demo",
      baseDomain: "example.com",
      infraId: "demo-x7k2p",
      region: "us-east-1",
      network: { availabilityZones: 1, natGateways: "single" },
      rhcosAmi: "ami-0123456789abcdef0",
      ignition: assets,
      ...props,
    });
  const appWith = (providerTags: Record<string, string>) => {
    const app = new App({ outdir: tempDir() });
    const stack = new TerraformStack(app, "mine");
    new AwsProvider(stack, "aws", { region: "us-east-1", defaultTags: [{ tags: providerTags }] });
    return { app, stack };
  };

  test("compliant: the cluster tag in the provider's default tags, documented IAM acknowledged by choosing it", () => {
    const { app, stack } = appWith(defaultTags("demo-x7k2p", { team: "platform" }));
    cluster(stack, { iam: { policy: "documented" } });
    app.synth();
    expect(Guardrails.findingsOf(app).map(formatFinding)).toEqual([
      "warning: [UPI-IAM-1] mine/cluster/master-iam/policy: the policy allows ec2:*, elasticloadbalancing:* (acknowledged: iam.policy: documented chooses the seed's broad table)",
    ]);
  });

  test("non-compliant: without the cluster tag, synth stops; an acknowledgement on the cluster accepts it", () => {
    const { app, stack } = appWith({ team: "platform" });
    cluster(stack);
    expect(() => app.synth()).toThrow(/\[UPI-TAG-1\] mine\/cluster\/network\/vpc: the resource is not tagged kubernetes.io\/cluster\/demo-x7k2p/);

    const second = appWith({ team: "platform" });
    Guardrails.acknowledge(cluster(second.stack), "UPI-TAG-1", "tagged by the account's tag policy");
    second.app.synth();
    expect(Guardrails.findingsOf(second.app).length).toBeGreaterThan(10);
    expect(Guardrails.findingsOf(second.app).every((f) => f.rule.id === "UPI-TAG-1" && f.acknowledged)).toBe(true);
  });

  test("a stack pack around the cluster's own reports each finding once", () => {
    const { app, stack } = appWith({ team: "platform" });
    Aspects.of(stack).add(new Guardrails({ infraId: "demo-x7k2p" }));
    cluster(stack);
    expect(() => synthWithGuardrails(app)).toThrow(GuardrailError);
    const paths = Guardrails.findingsOf(app).map((f) => f.path);
    expect(paths).toContain("mine/cluster/network/vpc");
    expect(new Set(paths).size).toBe(paths.length);
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
      ["network", "infra", "bootstrap", "machines", "ingress"].map((s) => `[UPI-STATE-1] demo-${s}/backend: state is stored unencrypted (fix: set backend.s3.encrypt: true)`),
    );
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes("staging"))).toEqual([]);
  });

  test("an acknowledged rule turns its findings into warnings, and synth goes on", () => {
    const acknowledge = [{ rule: "UPI-STATE-1", reason: "the bucket encrypts by default with its own key" }];
    const r = runSynth({ CLUSTER_CONFIG: write(baseCluster({ ...unencrypted, guardrails: { acknowledge } })), CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(5);
    expect(r.stderr).toContain("warning: [UPI-STATE-1] demo-network/backend: state is stored unencrypted (acknowledged: the bucket encrypts by default with its own key)");
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(true);
  });

  test("acknowledging an unknown rule is an error naming the field", () => {
    const r = runSynth({ CLUSTER_CONFIG: write(baseCluster({ guardrails: { acknowledge: [{ rule: "UPI-XYZ-9", reason: "typo" }] } })), CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/guardrails\.acknowledge\[0\]\.rule: "UPI-XYZ-9" is not a rule \(rules: UPI-EC2-1, /);
  });
});
