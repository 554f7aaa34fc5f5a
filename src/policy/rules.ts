/**
 * The guardrail rules: each a small pure function over one synthesized element (a resource, an
 * output or the backend) that returns what is wrong with it, if anything.
 */

/** One element of a synthesized stack, as Terraform JSON. */
export type Subject =
  | { readonly kind: "resource"; readonly type: string; readonly name: string; readonly attrs: any; readonly taggable: boolean }
  | { readonly kind: "output"; readonly name: string; readonly value: unknown }
  | { readonly kind: "backend"; readonly type: string; readonly config: any };

export interface RuleContext {
  readonly infraId: string;
  /** The provider's default tags, which every resource of the stack carries. */
  readonly defaultTags: Readonly<Record<string, string>>;
  /** Every resource of the stack, for rules that need a companion resource (bucket settings). */
  readonly resources: Readonly<Record<string, Readonly<Record<string, any>>>>;
}

export interface Rule {
  readonly id: string;
  /** One line: what the rule protects. */
  readonly title: string;
  readonly fix: string;
  /** What is wrong with the subject; empty when it complies or the rule does not apply. */
  readonly check: (subject: Subject, ctx: RuleContext) => string[];
}

const resource = (s: Subject, ...types: string[]) => s.kind === "resource" && types.includes(s.type);

/** A Terraform JSON attribute that may hold one value or a list of them, as a list. */
export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** The companions of a bucket: resources of `type` whose `bucket` refers to it. */
export function companions(ctx: RuleContext, type: string, bucketName: string): any[] {
  return Object.values(ctx.resources[type] ?? {}).filter((r) => String(r.bucket).includes(`aws_s3_bucket.${bucketName}.`));
}

/** One statement of an IAM policy document, as a rule reads it from a resource's `policy`. */
export interface PolicyDocumentStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The statements of a policy attribute; undefined when it is not literal JSON (a reference, known at apply). */
export function policyStatements(policy: unknown): PolicyDocumentStatement[] | undefined {
  if (typeof policy !== "string") return undefined;
  try {
    return asList(JSON.parse(policy).Statement);
  } catch {
    return undefined;
  }
}

/** Ignition keys a pointer config may carry; anything else is the config itself (files, users, keys). */
const POINTER_KEYS = new Set(["version", "config", "security", "timeouts", "proxy"]);

