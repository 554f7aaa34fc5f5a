import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { Construct } from "constructs";
import { clusterTagKey } from "../tags/tags";
import type { INetwork } from "./types";
import { assertValidProps, PropProblem, Problems, isToken, echo } from "../validation/problems";
import { vpcIdProblem, subnetIdProblem } from "../validation/aws";
import { infraIdProblem } from "../validation/names";
import { duplicateProblems, AVAILABILITY_ZONES_MAX } from "../validation/network";

export interface ExistingNetworkProps {
  readonly infraId: string;
  readonly vpcId: string;
  /** Where the external API load balancer goes; may be empty with publish: Internal. */
  readonly publicSubnetIds: readonly string[];
  readonly privateSubnetIds: readonly string[];
}

/** A VPC the user brings: its CIDR is read, and its subnets get the cluster's shared tag. */
export class ExistingNetwork extends Construct implements INetwork {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    assertValidProps(this, checkExistingNetworkProps(props));
    this.vpcId = props.vpcId;
    this.vpcCidr = new DataAwsVpc(this, "vpc", { id: props.vpcId }).cidrBlock;
    this.publicSubnetIds = [...props.publicSubnetIds];
    this.privateSubnetIds = [...props.privateSubnetIds];
    // Only this cluster's key is managed, so other clusters' tags on shared subnets survive a destroy.
    [...props.publicSubnetIds, ...props.privateSubnetIds].forEach(
      (subnetId) => new Ec2Tag(this, `cluster-tag-${subnetId}`, { resourceId: subnetId, key: clusterTagKey(props.infraId), value: "shared" }),
    );
  }
}

/** A list of IDs: each of the right form (references pass), each once. */
function idListProblems(list: unknown, idProblem: (v: unknown) => string | undefined, bounds: { min: number; max: number }): PropProblem[] {
  if (isToken(list)) return [];
  if (!Array.isArray(list)) return [{ prop: [], message: `must be a list (got ${echo(list)})` }];
  if (list.length < bounds.min || list.length > bounds.max) {
    return [{ prop: [], message: `must hold ${bounds.min} to ${bounds.max} items, one per AZ (got ${list.length})` }];
  }
  const out: PropProblem[] = [];
  list.forEach((id, i) => {
    const problem = isToken(id) ? undefined : idProblem(id);
    if (problem) out.push({ prop: [i], message: problem });
  });
  return out.length ? out : duplicateProblems(list);
}

/** The user's VPC (ExistingNetwork without infraId). */
export function existingVpcProblems(props: Omit<ExistingNetworkProps, "infraId">): PropProblem[] {
  const p = new Problems();
  if (!isToken(props.vpcId)) p.add(["vpcId"], vpcIdProblem(props.vpcId));
  p.addAll(["publicSubnetIds"], idListProblems(props.publicSubnetIds, subnetIdProblem, { min: 0, max: AVAILABILITY_ZONES_MAX }));
  p.addAll(["privateSubnetIds"], idListProblems(props.privateSubnetIds, subnetIdProblem, { min: 1, max: AVAILABILITY_ZONES_MAX }));
  if (!p.list.length && !isToken(props.publicSubnetIds) && !isToken(props.privateSubnetIds)) {
    props.privateSubnetIds.forEach((id, i) => {
      if (props.publicSubnetIds.includes(id)) {
        p.add(["privateSubnetIds", i], `${echo(id)} is also a public subnet; a subnet is either public (internet route) or private`);
      }
    });
  }
  return p.list;
}

/** What ExistingNetwork checks of its props in its constructor; each problem names the prop. */
export function checkExistingNetworkProps(props: ExistingNetworkProps): PropProblem[] {
  return new Problems().add(["infraId"], infraIdProblem(props.infraId)).addAll([], existingVpcProblems(props)).list;
}
