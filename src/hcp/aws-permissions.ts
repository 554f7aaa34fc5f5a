/**
 * What an HCP Terraform run needs in AWS to plan and apply a cluster's stacks, by the Terraform
 * types the stacks synthesize: the dynamic-credentials role's permission policy is built from
 * this table and the synthesized types, never a broad managed policy. A type missing here stops
 * the set-up stack's synth (__tests__/hcp/aws-permissions.test.ts checks every example's types).
 *
 * Reads (Describe/Get/List) are granted per service on every resource: Terraform refreshes every
 * object and the data sources look objects up by filters. S3 is read at the bucket level only: an
 * object read on `*` would reach every object in the account (other clusters' bootstrap.ign, state
 * files); objects are read on the ignition bucket's alone. Changes are granted by type, and where
 * the names are the cluster's own, on those names only: IAM roles and instance profiles
 * `<infraId>-*` (so a run cannot create or pass any other role) and the ignition bucket
 * `<infraid>-ign-*`.
 */

import { clusterTagKey } from "../tags/tags";

/**
 * Where a type's changes apply: any resource of its service, the cluster's own names only, or
 * (`cluster-owned`) only objects carrying the cluster's ownership tag, which every object the stacks
 * create carries through the provider's default tags.
 */
type Scope = "any" | "cluster-owned" | "iam-role" | "iam-instance-profile" | "ignition-bucket" | "ignition-object";

/**
 * Actions on existing EC2 and ELB objects that take a cluster down or change what it serves,
 * granted only on objects tagged `kubernetes.io/cluster/<infraId>: owned` (aws:ResourceTag, which
 * AWS evaluates for each of these on the one kind of object it acts on). Not here, so on `*`:
 * creates (the object has no tag to check yet), tagging (ec2:CreateTags, elasticloadbalancing:AddTags),
 * routes, route-table and network-ACL associations and entries, security-group rules, and Route 53
 * (docs/hcp-terraform.md says why).
 */
const CLUSTER_OWNED_ACTIONS = new Set([
  "ec2:TerminateInstances",
  "ec2:StopInstances",
  "ec2:StartInstances",
  "ec2:ModifyInstanceAttribute",
  "ec2:ModifyInstanceMetadataOptions",
  "ec2:DeleteVpc",
  "ec2:DeleteSubnet",
  "ec2:DeleteInternetGateway",
  "ec2:DeleteCarrierGateway",
  "ec2:DeleteNatGateway",
  "ec2:ReleaseAddress",
  "ec2:DeleteRouteTable",
  "ec2:DeleteNetworkAcl",
  "ec2:DeleteVpcEndpoints",
  "ec2:DeleteSecurityGroup",
  "elasticloadbalancing:DeleteLoadBalancer",
  "elasticloadbalancing:ModifyLoadBalancerAttributes",
  "elasticloadbalancing:SetSubnets",
  "elasticloadbalancing:SetSecurityGroups",
  "elasticloadbalancing:SetIpAddressType",
  "elasticloadbalancing:DeleteListener",
  "elasticloadbalancing:ModifyListener",
  "elasticloadbalancing:DeleteTargetGroup",
  "elasticloadbalancing:ModifyTargetGroup",
  "elasticloadbalancing:ModifyTargetGroupAttributes",
  "elasticloadbalancing:RegisterTargets",
  "elasticloadbalancing:DeregisterTargets",
]);

interface TypePermissions {
  readonly actions: readonly string[];
  readonly scope: Scope;
}

const ec2 = (...actions: string[]): TypePermissions => ({ actions: actions.map((a) => `ec2:${a}`), scope: "any" });
const elb = (...actions: string[]): TypePermissions => ({ actions: actions.map((a) => `elasticloadbalancing:${a}`), scope: "any" });
const route53 = (...actions: string[]): TypePermissions => ({ actions: actions.map((a) => `route53:${a}`), scope: "any" });
const iam = (scope: Scope, ...actions: string[]): TypePermissions => ({ actions: actions.map((a) => `iam:${a}`), scope });
const s3 = (scope: Scope, ...actions: string[]): TypePermissions => ({ actions: actions.map((a) => `s3:${a}`), scope });
/** Read only (data sources, or types with no API of their own): covered by the reads below. */
const readOnly: TypePermissions = { actions: [], scope: "any" };

