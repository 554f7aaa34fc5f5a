import { DataAwsLbs } from "@cdktf/provider-aws/lib/data-aws-lbs";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { Lb, LbSubnetMapping } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_PUBLISH, PUBLISH_MODES, PublishMode } from "../defaults";
import { networkProblems, type INetwork } from "../network/types";
import { guard } from "../guards/guards";
import { adoptOrStop } from "../state/own-state";
import { clusterTagKey, nameTag } from "../tags/tags";
import { assertValidProps, PropProblem, Problems, oneOf } from "../validation/problems";
import { publicIpv4PoolIdProblem } from "../validation/edge";
import { infraIdProblem } from "../validation/names";

/** A target group machines register in by private IP, on its own port. */
export interface ITargetGroup {
  readonly targetGroupArn: string;
  readonly port: number;
  /** A stable short name for ids ("external-api", ...). */
  readonly purpose: string;
}

export interface ApiLoadBalancersProps {
  readonly infraId: string;
  readonly network: INetwork;
  /** Internal: no internet-facing load balancer. @default "External" */
  readonly publish?: PublishMode;
  /**
   * A public IPv4 pool of your own (ipv4pool-ec2-...): the external NLB gets one address from it
   * per public subnet. @default Amazon's addresses
   */
  readonly publicIpv4Pool?: string;
}

/** One row per listener of 02_cluster_infra.yaml; the health checks are the current template's. */
const LISTENERS = [
  { purpose: "external-api", external: true, port: 6443, healthPath: "/readyz" },
  { purpose: "internal-api", external: false, port: 6443, healthPath: "/readyz" },
  { purpose: "internal-service", external: false, port: 22623, healthPath: "/healthz" },
] as const;

/**
 * The API network load balancers: `<infraId>-ext` (internet-facing, public subnets) and
 * `<infraId>-int` (internal, private subnets), TCP listeners on 6443 and 22623, each to an
 * IP target group that machines join with `aws_lb_target_group_attachment`.
 */
export class ApiLoadBalancers extends Construct {
  readonly external?: Lb;
  readonly internal: Lb;
  readonly externalApiTargetGroup?: ITargetGroup;
  readonly internalApiTargetGroup: ITargetGroup;
  readonly internalServiceTargetGroup: ITargetGroup;

  constructor(scope: Construct, id: string, props: ApiLoadBalancersProps) {
    super(scope, id);
    assertValidProps(this, checkApiLoadBalancersProps(props));
    const { infraId, network } = props;
    const external = (props.publish ?? DEFAULT_PUBLISH) === "External";

    // Only a pool cluster maps its subnets: for the others the NLB is planned exactly as before.
    const poolMappings = (pool: string): LbSubnetMapping[] =>
      network.publicSubnetIds.map((subnetId, i) => {
        const eip = new Eip(this, `external-eip-${i}`, { domain: "vpc", publicIpv4Pool: pool, tags: nameTag(`${infraId}-ext-${i}`) });
        return { subnetId, allocationId: eip.allocationId };
      });
    const balancer = (kind: "ext" | "int") => {
      const id = kind === "ext" ? "external" : "internal";
      const name = `${infraId}-${kind}`;
      const lb = new Lb(this, id, {
        name,
        loadBalancerType: "network",
        internal: kind === "int",
        ipAddressType: "ipv4",
        ...(kind === "ext" && props.publicIpv4Pool
          ? { subnetMapping: poolMappings(props.publicIpv4Pool) }
          : { subnets: kind === "ext" ? network.publicSubnetIds : network.privateSubnetIds }),
        tags: nameTag(name),
      });
      // Load-balancer names are unique per region: a second state would otherwise fail late, on a duplicate name.
      const live = new DataAwsLbs(this, `${id}-live`, { tags: { Name: name, [clusterTagKey(infraId)]: "owned" } });
      adoptOrStop(lb, { what: `load balancer ${name}`, liveIds: live.arns });
      // A network load balancer is replaced by a new name, scheme or type, or by losing a subnet
      // (AWS provider 5.100: subnets can be added to an NLB in place, not removed).
      guard(lb, {
        rule: "PLAN-ELB-1",
        what: `API load balancer ${name}`,
        replacedBy: {
          name,
          internal: String(kind === "int"),
          load_balancer_type: "network",
          subnets: Fn.join(",", kind === "ext" ? network.publicSubnetIds : network.privateSubnetIds),
        },
      });
      return lb;
    };
    this.external = external ? balancer("ext") : undefined;
    this.internal = balancer("int");

    const groups: Record<string, ITargetGroup> = {};
    for (const row of LISTENERS) {
      const lb = row.external ? this.external : this.internal;
      if (!lb) continue;
      // Target group names are limited to 32 characters; infraId is at most 27.
      const groupName = `${infraId}-${row.purpose === "external-api" ? "aext" : row.purpose === "internal-api" ? "aint" : "sint"}`;
      const group = new LbTargetGroup(this, `${row.purpose}-target-group`, {
        name: groupName,
        port: row.port,
        protocol: "TCP",
        targetType: "ip",
        vpcId: network.vpcId,
        deregistrationDelay: "60",
        healthCheck: {
          protocol: "HTTPS",
          path: row.healthPath,
          port: String(row.port),
          interval: 10,
          healthyThreshold: 2,
          unhealthyThreshold: 2,
        },
        tags: nameTag(`${infraId}-${row.purpose}`),
      });
      // These change in place or with their load balancer (whose guard names it), except name,
      // port, protocol, type and VPC of a target group.
      guard(group, {
        rule: "PLAN-ELB-1",
        what: `API target group ${groupName}`,
        replacedBy: { name: groupName, port: String(row.port), protocol: "TCP", target_type: "ip", vpc_id: network.vpcId },
      });
      const listener = new LbListener(this, `${row.purpose}-listener`, {
        loadBalancerArn: lb.arn,
        port: row.port,
        protocol: "TCP",
        defaultAction: [{ type: "forward", targetGroupArn: group.arn }],
      });
      guard(listener, { rule: "PLAN-ELB-1", what: `API listener ${infraId}-${row.external ? "ext" : "int"}:${row.port}`, replacedBy: {} });
      groups[row.purpose] = { targetGroupArn: group.arn, port: row.port, purpose: row.purpose };
    }
    this.externalApiTargetGroup = groups["external-api"];
    this.internalApiTargetGroup = groups["internal-api"];
    this.internalServiceTargetGroup = groups["internal-service"];
  }

  /** Every group the bootstrap node and the masters register in. */
  get controlPlaneTargetGroups(): ITargetGroup[] {
    return [this.externalApiTargetGroup, this.internalApiTargetGroup, this.internalServiceTargetGroup].filter((g): g is ITargetGroup => g !== undefined);
  }
}

/** What ApiLoadBalancers checks of its props in its constructor; each problem names the prop. */
export function checkApiLoadBalancersProps(props: ApiLoadBalancersProps): PropProblem[] {
  const publish = props.publish ?? DEFAULT_PUBLISH;
  return new Problems()
    .add(["infraId"], infraIdProblem(props.infraId))
    .add(["publish"], oneOf(PUBLISH_MODES, publish))
    .addAll(["network"], networkProblems(props.network, publish === "External"))
    .add(["publicIpv4Pool"], props.publicIpv4Pool === undefined ? undefined : publicIpv4PoolIdProblem(props.publicIpv4Pool)).list;
}
