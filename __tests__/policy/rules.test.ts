import { RULES, RuleContext, Subject } from "../../src/policy/rules";

const TAG = "kubernetes.io/cluster/demo-1";
const ctx = (resources: RuleContext["resources"] = {}, defaultTags: Record<string, string> = { [TAG]: "owned" }): RuleContext => ({
  infraId: "demo-1",
  defaultTags,
  resources,
});
const res = (type: string, attrs: any, name = "r", taggable = false): Subject => ({ kind: "resource", type, name, attrs, taggable });

const bucket = res("aws_s3_bucket", {}, "b");
const ref = "${aws_s3_bucket.b.id}";
const pab = {
  aws_s3_bucket_public_access_block: { p: { bucket: ref, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } },
};
const sse = { aws_s3_bucket_server_side_encryption_configuration: { e: { bucket: ref, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] } } };
const tls = {
  aws_s3_bucket_policy: {
    p: { bucket: ref, policy: JSON.stringify({ Statement: [{ Effect: "Deny", Action: "s3:*", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] }) },
  },
};
const policy = (actions: string[]) => res("aws_iam_role_policy", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }) });
const pointer = JSON.stringify({
  ignition: {
    config: { merge: [{ source: "https://api-int.c.example.com:22623/config/master" }] },
    security: { tls: { certificateAuthorities: [{ source: "data:,ca" }] } },
    version: "3.1.0",
  },
});

/** [rule, compliant subject and context, non-compliant subject and context, what the finding says]. */
const cases: [string, [Subject, RuleContext], [Subject, RuleContext], RegExp][] = [
  [
    "UPI-EC2-1",
    [res("aws_instance", { metadata_options: { http_tokens: "required" } }), ctx()],
    [res("aws_instance", { metadata_options: { http_tokens: "optional" } }), ctx()],
    /IMDSv1/,
  ],
  [
    "UPI-EC2-2",
    [res("aws_instance", { root_block_device: { encrypted: true }, ebs_block_device: [{ device_name: "/dev/sdf", encrypted: true }] }), ctx()],
    [res("aws_instance", { root_block_device: { encrypted: true }, ebs_block_device: [{ device_name: "/dev/sdf" }] }), ctx()],
    /extra volume \/dev\/sdf is not encrypted/,
  ],
  [
    "UPI-S3-1",
    [bucket, ctx({ ...pab })],
    [bucket, ctx({ aws_s3_bucket_public_access_block: { p: { ...pab.aws_s3_bucket_public_access_block.p, restrict_public_buckets: false } } })],
    /public access/,
  ],
  ["UPI-S3-2", [bucket, ctx({ ...sse })], [bucket, ctx({})], /no default encryption/],
  ["UPI-S3-3", [bucket, ctx({ ...tls })], [bucket, ctx({ aws_s3_bucket_policy: { p: { bucket: ref, policy: JSON.stringify({ Statement: [] }) } } })], /without TLS/],
  [
    "UPI-SG-1",
    [res("aws_vpc_security_group_ingress_rule", { cidr_ipv4: "10.0.0.0/16", from_port: 22, to_port: 22 }), ctx()],
    [res("aws_vpc_security_group_ingress_rule", { cidr_ipv6: "::/0", from_port: 22, to_port: 22 }), ctx()],
    /open to the internet/,
  ],
  ["UPI-IAM-1", [policy(["ec2:Describe*", "elasticloadbalancing:RegisterTargets"]), ctx()], [policy(["ec2:DescribeInstances", "ec2:*"]), ctx()], /allows ec2:\*/],
  [
    "UPI-TAG-1",
    [res("aws_vpc", { tags: { Name: "v" } }, "v", true), ctx()],
    [res("aws_vpc", { tags: { Name: "v" } }, "v", true), ctx({}, { team: "x" })],
    /not tagged kubernetes.io\/cluster\/demo-1/,
  ],
  ["UPI-STATE-1", [{ kind: "backend", type: "s3", config: { encrypt: true } }, ctx()], [{ kind: "backend", type: "s3", config: { bucket: "b" } }, ctx()], /unencrypted/],
  [
    "UPI-SECRET-1",
    [res("aws_instance", { user_data: pointer }), ctx()],
    [res("aws_instance", { user_data: JSON.stringify({ ignition: { version: "3.1.0" }, passwd: { users: [{ name: "core" }] } }) }), ctx()],
    /full Ignition config \(passwd\)/,
  ],
];

describe("guardrail rules", () => {
  test("every rule has a case, an id, a one-line title and a fix", () => {
    expect(cases.map((c) => c[0]).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const r of RULES) {
      expect(r.id).toMatch(/^UPI-[A-Z0-9]+-\d+$/);
      expect(r.title).not.toContain("\n");
      expect(r.fix.length).toBeGreaterThan(10);
    }
  });

  describe.each(cases)("%s", (id, [good, goodCtx], [bad, badCtx], what) => {
    const rule = RULES.find((r) => r.id === id)!;
    test("compliant: no finding", () => expect(rule.check(good, goodCtx)).toEqual([]));
    test("non-compliant: one finding saying what is wrong", () => {
      const found = rule.check(bad, badCtx);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(what);
    });
  });

  test("more non-compliant shapes", () => {
    const sg = RULES.find((r) => r.id === "UPI-SG-1")!;
    expect(sg.check(res("aws_security_group", { ingress: [{ cidr_blocks: ["0.0.0.0/0"] }] }), ctx())).toHaveLength(1);
    expect(sg.check(res("aws_security_group_rule", { type: "egress", cidr_blocks: ["0.0.0.0/0"] }), ctx())).toEqual([]);
    const iam = RULES.find((r) => r.id === "UPI-IAM-1")!;
    expect(iam.check(policy(["*"]), ctx())[0]).toMatch(/allows \*/);
    const secret = RULES.find((r) => r.id === "UPI-SECRET-1")!;
    expect(secret.check({ kind: "output", name: "o", value: "${aws_s3_object.ign.content}" }, ctx())).toHaveLength(1);
    expect(secret.check({ kind: "output", name: "o", value: "-----BEGIN RSA PRIVATE KEY-----" }, ctx())).toHaveLength(1);
    expect(secret.check({ kind: "output", name: "o", value: ["10.0.0.1"] }, ctx())).toEqual([]);
    const volumes = RULES.find((r) => r.id === "UPI-EC2-2")!;
    expect(volumes.check(res("aws_instance", {}), ctx())).toEqual(["the root volume is not encrypted"]);
    expect(volumes.check(res("aws_ebs_volume", { encrypted: false }), ctx())).toHaveLength(1);
  });
});
