import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { Construct } from "constructs";
import { clusterTagKey } from "../tags/tags";
import type { INetwork } from "./types";
import { checkExistingNetworkProps } from "../validation/constructs";
import { assertValidProps } from "../validation/problems";

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
