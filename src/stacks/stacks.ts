import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { addBootstrap, addClusterInfra, addIngress, addMachines, addNetwork, addPublicIpv4PoolCheck, ClusterInfra, OpenShiftUpiClusterProps } from "../cluster/parts";
import type { ClusterConfig } from "../config/load";
import type { AppsIngress } from "../dns/apps-ingress";
import type { BootstrapNode } from "../machines/bootstrap";
import type { NodePool } from "../machines/node-pool";
import { ClusterNetwork } from "../network/network";
import type { INetwork } from "../network/types";
import { ClusterStack } from "./cluster-stack";
import { stackName } from "./names";

/** The cluster file's fields as the constructs' typed props: every stack builds from these. */
export function clusterProps(c: ClusterConfig): OpenShiftUpiClusterProps {
  const { existingVpc, publicIpv4Pool, ...network } = c.network;
  const { rhcosAmi, bootstrap, controlPlane, compute } = c.machines;
  const { routerLoadBalancerHostname, loadBalancerType } = c.ingress;
  return {
    clusterName: c.clusterName,
    baseDomain: c.baseDomain,
    infraId: c.infraId,
    region: c.region,
    publish: c.publish,
    network: existingVpc ? { existing: existingVpc } : network,
    publicIpv4Pool,
    dns: c.dns,
    iam: c.iam,
    rhcosAmi,
    s3Endpoint: c.aws.serviceEndpoints.s3 ? { url: c.aws.serviceEndpoints.s3, pathStyle: c.aws.s3UsePathStyle } : undefined,
    ignition: c.assets && { bootstrapIgnitionFile: c.assets.bootstrapIgnitionFile, masterCa: c.assets.masterCa, workerCa: c.assets.workerCa },
    bootstrap,
    controlPlane,
    compute,
    ingress: routerLoadBalancerHostname ? { routerLoadBalancerHostname, loadBalancerType } : undefined,
  };
}

/**
 * `<clusterName>-network`: 01_vpc.yaml. With `network.existingVpc` it stays, empty: a cluster
 * that moves onto a VPC of its own sees the old one's removal planned (and stopped by
 * `npm run plan`) rather than left behind, owned by a state nothing synthesizes any more.
 */
export class NetworkStack extends ClusterStack {
  readonly network?: ClusterNetwork;

  constructor(scope: Construct, cluster: ClusterConfig) {
    super(scope, stackName(cluster.clusterName, "network"), cluster);
    const props = clusterProps(cluster);
    const { network = {}, infraId, region, publish, publicIpv4Pool } = props;
    if ("existing" in network) return;
    // The first stack planned checks the pool for the whole cluster.
    addPublicIpv4PoolCheck(this, props);
    this.network = new ClusterNetwork(this, "network", { ...network, infraId, region, publish, publicIpv4Pool });
    this.output("VpcId", this.network.vpcId, "The cluster VPC");
    this.output("PublicSubnetIds", this.network.publicSubnetIds, "Public subnets, one per AZ");
    this.output("PrivateSubnetIds", this.network.privateSubnetIds, "Private subnets, one per AZ");
    if (this.network.publicRouteTableId) this.output("PublicRouteTableId", this.network.publicRouteTableId, "The public route table");
    this.output("PrivateRouteTableIds", this.network.privateRouteTableIds, "Private route tables, one per AZ");
    const edge = this.network.edgeZones;
    if (edge) {
      // Keyed by zone name, for the edge MachineSets' subnet.id and zone-group label.
      this.output("EdgePrivateSubnetIds", edge.privateSubnetIds, "Edge zone name to its private subnet");
      if (Object.keys(edge.publicSubnetIds).length) this.output("EdgePublicSubnetIds", edge.publicSubnetIds, "Edge zone name to its public subnet");
      this.output("EdgeZoneGroups", edge.zoneGroups, "Edge zone name to its zone group");
    }
  }
}

/** `<clusterName>-infra`: 02 and 03 (DNS, load balancers, security groups, IAM). */
export class InfraStack extends ClusterStack {
  readonly infra: ClusterInfra;

  constructor(scope: Construct, cluster: ClusterConfig, network?: INetwork) {
    super(scope, stackName(cluster.clusterName, "infra"), cluster);
    const props = clusterProps(cluster);
    // With existingVpc the network stack is empty and the user's VPC is described here, and the
    // pool checked.
    if (!network) addPublicIpv4PoolCheck(this, props);
    this.infra = addClusterInfra(this, props, network ?? addNetwork(this, props));
    const { dns, loadBalancers: lbs, securityGroups, masterInstanceProfileName, workerInstanceProfileName } = this.infra;
    this.output("PrivateHostedZoneId", dns.privateZoneId, "The cluster's private zone");
    if (lbs.external) this.output("ExternalApiLoadBalancerName", lbs.external.arnSuffix, "Full name of the external API NLB");
    this.output("InternalApiLoadBalancerName", lbs.internal.arnSuffix, "Full name of the internal API NLB");
    this.output("ApiServerDnsName", `api-int.${dns.clusterDomain}`, "The internal API name");
    if (lbs.externalApiTargetGroup) this.output("ExternalApiTargetGroupArn", lbs.externalApiTargetGroup.targetGroupArn, "External API target group");
    this.output("InternalApiTargetGroupArn", lbs.internalApiTargetGroup.targetGroupArn, "Internal API target group");
    this.output("InternalServiceTargetGroupArn", lbs.internalServiceTargetGroup.targetGroupArn, "Machine config server target group");
    this.output("MasterSecurityGroupId", securityGroups.masterSecurityGroupId, "Master security group");
    this.output("WorkerSecurityGroupId", securityGroups.workerSecurityGroupId, "Worker security group");
    this.output("MasterInstanceProfile", masterInstanceProfileName, "Master instance profile name");
    this.output("WorkerInstanceProfile", workerInstanceProfileName, "Worker instance profile name");
  }
}