export const RULES: readonly Rule[] = [
  {
    id: "UPI-EC2-1",
    title: "instances require IMDSv2",
    fix: 'set metadata_options.http_tokens to "required"',
    check: (s) =>
      resource(s, "aws_instance", "aws_launch_template") && asList((s as any).attrs.metadata_options)[0]?.http_tokens !== "required"
        ? ["the instance metadata service accepts IMDSv1 requests"]
        : [],
  },
  {
    id: "UPI-EC2-2",
    title: "root and extra volumes are encrypted",
    fix: "set encrypted = true on every volume (and kms_key_id for a customer key)",
    check: (s) => {
      if (resource(s, "aws_ebs_volume")) return (s as any).attrs.encrypted === true ? [] : ["the volume is not encrypted"];
      if (!resource(s, "aws_instance")) return [];
      const attrs = (s as any).attrs;
      const out: string[] = [];
      if (asList(attrs.root_block_device)[0]?.encrypted !== true) out.push("the root volume is not encrypted");
      asList<any>(attrs.ebs_block_device).forEach((v, i) => v?.encrypted !== true && out.push(`extra volume ${v?.device_name ?? i} is not encrypted`));
      return out;
    },
  },
  {
    id: "UPI-S3-1",
    title: "buckets block all public access",
    fix: "add an aws_s3_bucket_public_access_block with all four settings true",
    check: (s, ctx) => {
      if (!resource(s, "aws_s3_bucket")) return [];
      const keys = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
      const ok = companions(ctx, "aws_s3_bucket_public_access_block", (s as any).name).some((b) => keys.every((k) => b[k] === true));
      return ok ? [] : ["the bucket does not block all public access"];
    },
  },
  {
    id: "UPI-S3-2",
    title: "buckets are encrypted",
    fix: "add an aws_s3_bucket_server_side_encryption_configuration (AES256 or aws:kms)",
    check: (s, ctx) =>
      resource(s, "aws_s3_bucket") &&
      !companions(ctx, "aws_s3_bucket_server_side_encryption_configuration", (s as any).name).some((c) =>
        asList<any>(c.rule).some((r) => asList<any>(r.apply_server_side_encryption_by_default)[0]?.sse_algorithm),
      )
        ? ["the bucket has no default encryption"]
        : [],
  },
  {
    id: "UPI-S3-3",
    title: "buckets refuse requests without TLS",
    fix: "add a bucket policy that denies s3:* when aws:SecureTransport is false",
    check: (s, ctx) => {
      if (!resource(s, "aws_s3_bucket")) return [];
      const tlsOnly = companions(ctx, "aws_s3_bucket_policy", (s as any).name).some((p) =>
        (policyStatements(p.policy) ?? []).some((st) => st.Effect === "Deny" && String(st.Condition?.Bool?.["aws:SecureTransport"]) === "false"),
      );
      return tlsOnly ? [] : ["the bucket accepts requests without TLS"];
    },
  },
  {
    id: "UPI-SG-1",
    title: "no security-group ingress from the whole internet",
    fix: "name the sources (a CIDR of your network, or a security group)",
    check: (s) => {
      if (s.kind !== "resource") return [];
      const a = s.attrs;
      const open = (v4?: unknown, v6?: unknown) => asList(v4).includes("0.0.0.0/0") || asList(v6).includes("::/0");
      if (s.type === "aws_vpc_security_group_ingress_rule" && open(a.cidr_ipv4, a.cidr_ipv6)) return ["ingress is open to the internet"];
      if (s.type === "aws_security_group_rule" && a.type === "ingress" && open(a.cidr_blocks, a.ipv6_cidr_blocks)) return ["ingress is open to the internet"];
      if (s.type === "aws_security_group" && asList<any>(a.ingress).some((r) => open(r.cidr_blocks, r.ipv6_cidr_blocks))) {
        return ["an inline ingress rule is open to the internet"];
      }
      return [];
    },
  },
  {
    id: "UPI-IAM-1",
    title: 'least-privilege IAM: no "*" or service-wide actions',
    fix: "list the actions the role needs (iam.policy: least-privilege)",
    check: (s) => {
      if (!resource(s, "aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy")) return [];
      const wide = (policyStatements((s as any).attrs.policy) ?? [])
        .filter((st) => st.Effect === "Allow")
        .flatMap((st) => [...asList<string>(st.Action).filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a)), ...(st.NotAction ? ["NotAction"] : [])]);
      return wide.length ? [`the policy allows ${wide.join(", ")}`] : [];
    },
  },
  {
    id: "UPI-TAG-1",
    title: "every taggable resource carries the cluster tag",
    fix: "keep kubernetes.io/cluster/<infraId> in the provider's default tags or the resource's tags",
    check: (s, ctx) => {
      if (s.kind !== "resource" || !s.taggable) return [];
      const key = `kubernetes.io/cluster/${ctx.infraId}`;
      return key in { ...ctx.defaultTags, ...(s.attrs.tags ?? {}) } ? [] : [`the resource is not tagged ${key}`];
    },
  },
  {
    id: "UPI-STATE-1",
    title: "the S3 backend encrypts state",
    fix: "set backend.s3.encrypt: true",
    check: (s) => (s.kind === "backend" && s.type === "s3" && s.config.encrypt !== true ? ["state is stored unencrypted"] : []),
  },
  {
    id: "UPI-SECRET-1",
    title: "no secret in outputs or user data beyond the Ignition pointer configs",
    fix: "keep Ignition configs and keys in the ignition bucket; put only pointer configs in user data",
    check: (s) => {
      const secretText = (text: string) => /-----BEGIN [A-Z ]*PRIVATE KEY-----|"passwd"\s*:|"storage"\s*:/.test(text);
      if (s.kind === "output") {
        const text = JSON.stringify(s.value) ?? "";
        return secretText(text) || /aws_s3_object\.[^.]+\.(content|body)\b/.test(text) ? ["the output carries Ignition content or a key"] : [];
      }
      if (!resource(s, "aws_instance", "aws_launch_template")) return [];
      const userData: unknown = (s as any).attrs.user_data;
      if (typeof userData !== "string") return [];
      let config: any;
      try {
        config = JSON.parse(userData);
      } catch {
        return secretText(userData) ? ["the user data carries a key"] : [];
      }
      const extra = Object.keys(config).filter((k) => k !== "ignition");
      const ignitionExtra = Object.keys(config.ignition ?? {}).filter((k) => !POINTER_KEYS.has(k));
      const all = [...extra, ...ignitionExtra];
      return all.length || secretText(userData) ? [`the user data is a full Ignition config (${all.join(", ") || "with a key"}), not a pointer`] : [];
    },
  },
];

export const RULE_IDS = RULES.map((r) => r.id);
