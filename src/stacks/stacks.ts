import { Construct } from "constructs";
import { addBootstrap, addClusterInfra, addIngress, addMachines, addNetwork, ClusterInfra, OpenShiftUpiClusterProps } from "../cluster/parts";
import type { ClusterConfig } from "../config/load";
import type { AppsIngress } from "../dns/apps-ingress";
import type { BootstrapNode } from "../machines/bootstrap";
import type { NodePool } from "../machines/node-pool";
import { ClusterNetwork } from "../network/network";
import type { INetwork } from "../network/types";
import { ClusterStack } from "./cluster-stack";

/** The cluster file's fields as the constructs' typed props: every stack builds from these. */
export function clusterProps(c: ClusterConfig): OpenShiftUpiClusterProps {
  // ownEgress only answers a validation question; the constructs do not need it.
  const { existingVpc, ownEgress: _ownEgress, ...network } = c.network;
  const { rhcosAmi, bootstrap, controlPlane, compute } = c.machines;
  const { routerLoadBalancerHostname, loadBalancerType } = c.ingress;
  return {
    clusterName: c.clusterName,
    baseDomain: c.baseDomain,
    infraId: c.infraId,
    region: c.region,
    publish: c.publish,
    network: existingVpc ? { existing: existingVpc } : network,
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

/** `<clusterName>-network`: 01_vpc.yaml. */
export class NetworkStack extends ClusterStack {
  readonly network: ClusterNetwork;

  constructor(scope: Construct, cluster: ClusterConfig) {
    super(scope, `${cluster.clusterName}-network`, cluster);
    const { network = {}, infraId, region } = clusterProps(cluster);
    if ("existing" in network) throw new Error("NetworkStack builds a new VPC; a cluster with existingVpc has no network stack");
    this.network = new ClusterNetwork(this, "network", { ...network, infraId, region });
    this.output("VpcId", this.network.vpcId, "The cluster VPC");
    this.output("PublicSubnetIds", this.network.publicSubnetIds, "Public subnets, one per AZ");
    this.output("PrivateSubnetIds", this.network.privateSubnetIds, "Private subnets, one per AZ");
    if (this.network.publicRouteTableId) this.output("PublicRouteTableId", this.network.publicRouteTableId, "The public route table");
    this.output("PrivateRouteTableIds", this.network.privateRouteTableIds, "Private route tables, one per AZ");
  }
}

/** `<clusterName>-infra`: 02 and 03 (DNS, load balancers, security groups, IAM). */
export class InfraStack extends ClusterStack {
  readonly infra: ClusterInfra;

  constructor(scope: Construct, cluster: ClusterConfig, network?: INetwork) {
    super(scope, `${cluster.clusterName}-infra`, cluster);
    const props = clusterProps(cluster);
    // Without a network stack, the user's VPC is described here.
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
    super(scope, `${cluster.clusterName}-bootstrap`, cluster);
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
    super(scope, `${cluster.clusterName}-machines`, cluster);
    const { controlPlane, compute } = addMachines(this, clusterProps(cluster), infra.infra);
    this.controlPlane = controlPlane;
    this.compute = compute;
    this.output("ControlPlanePrivateIps", controlPlane.privateIps, "Master private IPs");
    this.output("ComputePrivateIps", compute.privateIps, "Worker private IPs");
  }
}

/** `<clusterName>-ingress` (day 2): the `*.apps` records, once the router has its load balancer. */
export class IngressStack extends ClusterStack {
  readonly apps: AppsIngress;

  constructor(scope: Construct, cluster: ClusterConfig, infra: InfraStack) {
    super(scope, `${cluster.clusterName}-ingress`, cluster);
    this.apps = addIngress(this, clusterProps(cluster), infra.infra)!;
    this.output("AppsRecordName", this.apps.recordName, "The wildcard record of the cluster's routes");
  }
}

export interface ClusterStacks {
  readonly network?: NetworkStack;
  readonly infra: InfraStack;
  readonly bootstrap: BootstrapStack;
  readonly machines: MachinesStack;
  readonly ingress?: IngressStack;
}

/** Every stack of one cluster, wired by typed attributes (cdktf turns them into remote state). */
export function addCluster(scope: Construct, cluster: ClusterConfig): ClusterStacks {
  const network = cluster.network.existingVpc ? undefined : new NetworkStack(scope, cluster);
  const infra = new InfraStack(scope, cluster, network?.network);
  const bootstrap = new BootstrapStack(scope, cluster, infra);
  const machines = new MachinesStack(scope, cluster, infra);
  const ingress = cluster.ingress.routerLoadBalancerHostname ? new IngressStack(scope, cluster, infra) : undefined;
  return { network, infra, bootstrap, machines, ingress };
}
