import { Aspects } from "cdktf";
import { Construct } from "constructs";
import type { AppsIngress } from "../dns/apps-ingress";
import type { BootstrapNode } from "../machines/bootstrap";
import type { NodePool } from "../machines/node-pool";
import type { INetwork } from "../network/types";
import { Guardrails } from "../policy/guardrails";
import { DOCUMENTED_POLICY_ACKNOWLEDGEMENT } from "../security/iam";
import { checkClusterProps } from "./checks";
import { addBootstrap, addClusterInfra, addIngress, addMachines, addNetwork, addPublicIpv4PoolCheck, ClusterInfra, OpenShiftUpiClusterProps } from "./parts";
import { assertValidProps } from "../validation/problems";

/**
 * A whole OpenShift UPI cluster in one scope, for cdktf apps with their own stacks, provider and
 * backend: network (or an existing VPC), DNS, API load balancers, security groups, IAM, the
 * bootstrap node, control plane and compute, and the day-2 `*.apps` records.
 *
 * The product's own layout puts the same parts in four stacks so that the bootstrap can be
 * destroyed alone; here, `bootstrap.enabled: false` does that.
 *
 * It brings the guardrails rule pack for everything under it: a synth of the app stops on a
 * finding, unless `Guardrails.acknowledge(scope, ruleId, reason)` accepts it. The cluster tag
 * (`kubernetes.io/cluster/<infraId>`) is expected in the provider's default tags (`defaultTags()`).
 */
export class OpenShiftUpiCluster extends Construct {
  readonly network: INetwork;
  readonly infra: ClusterInfra;
  readonly bootstrap?: BootstrapNode;
  readonly controlPlane: NodePool;
  readonly compute: NodePool;
  readonly ingress?: AppsIngress;

  constructor(scope: Construct, id: string, props: OpenShiftUpiClusterProps) {
    super(scope, id);
    assertValidProps(this, checkClusterProps(props));
    // The rule pack comes with the cluster, and runs at every synth of the app.
    Aspects.of(this).add(new Guardrails({ infraId: props.infraId }));
    if (props.iam?.policy === "documented") Guardrails.acknowledge(this, DOCUMENTED_POLICY_ACKNOWLEDGEMENT.rule, DOCUMENTED_POLICY_ACKNOWLEDGEMENT.reason);
    addPublicIpv4PoolCheck(this, props);
    this.network = addNetwork(this, props);
    this.infra = addClusterInfra(this, props, this.network);
    this.bootstrap = addBootstrap(this, props, this.infra);
    const { controlPlane, compute } = addMachines(this, props, this.infra);
    this.controlPlane = controlPlane;
    this.compute = compute;
    this.ingress = addIngress(this, props, this.infra);
  }
}
