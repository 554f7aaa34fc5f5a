import { DataAwsIamRoles } from "@cdktf/provider-aws/lib/data-aws-iam-roles";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { adoptOrStop } from "../state/own-state";
import type { IamPolicyMode } from "../defaults";
import type { Acknowledgement } from "../policy/guardrails";
import { nameTag } from "../tags/tags";
import { assertValidProps, PropProblem, Problems, isToken } from "../validation/problems";
import { iamPolicyArnProblem } from "../validation/aws";
import { iamNameProblem, IAM_PROFILE_NAME_MAX } from "../validation/names";

export type { IamPolicyMode } from "../defaults";

/** Choosing the documented table is itself the acknowledgement of the wildcard-action guardrail. */
export const DOCUMENTED_POLICY_ACKNOWLEDGEMENT: Acknowledgement = { rule: "UPI-IAM-1", reason: "iam.policy: documented chooses the seed's broad table" };

export interface PolicyStatement {
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string | string[];
}

/** 03_cluster_security.yaml's current master policy (one statement on `*`). */
export const MASTER_ACTIONS = [
  "ec2:AttachVolume",
  "ec2:AuthorizeSecurityGroupIngress",
  "ec2:CreateSecurityGroup",
  "ec2:CreateTags",
  "ec2:CreateVolume",
  "ec2:DeleteSecurityGroup",
  "ec2:DeleteVolume",
  "ec2:Describe*",
  "ec2:DetachVolume",
  "ec2:ModifyInstanceAttribute",
  "ec2:ModifyVolume",
  "ec2:RevokeSecurityGroupIngress",
  "elasticloadbalancing:AddTags",
  "elasticloadbalancing:AttachLoadBalancerToSubnets",
  "elasticloadbalancing:ApplySecurityGroupsToLoadBalancer",
  "elasticloadbalancing:CreateListener",
  "elasticloadbalancing:CreateLoadBalancer",
  "elasticloadbalancing:CreateLoadBalancerPolicy",
  "elasticloadbalancing:CreateLoadBalancerListeners",
  "elasticloadbalancing:CreateTargetGroup",
  "elasticloadbalancing:ConfigureHealthCheck",
  "elasticloadbalancing:DeleteListener",
  "elasticloadbalancing:DeleteLoadBalancer",
  "elasticloadbalancing:DeleteLoadBalancerListeners",
  "elasticloadbalancing:DeleteTargetGroup",
  "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
  "elasticloadbalancing:DeregisterTargets",
  "elasticloadbalancing:Describe*",
  "elasticloadbalancing:DetachLoadBalancerFromSubnets",
  "elasticloadbalancing:ModifyListener",
  "elasticloadbalancing:ModifyLoadBalancerAttributes",
  "elasticloadbalancing:ModifyTargetGroup",
  "elasticloadbalancing:ModifyTargetGroupAttributes",
  "elasticloadbalancing:RegisterInstancesWithLoadBalancer",
  "elasticloadbalancing:RegisterTargets",
  "elasticloadbalancing:SetLoadBalancerPoliciesForBackendServer",
  "elasticloadbalancing:SetLoadBalancerPoliciesOfListener",
  "kms:DescribeKey",
];

const allow = (actions: string[], resource: string | string[] = "*"): PolicyStatement => ({
  Effect: "Allow",
  Action: actions,
  Resource: resource,
});

/** Policy statements per role and mode; `documented` is exactly the seed's broad table. */
export function masterStatements(mode: IamPolicyMode): PolicyStatement[] {
  return mode === "documented" ? [allow(["ec2:*"]), allow(["elasticloadbalancing:*"]), allow(["iam:PassRole"]), allow(["s3:GetObject"])] : [allow(MASTER_ACTIONS)];
}

export function workerStatements(mode: IamPolicyMode): PolicyStatement[] {
  return mode === "documented" ? [allow(["ec2:Describe*"])] : [allow(["ec2:DescribeInstances", "ec2:DescribeRegions"])];
}

/**
 * `ignitionObjectArn` scopes s3:GetObject to the one object in least-privilege mode. The docs'
 * table grants it on `*` (the Japanese seed drops that row, but without it the node cannot
 * fetch its Ignition).
 */
export function bootstrapStatements(mode: IamPolicyMode, ignitionObjectArn: string): PolicyStatement[] {
  const base = [allow(["ec2:Describe*"]), allow(["ec2:AttachVolume"]), allow(["ec2:DetachVolume"])];
  return [...base, allow(["s3:GetObject"], mode === "documented" ? "*" : ignitionObjectArn)];
}

export interface MachineRoleProps {
  /** Role, policy and instance profile names: `<name>-role`, `<name>-policy`, `<name>-profile`. */
  readonly name: string;
  readonly statements: PolicyStatement[];
  /** @default none */
  readonly permissionsBoundaryArn?: string;
}

/** An EC2 role with one inline policy and its instance profile. */
export class MachineRole extends Construct {
  readonly roleName: string;
  readonly roleArn: string;
  readonly instanceProfileName: string;

  constructor(scope: Construct, id: string, props: MachineRoleProps) {
    super(scope, id);
    assertValidProps(this, checkMachineRoleProps(props));
    const partition = new DataAwsPartition(this, "partition");
    const role = new IamRole(this, "role", {
      name: `${props.name}-role`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: `ec2.${partition.dnsSuffix}` }, Action: "sts:AssumeRole" }],
      }),
      permissionsBoundary: props.permissionsBoundaryArn,
      tags: nameTag(`${props.name}-role`),
    });
    // Role names are unique per account; the lookup is by exact name (IAM lists no tags).
    const live = new DataAwsIamRoles(this, "live-roles", { nameRegex: `^${props.name}-role$` });
    adoptOrStop(role, { what: `IAM role ${props.name}-role`, liveIds: live.names });
    new IamRolePolicy(this, "policy", {
      name: `${props.name}-policy`,
      role: role.id,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: props.statements }),
    });
    const profile = new IamInstanceProfile(this, "profile", {
      name: `${props.name}-profile`,
      role: role.name,
      tags: nameTag(`${props.name}-profile`),
    });
    this.roleName = role.name;
    this.roleArn = role.arn;
    this.instanceProfileName = profile.name;
  }
}

/** IAM's limit on a role's inline policies, in characters. */
const INLINE_POLICY_MAX = 10240;

/** What MachineRole checks of its props in its constructor; each problem names the prop. */
export function checkMachineRoleProps(props: MachineRoleProps): PropProblem[] {
  const p = new Problems().add(["name"], iamNameProblem(props.name, "-role") ?? iamNameProblem(props.name, "-profile", IAM_PROFILE_NAME_MAX));
  if (!Array.isArray(props.statements) || props.statements.length === 0) p.add(["statements"], "must hold at least one statement");
  else {
    const length = JSON.stringify({ Version: "2012-10-17", Statement: props.statements }).length;
    if (length > INLINE_POLICY_MAX) p.add(["statements"], `make a policy of ${length} characters; IAM allows ${INLINE_POLICY_MAX} for a role's inline policies`);
  }
  if (props.permissionsBoundaryArn !== undefined && !isToken(props.permissionsBoundaryArn)) {
    p.add(["permissionsBoundaryArn"], iamPolicyArnProblem(props.permissionsBoundaryArn));
  }
  return p.list;
}
