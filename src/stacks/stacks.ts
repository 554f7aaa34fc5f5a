import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Construct } from "constructs";
import type { ClusterConfig } from "../config/load";
import { AppsIngress } from "../dns/apps-ingress";
import { ClusterDns, lbTarget } from "../dns/cluster-dns";
import { ApiLoadBalancers } from "../loadbalancing/api-load-balancers";
import { BootstrapNode } from "../machines/bootstrap";
import { NodePool } from "../machines/node-pool";
import { ClusterNetwork } from "../network/network";
import type { INetwork } from "../network/types";
import { ClusterSecurityGroups } from "../security/security-groups";
import { masterStatements, MachineRole, workerStatements } from "../security/iam";
import { clusterTagKey } from "../tags/tags";
import { ClusterStack } from "./cluster-stack";

/** `<clusterName>-network`: 01_vpc.yaml. */
export class NetworkStack extends ClusterStack {
  readonly network: ClusterNetwork;

  constructor(scope: Construct, cluster: ClusterConfig) {
    super(scope, `${cluster.clusterName}-network`, cluster);
    const n = cluster.network;
    this.network = new ClusterNetwork(this, "network", {
      infraId: cluster.infraId,
      region: cluster.region,
      vpcCidr: n.vpcCidr,
      subnetBits: n.subnetBits,
      availabilityZones: n.availabilityZones,
      natGateways: n.natGateways,
      networkAcl: n.networkAcl,
      vpcEndpoints: n.vpcEndpoints,
    });
    this.output("VpcId", this.network.vpcId, "The cluster VPC");
    this.output("PublicSubnetIds", this.network.publicSubnetIds, "Public subnets, one per AZ");
    this.output("PrivateSubnetIds", this.network.privateSubnetIds, "Private subnets, one per AZ");
    this.output("PublicRouteTableId", this.network.publicRouteTableId, "The public route table");
    this.output("PrivateRouteTableIds", this.network.privateRouteTableIds, "Private route tables, one per AZ");
  }
}

/** A VPC the user brings: its CIDR is read, and its subnets get the cluster's shared tag. */
class ExistingNetwork extends Construct implements INetwork {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];

  constructor(scope: Construct, id: string, cluster: ClusterConfig) {
    super(scope, id);
    const existing = cluster.network.existingVpc!;
    this.vpcId = existing.vpcId;
    this.vpcCidr = new DataAwsVpc(this, "vpc", { id: existing.vpcId }).cidrBlock;
    this.publicSubnetIds = [...existing.publicSubnetIds];
    this.privateSubnetIds = [...existing.privateSubnetIds];
    // Only this cluster's key is managed, so other clusters' tags on shared subnets survive a destroy.
    [...existing.publicSubnetIds, ...existing.privateSubnetIds].forEach(
      (subnetId) =>
        new Ec2Tag(this, `cluster-tag-${subnetId}`, { resourceId: subnetId, key: clusterTagKey(cluster.infraId), value: "shared" }),
    );
  }
}

/** `<clusterName>-infra`: 02 and 03 (DNS, load balancers, security groups, IAM). */
export class InfraStack extends ClusterStack {
  readonly network: INetwork;
  readonly dns: ClusterDns;
  readonly loadBalancers: ApiLoadBalancers;
  readonly securityGroups: ClusterSecurityGroups;
  readonly masterRole: MachineRole;
  readonly workerRole: MachineRole;