/**
 * `<clusterName>-bootstrap`: 04, the temporary part. With `machines.bootstrap.enabled: false` the
 * stack stays, empty, so the next deploy removes exactly the bootstrap resources.
 */
export class BootstrapStack extends ClusterStack {
  readonly bootstrap?: BootstrapNode;

  constructor(scope: Construct, cluster: ClusterConfig, infra: InfraStack) {
    super(scope, stackName(cluster.clusterName, "bootstrap"), cluster);
    this.bootstrap = addBootstrap(this, clusterProps(cluster), infra.infra);
    if (!this.bootstrap) return;
    this.output("BootstrapInstanceId", this.bootstrap.instanceId, "The bootstrap instance");
    if (cluster.publish === "External") this.output("BootstrapPublicIp", this.bootstrap.publicIp, "Its public IP (SSH, journald gateway)");
    this.output("BootstrapPrivateIp", this.bootstrap.privateIp, "Its private IP");
  }
}

/** `<clusterName>-machines`: 05 and 06, the control plane and compute. */
export class MachinesStack extends ClusterStack {
  readonly controlPlane: NodePool;
  readonly compute: NodePool;

  constructor(scope: Construct, cluster: ClusterConfig, infra: InfraStack) {
    super(scope, stackName(cluster.clusterName, "machines"), cluster);
    const { controlPlane, compute } = addMachines(this, clusterProps(cluster), infra.infra);
    this.controlPlane = controlPlane;
    this.compute = compute;
    this.output("ControlPlanePrivateIps", controlPlane.privateIps, "Master private IPs");
    this.output("ComputePrivateIps", compute.privateIps, "Worker private IPs");
    // 05_cluster_master_nodes.yaml's own output name and form. 06 has one stack per worker with
    // a single `PrivateIP`; here all workers share this stack, so they are ComputePrivateIps only.
    this.output("PrivateIPs", Fn.join(",", controlPlane.privateIps), "Master private IPs, comma-joined, as 05's PrivateIPs");
  }
}

/**
 * `<clusterName>-ingress` (day 2): the `*.apps` records, once the router has its load balancer.
 * Without `ingress.routerLoadBalancerHostname` it stays, empty, like the bootstrap stack, so
 * turning the records off deletes them on the next apply.
 */
export class IngressStack extends ClusterStack {
  readonly apps?: AppsIngress;

  constructor(scope: Construct, cluster: ClusterConfig, infra: InfraStack) {
    super(scope, stackName(cluster.clusterName, "ingress"), cluster);
    this.apps = addIngress(this, clusterProps(cluster), infra.infra);
    if (this.apps) {
      this.output("AppsRecordName", this.apps.recordName, "The wildcard record of the cluster's routes");
      return;
    }
    // Off, the stack still reads the zones its records will go into. cdktf adds an output to the
    // infra stack for each value another stack reads, so infra's state holds them from its first
    // apply, and turning the records on (day 2) changes this stack alone: `cdktf deploy
    // <cluster>-ingress --ignore-missing-stack-dependencies` works, with no apply of infra first.
    const { dns } = infra.infra;
    new TerraformLocal(this, "record-zones", cluster.publish === "External" ? [dns.privateZoneId, dns.publicZoneId] : [dns.privateZoneId]);
  }
}

/**
 * Every stack of one cluster. Each is synthesized whatever the file turns off (then empty), so
 * that nothing a stack once created is left in a state that no synthesized stack owns.
 */
export interface ClusterStacks {
  readonly network: NetworkStack;
  readonly infra: InfraStack;
  readonly bootstrap: BootstrapStack;
  readonly machines: MachinesStack;
  readonly ingress: IngressStack;
}

/** Every stack of one cluster, wired by typed attributes (cdktf turns them into remote state). */
export function addCluster(scope: Construct, cluster: ClusterConfig): ClusterStacks {
  const network = new NetworkStack(scope, cluster);
  const infra = new InfraStack(scope, cluster, network.network);
  const bootstrap = new BootstrapStack(scope, cluster, infra);
  const machines = new MachinesStack(scope, cluster, infra);
  const ingress = new IngressStack(scope, cluster, infra);
  return { network, infra, bootstrap, machines, ingress };
}
