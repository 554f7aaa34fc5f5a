import { DataAwsSecurityGroups } from "@cdktf/provider-aws/lib/data-aws-security-groups";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { networkProblems, type INetwork } from "../network/types";
import { adoptOrStop } from "../state/own-state";
import { clusterTagKey, nameTag } from "../tags/tags";
import { NodeRole, SECURITY_GROUP_RULES } from "./rules";
import { assertValidProps, PropProblem, Problems } from "../validation/problems";
import { infraIdProblem } from "../validation/names";

export interface ClusterSecurityGroupsProps {
  readonly infraId: string;
  readonly network: INetwork;
}

/**
 * A group with allow-all egress (CloudFormation adds it by default, Terraform does not), guarded
 * against a second copy: group names are unique per VPC only, so a second cluster state would
 * otherwise build its groups in a second VPC without a word.
 */
export function securityGroupWithEgress(scope: Construct, id: string, props: { name: string; description: string; vpcId: string; infraId: string }) {
  const { infraId, ...config } = props;
  const group = new SecurityGroup(scope, id, { ...config, tags: nameTag(props.name) });
  const live = new DataAwsSecurityGroups(scope, `${id}-live`, {
    filter: [
      { name: "group-name", values: [props.name] },
      { name: `tag:${clusterTagKey(infraId)}`, values: ["owned"] },
    ],
  });
  adoptOrStop(group, { what: `security group ${props.name}`, liveIds: live.ids });
  new VpcSecurityGroupEgressRule(scope, `${id}-egress`, {
    securityGroupId: group.id,
    ipProtocol: "-1",
    cidrIpv4: "0.0.0.0/0",
    description: "All outbound traffic",
  });
  return group;
}

/** The master and worker groups with every row of SECURITY_GROUP_RULES as its own ingress rule. */
export class ClusterSecurityGroups extends Construct {
  readonly masterSecurityGroupId: string;
  readonly workerSecurityGroupId: string;

  constructor(scope: Construct, id: string, props: ClusterSecurityGroupsProps) {
    super(scope, id);
    assertValidProps(this, checkClusterSecurityGroupsProps(props));
    const { infraId, network } = props;
    const groups: Record<NodeRole, SecurityGroup> = {
      master: securityGroupWithEgress(this, "master", {
        infraId,
        name: `${infraId}-master-sg`,
        description: "Cluster master security group",
        vpcId: network.vpcId,
      }),
      worker: securityGroupWithEgress(this, "worker", {
        infraId,
        name: `${infraId}-worker-sg`,
        description: "Cluster worker security group",
        vpcId: network.vpcId,
      }),
    };
    for (const row of SECURITY_GROUP_RULES) {
      const ports = row.fromPort === undefined ? {} : { fromPort: row.fromPort, toPort: row.toPort };
      new VpcSecurityGroupIngressRule(this, row.id, {
        securityGroupId: groups[row.group].id,
        ipProtocol: row.protocol,
        ...ports,
        ...(row.source === "vpc" ? { cidrIpv4: network.vpcCidr } : { referencedSecurityGroupId: groups[row.source].id }),
        description: row.description,
        tags: nameTag(`${infraId}-${row.id}`),
      });
    }
    this.masterSecurityGroupId = groups.master.id;
    this.workerSecurityGroupId = groups.worker.id;
  }
}

/** What ClusterSecurityGroups checks of its props in its constructor; each problem names the prop. */
export function checkClusterSecurityGroupsProps(props: ClusterSecurityGroupsProps): PropProblem[] {
  return new Problems().add(["infraId"], infraIdProblem(props.infraId)).addAll(["network"], networkProblems(props.network, false)).list;
}