/** Changes by Terraform type. Tags are set on create (ec2:CreateTags and the services' tag actions). */
export const TYPE_PERMISSIONS: Readonly<Record<string, TypePermissions>> = {
  aws_vpc: ec2("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "CreateTags", "DeleteTags"),
  aws_subnet: ec2("CreateSubnet", "DeleteSubnet", "ModifySubnetAttribute", "CreateTags", "DeleteTags"),
  aws_internet_gateway: ec2("CreateInternetGateway", "DeleteInternetGateway", "AttachInternetGateway", "DetachInternetGateway", "CreateTags", "DeleteTags"),
  aws_ec2_carrier_gateway: ec2("CreateCarrierGateway", "DeleteCarrierGateway", "CreateTags", "DeleteTags"),
  aws_nat_gateway: ec2("CreateNatGateway", "DeleteNatGateway", "CreateTags", "DeleteTags"),
  aws_eip: ec2("AllocateAddress", "ReleaseAddress", "AssociateAddress", "DisassociateAddress", "CreateTags", "DeleteTags"),
  aws_route_table: ec2("CreateRouteTable", "DeleteRouteTable", "CreateTags", "DeleteTags"),
  aws_route: ec2("CreateRoute", "DeleteRoute", "ReplaceRoute"),
  aws_route_table_association: ec2("AssociateRouteTable", "DisassociateRouteTable", "ReplaceRouteTableAssociation"),
  aws_network_acl: ec2("CreateNetworkAcl", "DeleteNetworkAcl", "ReplaceNetworkAclAssociation", "CreateTags", "DeleteTags"),
  aws_network_acl_rule: ec2("CreateNetworkAclEntry", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry"),
  aws_vpc_endpoint: ec2("CreateVpcEndpoint", "DeleteVpcEndpoints", "ModifyVpcEndpoint", "CreateTags", "DeleteTags"),
  // The provider revokes a new group's default allow-all egress.
  aws_security_group: ec2("CreateSecurityGroup", "DeleteSecurityGroup", "RevokeSecurityGroupEgress", "CreateTags", "DeleteTags"),
  aws_vpc_security_group_ingress_rule: ec2("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "ModifySecurityGroupRules", "CreateTags", "DeleteTags"),
  aws_vpc_security_group_egress_rule: ec2("AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress", "ModifySecurityGroupRules", "CreateTags", "DeleteTags"),
  aws_instance: ec2(
    "RunInstances",
    "TerminateInstances",
    "StopInstances",
    "StartInstances",
    "ModifyInstanceAttribute",
    "ModifyInstanceMetadataOptions",
    "CreateTags",
    "DeleteTags",
  ),
  aws_ec2_tag: ec2("CreateTags", "DeleteTags"),
  aws_lb: elb("CreateLoadBalancer", "DeleteLoadBalancer", "ModifyLoadBalancerAttributes", "SetSubnets", "SetSecurityGroups", "SetIpAddressType", "AddTags", "RemoveTags"),
  aws_lb_listener: elb("CreateListener", "DeleteListener", "ModifyListener", "ModifyListenerAttributes", "AddTags", "RemoveTags"),
  aws_lb_target_group: elb("CreateTargetGroup", "DeleteTargetGroup", "ModifyTargetGroup", "ModifyTargetGroupAttributes", "AddTags", "RemoveTags"),
  aws_lb_target_group_attachment: elb("RegisterTargets", "DeregisterTargets"),
  aws_route53_zone: route53(
    "CreateHostedZone",
    "DeleteHostedZone",
    "UpdateHostedZoneComment",
    "ChangeTagsForResource",
    "AssociateVPCWithHostedZone",
    "DisassociateVPCFromHostedZone",
    "ChangeResourceRecordSets",
  ),
  aws_route53_record: route53("ChangeResourceRecordSets"),
  aws_iam_role: iam(
    "iam-role",
    "CreateRole",
    "DeleteRole",
    "UpdateRole",
    "UpdateAssumeRolePolicy",
    "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary",
    "TagRole",
    "UntagRole",
  ),
  aws_iam_role_policy: iam("iam-role", "PutRolePolicy", "DeleteRolePolicy"),
  aws_iam_instance_profile: iam(
    "iam-instance-profile",
    "CreateInstanceProfile",
    "DeleteInstanceProfile",
    "AddRoleToInstanceProfile",
    "RemoveRoleFromInstanceProfile",
    "TagInstanceProfile",
    "UntagInstanceProfile",
  ),
  aws_s3_bucket: s3("ignition-bucket", "CreateBucket", "DeleteBucket", "PutBucketTagging", "PutBucketOwnershipControls"),
  aws_s3_bucket_policy: s3("ignition-bucket", "PutBucketPolicy", "DeleteBucketPolicy"),
  aws_s3_bucket_public_access_block: s3("ignition-bucket", "PutBucketPublicAccessBlock"),
  aws_s3_bucket_server_side_encryption_configuration: s3("ignition-bucket", "PutEncryptionConfiguration"),
  // Its reads too: object reads are not among the reads granted on every resource.
  aws_s3_object: s3("ignition-object", "PutObject", "DeleteObject", "PutObjectTagging", "DeleteObjectVersion", "GetObject", "GetObjectTagging"),
  terraform_data: readOnly,
};

/** Data sources by Terraform type: all are reads. */
export const DATA_SOURCE_TYPES: readonly string[] = [
  "aws_availability_zone",
  "aws_availability_zones",
  "aws_ec2_public_ipv4_pool",
  "aws_eips",
  "aws_elb_hosted_zone_id",
  "aws_iam_instance_profile",
  "aws_iam_roles",
  "aws_instances",
  "aws_lb_hosted_zone_id",
  "aws_lbs",
  "aws_partition",
  "aws_route53_zone",
  "aws_s3_objects",
  "aws_security_groups",
  "aws_subnet",
  "aws_vpc",
  "aws_vpcs",
  "terraform_remote_state",
];

/** Refresh and lookups, on every resource of the services the stacks use; S3's at the bucket level. */
const READS = [
  "ec2:Describe*",
  "elasticloadbalancing:Describe*",
  "route53:Get*",
  "route53:List*",
  "iam:Get*",
  "iam:List*",
  // What the provider reads of a bucket: its GetBucket* settings and these four named otherwise.
  "s3:GetBucket*",
  "s3:GetAccelerateConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:ListAllMyBuckets",
  "s3:ListBucket",
];

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

/** The types synthesized, `resource` and `data` apart. */
export interface SynthesizedTypes {
  readonly resources: Iterable<string>;
  readonly dataSources: Iterable<string>;
}

/**
 * The permission policy's statements for a cluster whose stacks synthesize `types`. Throws on a
 * type this table does not know, naming it: a run would otherwise fail half-way on AccessDenied.
 */
export interface ClusterNames {
  readonly infraId: string;
  readonly partition: string;
  /** Customer KMS keys of the file (volumes, the ignition bucket): used, never managed. @default none */
  readonly kmsKeyArns?: readonly string[];
  /** Roles the stacks' providers assume (dns.hostedZoneRoleArn). @default none */
  readonly assumedRoleArns?: readonly string[];
}

export function runRoleStatements(types: SynthesizedTypes, names: ClusterNames): PolicyStatement[] {
  const unknown = [
    ...[...types.resources].filter((t) => !(t in TYPE_PERMISSIONS)).map((t) => `resource ${t}`),
    ...[...types.dataSources].filter((t) => !DATA_SOURCE_TYPES.includes(t)).map((t) => `data source ${t}`),
  ];
  if (unknown.length) throw new Error(`src/hcp/aws-permissions.ts has no IAM actions for ${unknown.join(", ")}: add them to its table`);
  const { infraId, partition } = names;
  const resourceOf: Record<Scope, string> = {
    any: "*",
    "cluster-owned": "*",
    "iam-role": `arn:${partition}:iam::*:role/${infraId}-*`,
    "iam-instance-profile": `arn:${partition}:iam::*:instance-profile/${infraId}-*`,
    "ignition-bucket": `arn:${partition}:s3:::${infraId.toLowerCase()}-ign-*`,
    "ignition-object": `arn:${partition}:s3:::${infraId.toLowerCase()}-ign-*/*`,
  };
  const byScope = new Map<Scope, Set<string>>();
  for (const t of types.resources) {
    const { actions, scope } = TYPE_PERMISSIONS[t];
    for (const action of actions) {
      const where = scope === "any" && CLUSTER_OWNED_ACTIONS.has(action) ? "cluster-owned" : scope;
      byScope.set(where, (byScope.get(where) ?? new Set()).add(action));
    }
  }
  const conditionOf: Partial<Record<Scope, PolicyStatement["Condition"]>> = {
    "cluster-owned": { StringEquals: { [`aws:ResourceTag/${clusterTagKey(infraId)}`]: "owned" } },
  };
  const sid = (scope: Scope) => `Change${scope.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`;
  const statements: PolicyStatement[] = [{ Sid: "Read", Effect: "Allow", Action: READS, Resource: "*" }];
  for (const [scope, actions] of byScope) {
    const condition = conditionOf[scope];
    statements.push({ Sid: sid(scope), Effect: "Allow", Action: [...actions].sort(), Resource: resourceOf[scope], ...(condition ? { Condition: condition } : {}) });
  }
  // Instances get the cluster's own instance profiles, hence its own roles, and only for EC2.
  if (byScope.has("any") && [...types.resources].includes("aws_instance")) {
    statements.push({
      Sid: "PassClusterRolesToEc2",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: resourceOf["iam-role"],
      // ec2.amazonaws.com, or the partition's own service name (ec2.amazonaws.com.cn).
      Condition: { StringLike: { "iam:PassedToService": "ec2.*" } },
    });
  }
  // Encrypting with the file's own keys: EBS makes a grant for the instance's volumes.
  if (names.kmsKeyArns?.length) {
    statements.push({
      Sid: "UseClusterKmsKeys",
      Effect: "Allow",
      Action: ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
      Resource: [...new Set(names.kmsKeyArns)],
    });
  }
  if (names.assumedRoleArns?.length) statements.push({ Sid: "AssumeFileRoles", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [...new Set(names.assumedRoleArns)] });
  return statements;
}

/** The values of every `kmsKeyArn`/`...KmsKeyArn` field under `value` (machines, pools, overrides). */
export function kmsKeyArnsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(kmsKeyArnsIn);
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) => (/^(kmsKeyArn|\w+KmsKeyArn)$/.test(key) && typeof v === "string" ? [v] : kmsKeyArnsIn(v)));
}
