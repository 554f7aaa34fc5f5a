import { DataAwsEc2PublicIpv4Pool } from "@cdktf/provider-aws/lib/data-aws-ec2-public-ipv4-pool";
import { DataAwsEips } from "@cdktf/provider-aws/lib/data-aws-eips";
import { Fn, Op, TerraformSelf, Token } from "cdktf";
import { Construct } from "constructs";
import { clusterTagKey } from "../tags/tags";

/** The addresses a cluster takes from its public IPv4 pool, by what uses them. */
export interface PublicIpv4PoolDemand {
  readonly natGateways: number;
  /** One per public subnet of the external API NLB. */
  readonly apiLoadBalancer: number;
  readonly bootstrap: number;
}

export interface PublicIpv4PoolCheckProps {
  readonly infraId: string;
  /** ipv4pool-ec2-... */
  readonly poolId: string;
  readonly demand: PublicIpv4PoolDemand;
}

/**
 * Reads the pool while planning and stops the plan when it has fewer free addresses than the
 * cluster needs and does not hold yet. What it holds are its Elastic IPs (they carry the cluster's
 * owned tag), so the check passes again on every later plan of a deployed cluster, and after a
 * change it asks only for the addresses the change adds.
 */
export class PublicIpv4PoolCheck extends Construct {
  readonly pool: DataAwsEc2PublicIpv4Pool;

  constructor(scope: Construct, id: string, props: PublicIpv4PoolCheckProps) {
    super(scope, id);
    const { natGateways, apiLoadBalancer, bootstrap } = props.demand;
    const needed = natGateways + apiLoadBalancer + bootstrap;
    const held = Fn.lengthOf(new DataAwsEips(this, "held", { tags: { [clusterTagKey(props.infraId)]: "owned" } }).allocationIds);
    const free = TerraformSelf.getNumber("total_available_address_count");
    const shortBy = Token.asString(Op.sub(Op.sub(needed, held), free));
    this.pool = new DataAwsEc2PublicIpv4Pool(this, "pool", {
      poolId: props.poolId,
      lifecycle: {
        postcondition: [
          {
            condition: Op.gte(Op.add(free, held), needed),
            errorMessage:
              `network.publicIpv4Pool ${props.poolId} is short by ${shortBy} addresses: it has ${Token.asString(free)} free, and the cluster ` +
              `needs ${needed} (${natGateways} NAT gateways, ${apiLoadBalancer} API load balancer subnets, ${bootstrap} bootstrap node) and holds ` +
              `${Token.asString(held)}. Release addresses from the pool, add a range to it, or need fewer (natGateways: single, fewer AZs).`,
          },
        ],
      },
    });
  }
}
