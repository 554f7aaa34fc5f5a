import * as fs from "node:fs";
import * as path from "node:path";
import { DATA_SOURCE_TYPES, kmsKeyArnsIn, runRoleStatements, TYPE_PERMISSIONS } from "../../src/hcp/aws-permissions";
import { synthesize } from "../../src/synth";
import { ROOT, tempDir } from "../../test-support/paths";

/**
 * The run role's permission policy is derived from the synthesized types: every type any example
 * synthesizes, and every resource or data source class the stacks' code can create, has its IAM
 * actions in the table; the policy holds no service-wide or account-wide grant.
 */

/** Every cluster file under examples/ (not the made-up install folder). */
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, "examples"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".yaml") && !f.split(path.sep).includes("install"))
  .sort();

function typesOf(file: string) {
  const out = synthesize(path.join(ROOT, "examples", file), path.join(tempDir(), "cdktf.out")).outdir;
  const types = { resources: new Set<string>(), dataSources: new Set<string>() };
  for (const stack of fs.readdirSync(path.join(out, "stacks"))) {
    const json = JSON.parse(fs.readFileSync(path.join(out, "stacks", stack, "cdk.tf.json"), "utf8"));
    Object.keys(json.resource ?? {}).forEach((t) => types.resources.add(t));
    Object.keys(json.data ?? {}).forEach((t) => types.dataSources.add(t));
  }
  return types;
}

test("the examples are found", () => expect(EXAMPLES.length).toBeGreaterThanOrEqual(5));

test.each(EXAMPLES)("every type examples/%s synthesizes has its IAM actions", (file) => {
  const types = typesOf(file);
  expect([...types.resources].filter((t) => !(t in TYPE_PERMISSIONS))).toEqual([]);
  expect([...types.dataSources].filter((t) => !DATA_SOURCE_TYPES.includes(t))).toEqual([]);
  expect(() => runRoleStatements(types, { infraId: "demo-x7k2p", partition: "aws" })).not.toThrow();
});

test("every AWS resource and data source class the stacks' code uses is in the table (not only the examples')", () => {
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
  // The set-up stack's own classes (src/hcp) are applied by an administrator, not by the runs.
  const sources = files(path.join(ROOT, "src")).filter((f) => !f.startsWith(path.join(ROOT, "src", "hcp")));
  const modules = new Set(sources.flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/@cdktf\/provider-aws\/lib\/([a-z0-9-]+)/g)].map((m) => m[1])));
  modules.delete("provider");
  const snake = (m: string) => `aws_${m.replace(/-/g, "_")}`;
  const resources = [...modules].filter((m) => !m.startsWith("data-aws-")).map(snake);
  const dataSources = [...modules].filter((m) => m.startsWith("data-aws-")).map((m) => snake(m.slice("data-aws-".length)));
  expect(resources.length).toBeGreaterThan(20);
  expect(resources.filter((t) => !(t in TYPE_PERMISSIONS))).toEqual([]);
  expect(dataSources.filter((t) => !DATA_SOURCE_TYPES.includes(t))).toEqual([]);
});

test("a type missing from the table stops the set-up stack's synth, naming it", () => {
  expect(() => runRoleStatements({ resources: ["aws_vpc", "aws_kms_key"], dataSources: ["aws_ami"] }, { infraId: "demo-x7k2p", partition: "aws" })).toThrow(
    "src/hcp/aws-permissions.ts has no IAM actions for resource aws_kms_key, data source aws_ami: add them to its table",
  );
});