  constructor(scope: Construct, cluster: ClusterConfig, network?: INetwork) {
    super(scope, `${cluster.clusterName}-infra`, cluster);
    const { infraId } = cluster;
    this.network = network ?? new ExistingNetwork(this, "existing-network", cluster);
    const external = cluster.publish === "External";

    this.loadBalancers = new ApiLoadBalancers(this, "api", { infraId, network: this.network, publish: cluster.publish });
    this.dns = new ClusterDns(this, "dns", {
      clusterName: cluster.clusterName,
      baseDomain: cluster.baseDomain,
      infraId,
      vpcId: this.network.vpcId,
      publicHostedZoneId: cluster.dns.publicHostedZoneId ?? undefined,
      recordType: cluster.dns.recordType,
    });
    const internal = lbTarget(this.loadBalancers.internal);
    this.dns.addRecord("api-private", "private", "api", internal);
    this.dns.addRecord("api-int-private", "private", "api-int", internal);
    if (external) this.dns.addRecord("api-public", "public", "api", lbTarget(this.loadBalancers.external!));

    this.securityGroups = new ClusterSecurityGroups(this, "security-groups", { infraId, network: this.network });
    const boundary = cluster.iam.permissionsBoundaryArn ?? undefined;
    this.masterRole = new MachineRole(this, "master-iam", {
      name: `${infraId}-master`,
      statements: masterStatements(cluster.iam.policy),
      permissionsBoundaryArn: boundary,
    });
    this.workerRole = new MachineRole(this, "worker-iam", {
      name: `${infraId}-worker`,
      statements: workerStatements(cluster.iam.policy),
      permissionsBoundaryArn: boundary,
    });

    const lbs = this.loadBalancers;
    this.output("PrivateHostedZoneId", this.dns.privateZoneId, "The cluster's private zone");
    if (lbs.external) this.output("ExternalApiLoadBalancerName", lbs.external.arnSuffix, "Full name of the external API NLB");
    this.output("InternalApiLoadBalancerName", lbs.internal.arnSuffix, "Full name of the internal API NLB");
    this.output("ApiServerDnsName", `api-int.${this.dns.clusterDomain}`, "The internal API name");
    if (lbs.externalApiTargetGroup) this.output("ExternalApiTargetGroupArn", lbs.externalApiTargetGroup.targetGroupArn, "External API target group");
    this.output("InternalApiTargetGroupArn", lbs.internalApiTargetGroup.targetGroupArn, "Internal API target group");
    this.output("InternalServiceTargetGroupArn", lbs.internalServiceTargetGroup.targetGroupArn, "Machine config server target group");
    this.output("MasterSecurityGroupId", this.securityGroups.masterSecurityGroupId, "Master security group");
    this.output("WorkerSecurityGroupId", this.securityGroups.workerSecurityGroupId, "Worker security group");
    this.output("MasterInstanceProfile", this.masterRole.instanceProfileName, "Master instance profile name");
    this.output("WorkerInstanceProfile", this.workerRole.instanceProfileName, "Worker instance profile name");
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
    const spec = cluster.machines.bootstrap;
    if (!spec.enabled) return;
    this.bootstrap = new BootstrapNode(this, "bootstrap", {
      infraId: cluster.infraId,
      network: infra.network,
      ami: cluster.machines.rhcosAmi!,
      ignitionFile: cluster.assets!.bootstrapIgnitionFile,
      masterSecurityGroupId: infra.securityGroups.masterSecurityGroupId,
      targetGroups: infra.loadBalancers.controlPlaneTargetGroups,
      instanceType: spec.instanceType,
      allowedCidrs: spec.allowedCidrs,
      publish: cluster.publish,
      iamPolicy: cluster.iam.policy,
      permissionsBoundaryArn: cluster.iam.permissionsBoundaryArn ?? undefined,
      ignitionKmsKeyArn: spec.ignitionKmsKeyArn ?? undefined,
      rootVolume: spec.rootVolume,
    });
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
    const { machines, infraId } = cluster;
    const common = {
      infraId,
      clusterDomain: infra.dns.clusterDomain,
      ami: machines.rhcosAmi!,
      subnetIds: infra.network.privateSubnetIds,
    };
    this.controlPlane = new NodePool(this, "control-plane", {
      ...common,
      role: "master",
      caSource: cluster.assets!.masterCa,
      replicas: machines.controlPlane.replicas,
      instanceType: machines.controlPlane.instanceType,
      rootVolume: machines.controlPlane.rootVolume,
      securityGroupId: infra.securityGroups.masterSecurityGroupId,
      instanceProfileName: infra.masterRole.instanceProfileName,
      targetGroups: infra.loadBalancers.controlPlaneTargetGroups,
    });
    this.compute = new NodePool(this, "compute", {
      ...common,
      role: "worker",
      caSource: cluster.assets!.workerCa,
      replicas: machines.compute.replicas,
      instanceType: machines.compute.instanceType,
      rootVolume: machines.compute.rootVolume,
      securityGroupId: infra.securityGroups.workerSecurityGroupId,
      instanceProfileName: infra.workerRole.instanceProfileName,
    });

    if (cluster.dns.etcdRecords && this.controlPlane.machines.length) {
      // OpenShift 4.3 and older find etcd members through these.
      const zoneId = infra.dns.privateZoneId;
      const domain = infra.dns.clusterDomain;
      this.controlPlane.privateIps.forEach(
        (ip, i) => new Route53Record(this, `etcd-${i}`, { zoneId, name: `etcd-${i}.${domain}`, type: "A", ttl: 60, records: [ip] }),
      );
      new Route53Record(this, "etcd-srv", {
        zoneId,
        name: `_etcd-server-ssl._tcp.${domain}`,
        type: "SRV",
        ttl: 60,
        records: this.controlPlane.privateIps.map((_, i) => `0 10 2380 etcd-${i}.${domain}`),
      });
    }
    this.output("ControlPlanePrivateIps", this.controlPlane.privateIps, "Master private IPs");
    this.output("ComputePrivateIps", this.compute.privateIps, "Worker private IPs");
  }
}

/** `<clusterName>-ingress` (day 2): the `*.apps` records, once the router has its load balancer. */
export class IngressStack extends ClusterStack {
  readonly apps: AppsIngress;

  constructor(scope: Construct, cluster: ClusterConfig, infra: InfraStack) {
    super(scope, `${cluster.clusterName}-ingress`, cluster);
    this.apps = new AppsIngress(this, "apps", {
      clusterDomain: infra.dns.clusterDomain,
      privateZoneId: infra.dns.privateZoneId,
      publicZoneId: cluster.publish === "External" ? infra.dns.publicZoneId : undefined,
      routerLoadBalancerHostname: cluster.ingress.routerLoadBalancerHostname!,
      loadBalancerType: cluster.ingress.loadBalancerType,
      recordType: cluster.dns.recordType,
    });
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