describe("the policy of the default example", () => {
  const statements = runRoleStatements(typesOf("default/cluster.yaml"), { infraId: "demo-x7k2p", partition: "aws" });
  const changes = statements.filter((s) => s.Sid !== "Read");

  test("no service-wide or account-wide action, no wildcard beyond the read-only ones", () => {
    const actions = statements.flatMap((s) => s.Action);
    expect(actions.filter((a) => a === "*" || a.endsWith(":*"))).toEqual([]);
    const wildcards = actions.filter((a) => a.includes("*"));
    expect(wildcards.every((a) => /:(Describe|Get|List|GetBucket)\*$/.test(a))).toBe(true);
    expect(statements.find((s) => s.Sid === "Read")!.Action.filter((a) => a.includes("*"))).toEqual(wildcards);
  });

  test("S3 objects are read in the ignition bucket only: no read on every resource reaches an object", () => {
    // IAM's wildcards: `*` any run of characters, `?` one; names compared without case.
    const matches = (pattern: string, action: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
        "i",
      ).test(action);
    const read = statements.find((s) => s.Sid === "Read")!;
    for (const action of ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAcl", "s3:GetObjectTagging"]) {
      expect([action, read.Action.filter((a) => matches(a, action))]).toEqual([action, []]);
    }
    expect(read.Action).toEqual(expect.arrayContaining(["s3:GetBucket*", "s3:ListBucket", "s3:ListAllMyBuckets"]));
    const objects = statements.filter((s) => s.Action.includes("s3:GetObject"));
    expect(objects.map((s) => s.Resource)).toEqual(["arn:aws:s3:::demo-x7k2p-ign-*/*"]);
  });

  test("IAM and S3 changes only on the cluster's own names; roles passed only to EC2", () => {
    for (const s of changes.filter((s) => s.Action.some((a) => a.startsWith("iam:") || a.startsWith("s3:")))) {
      expect([s.Sid, s.Resource]).toEqual([s.Sid, expect.stringMatching(/^arn:aws:(iam::\*:(role|instance-profile)\/demo-x7k2p-\*|s3:::demo-x7k2p-ign-\*(\/\*)?)$/)]);
    }
    expect(statements.find((s) => s.Sid === "PassClusterRolesToEc2")).toEqual({
      Sid: "PassClusterRolesToEc2",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: "arn:aws:iam::*:role/demo-x7k2p-*",
      Condition: { StringLike: { "iam:PassedToService": "ec2.*" } },
    });
  });

  test("what takes objects down (terminate, stop, delete, load balancer changes) only on objects tagged as the cluster's own", () => {
    const owned = statements.find((s) => s.Sid === "ChangeClusterOwned")!;
    expect(owned.Condition).toEqual({ StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/demo-x7k2p": "owned" } });
    expect(owned.Action).toEqual(
      expect.arrayContaining([
        "ec2:TerminateInstances",
        "ec2:StopInstances",
        "ec2:DeleteVpc",
        "ec2:DeleteSecurityGroup",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DeregisterTargets",
      ]),
    );
    const unconditioned = statements.filter((s) => !s.Condition).flatMap((s) => s.Action);
    expect(unconditioned.filter((a) => /^(ec2:(Terminate|Stop)Instances|ec2:Delete(Vpc|Subnet|SecurityGroup|NatGateway)|elasticloadbalancing:Delete\w+)$/.test(a))).toEqual([]);
  });

  test("fits an inline role policy (10,240 characters)", () => {
    expect(JSON.stringify({ Version: "2012-10-17", Statement: statements }).length).toBeLessThan(10_240);
  });
});

test("the file's own KMS keys and assumed roles: used on those ARNs only, and only when the file names them", () => {
  const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const role = "arn:aws:iam::210987654321:role/zone-records";
  const machines = { bootstrap: { ignitionKmsKeyArn: key, rootVolume: {} }, controlPlane: { rootVolume: { kmsKeyArn: key } }, compute: { rootVolume: {} } };
  expect(kmsKeyArnsIn(machines)).toEqual([key, key]);
  const statements = runRoleStatements(
    { resources: ["aws_instance"], dataSources: [] },
    { infraId: "demo-x7k2p", partition: "aws", kmsKeyArns: kmsKeyArnsIn(machines), assumedRoleArns: [role] },
  );
  expect(statements.find((s) => s.Sid === "UseClusterKmsKeys")?.Resource).toEqual([key]);
  expect(statements.find((s) => s.Sid === "AssumeFileRoles")).toMatchObject({ Action: ["sts:AssumeRole"], Resource: [role] });
  const plain = runRoleStatements({ resources: ["aws_instance"], dataSources: [] }, { infraId: "demo-x7k2p", partition: "aws" });
  expect(plain.map((s) => s.Sid)).toEqual(["Read", "ChangeAny", "ChangeClusterOwned", "PassClusterRolesToEc2"]);
});
