import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Construct } from "constructs";
import {
  DEFAULT_AVAILABILITY_ZONE_COUNT,
  DEFAULT_COMPUTE_REPLICAS,
  DEFAULT_CONTROL_PLANE_REPLICAS,
  DEFAULT_IAM_POLICY,
  DEFAULT_NAT_GATEWAYS,
  DEFAULT_PUBLISH,
  IamPolicyMode,
  PublishMode,
  RecordType,
  RouterLoadBalancerType,
} from "../defaults";
import { AppsIngress } from "../dns/apps-ingress";
import { ClusterDns, lbTarget, privateZoneProvider } from "../dns/cluster-dns";
import { ApiLoadBalancers } from "../loadbalancing/api-load-balancers";
import { BootstrapNode } from "../machines/bootstrap";
import type { RootVolume } from "../machines/machine";
import { NodePool } from "../machines/node-pool";
import { bootstrapFetchesOverHttps } from "../machines/ignition";
import { ClusterNetwork, ClusterNetworkProps, natGatewayCount } from "../network/network";
import { ExistingNetwork, ExistingNetworkProps } from "../network/existing-network";
import { PublicIpv4PoolCheck, PublicIpv4PoolDemand } from "../network/public-ipv4-pool";
import type { INetwork } from "../network/types";
import { ExistingInstanceProfile } from "../security/existing-instance-profile";
import { MachineRole, masterStatements, workerStatements } from "../security/iam";
import { ClusterSecurityGroups } from "../security/security-groups";

/** What openshift-install's `create ignition-configs` gives the machines. */
export interface IgnitionAssets {
  /** bootstrap.ign, uploaded to the ignition bucket. */
  readonly bootstrapIgnitionFile: string;
  /** `security.tls.certificateAuthorities[0].source` of master.ign (a data URL). */
  readonly masterCa: string;
  /** The same of worker.ign. */
  readonly workerCa: string;
}

/** What any pool may bring of its own in a restricted account. */
export interface PoolOverrides {
  /** This pool's AMI (an arm64 pool needs its own). @default rhcosAmi */
  readonly ami?: string;
  /** An existing instance profile: no role, policy or profile is created for the pool. @default a new one */
  readonly iamInstanceProfile?: string;
  /** Existing security groups added to the pool's own. @default none */
  readonly additionalSecurityGroupIds?: readonly string[];
}

export interface MachinePoolProps extends PoolOverrides {
  /** @default 3 for the control plane, 2 for compute */
  readonly replicas?: number;
  /** @default "m6i.xlarge" for the control plane, "m6i.large" for compute */
  readonly instanceType?: string;
  /** @default 120 GiB gp3, encrypted */
  readonly rootVolume?: RootVolume;
}

export interface BootstrapProps extends PoolOverrides {
  /** false removes every bootstrap resource and nothing else. @default true */
  readonly enabled?: boolean;
  /** @default "i3.large" */
  readonly instanceType?: string;
  /** Sources for tcp 22 and 19531. @default the VPC CIDR */
  readonly allowedCidrs?: readonly string[];
  /** @default SSE-S3 */
  readonly ignitionKmsKeyArn?: string;
  /** @default 120 GiB gp3, encrypted */
  readonly rootVolume?: RootVolume;
}

/** One OpenShift UPI cluster on AWS: the typed props every part is built from. */
export interface OpenShiftUpiClusterProps {
  readonly clusterName: string;
  readonly baseDomain: string;
  /** metadata.json `infraID`: names and the cluster tag. */
  readonly infraId: string;
  readonly region: string;
  /** Internal: no public load balancer or records, bootstrap without public IP. @default "External" */
  readonly publish?: PublishMode;
  /** A new VPC, or `{ existing }` to bring one. @default a new VPC with ClusterNetwork's defaults */
  readonly network?: Omit<ClusterNetworkProps, "infraId" | "region" | "publish" | "publicIpv4Pool"> | { readonly existing: Omit<ExistingNetworkProps, "infraId"> };
  /**
   * A public IPv4 pool of your own (ipv4pool-ec2-...): the NAT gateways, the external API NLB and
   * the bootstrap node take their addresses from it. @default Amazon's addresses
   */
  readonly publicIpv4Pool?: string;
  /**
   * An existing private zone (with existing networks only) and the role its records are written
   * with. @default public zone looked up by baseDomain, a new private zone, auto records, no etcd records
   */
  readonly dns?: {
    readonly publicHostedZoneId?: string;
    readonly privateHostedZoneId?: string;
    readonly hostedZoneRoleArn?: string;
    readonly recordType?: RecordType;
    readonly etcdRecords?: boolean;
  };
  /** @default least-privilege, no permissions boundary */
  readonly iam?: { readonly policy?: IamPolicyMode; readonly permissionsBoundaryArn?: string };
  /** The RHCOS AMI; required when a pool without an ami of its own creates machines. @default none */
  readonly rhcosAmi?: string;
  /**
   * A custom S3 endpoint (aws.serviceEndpoints.s3) and its addressing: the bootstrap node then
   * fetches its Ignition config over https from it. @default the region's own S3 endpoint
   */
  readonly s3Endpoint?: { readonly url: string; readonly pathStyle?: boolean };
  /** Required when any machine is created. @default none */
  readonly ignition?: IgnitionAssets;
  /** @default enabled, i3.large */
  readonly bootstrap?: BootstrapProps;
  /** @default 3 x m6i.xlarge */
  readonly controlPlane?: MachinePoolProps;
  /** @default 2 x m6i.large */
  readonly compute?: MachinePoolProps;
  /** Day 2: `*.apps` records to the router's load balancer. @default none */
  readonly ingress?: { readonly routerLoadBalancerHostname: string; readonly loadBalancerType?: RouterLoadBalancerType };
}

/** DNS, API load balancers, security groups and IAM (02 and 03), added to `scope`. */
export interface ClusterInfra {
  readonly network: INetwork;
  readonly dns: ClusterDns;
  readonly loadBalancers: ApiLoadBalancers;
  readonly securityGroups: ClusterSecurityGroups;
  /** Absent when the control plane brings its own instance profile. */
  readonly masterRole?: MachineRole;
  /** Absent when compute brings its own instance profile. */
  readonly workerRole?: MachineRole;
  readonly masterInstanceProfileName: string;
  readonly workerInstanceProfileName: string;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is required when machines are created`);
  return value;
}

/** The network the props ask for: a new VPC (ClusterNetwork), or the user's (`{ existing }`). */
export function addNetwork(scope: Construct, props: OpenShiftUpiClusterProps): ClusterNetwork | ExistingNetwork {
  const net = props.network ?? {};
  return "existing" in net
    ? new ExistingNetwork(scope, "existing-network", { infraId: props.infraId, ...net.existing })
    : new ClusterNetwork(scope, "network", { ...net, infraId: props.infraId, region: props.region, publish: props.publish, publicIpv4Pool: props.publicIpv4Pool });
}

/** The addresses the cluster takes from its public IPv4 pool (the installer docs' count). */
export function publicIpv4PoolDemand(props: OpenShiftUpiClusterProps): PublicIpv4PoolDemand {
  const net = props.network ?? {};
  const external = (props.publish ?? DEFAULT_PUBLISH) === "External";
  const bootstrap = external && props.bootstrap?.enabled !== false ? 1 : 0;
  if ("existing" in net) return { natGateways: 0, apiLoadBalancer: external ? net.existing.publicSubnetIds.length : 0, bootstrap };
  const zones = net.availabilityZones ?? DEFAULT_AVAILABILITY_ZONE_COUNT;
  const azCount = typeof zones === "number" ? zones : zones.length;
  return { natGateways: natGatewayCount(net.natGateways ?? DEFAULT_NAT_GATEWAYS, azCount), apiLoadBalancer: external ? azCount : 0, bootstrap };
}

/** With a public IPv4 pool, the plan-time check that it can give what the cluster still needs. */
export function addPublicIpv4PoolCheck(scope: Construct, props: OpenShiftUpiClusterProps): PublicIpv4PoolCheck | undefined {
  if (!props.publicIpv4Pool) return undefined;
  return new PublicIpv4PoolCheck(scope, "public-ipv4-pool", { infraId: props.infraId, poolId: props.publicIpv4Pool, demand: publicIpv4PoolDemand(props) });
}

export function addClusterInfra(scope: Construct, props: OpenShiftUpiClusterProps, network: INetwork): ClusterInfra {
  const { infraId } = props;
  const loadBalancers = new ApiLoadBalancers(scope, "api", { infraId, network, publish: props.publish, publicIpv4Pool: props.publicIpv4Pool });
  const dns = new ClusterDns(scope, "dns", {
    clusterName: props.clusterName,
    baseDomain: props.baseDomain,
    infraId,
    vpcId: network.vpcId,
    region: props.region,
    publicHostedZoneId: props.dns?.publicHostedZoneId,
    privateHostedZoneId: props.dns?.privateHostedZoneId,
    hostedZoneRoleArn: props.dns?.hostedZoneRoleArn,
    recordType: props.dns?.recordType,
  });
  const internal = lbTarget(loadBalancers.internal);
  dns.addRecord("api-private", "private", "api", internal);
  dns.addRecord("api-int-private", "private", "api-int", internal);
  if (loadBalancers.external) dns.addRecord("api-public", "public", "api", lbTarget(loadBalancers.external));

  const securityGroups = new ClusterSecurityGroups(scope, "security-groups", { infraId, network });
  // A pool with an instance profile of its own gets no role, policy or profile.
  const role = (kind: "master" | "worker") =>
    (kind === "master" ? props.controlPlane : props.compute)?.iamInstanceProfile
      ? undefined
      : new MachineRole(scope, `${kind}-iam`, {
          name: `${infraId}-${kind}`,
          statements: (kind === "master" ? masterStatements : workerStatements)(props.iam?.policy ?? DEFAULT_IAM_POLICY),
          permissionsBoundaryArn: props.iam?.permissionsBoundaryArn,
        });
  const masterRole = role("master");
  const workerRole = role("worker");
  return {
    network,
    dns,
    loadBalancers,
    securityGroups,
    masterRole,
    workerRole,
    masterInstanceProfileName: masterRole?.instanceProfileName ?? props.controlPlane!.iamInstanceProfile!,
    workerInstanceProfileName: workerRole?.instanceProfileName ?? props.compute!.iamInstanceProfile!,
  };
}

/** The bootstrap node and its ignition bucket (04); nothing when disabled. */
export function addBootstrap(scope: Construct, props: OpenShiftUpiClusterProps, infra: ClusterInfra): BootstrapNode | undefined {
  const spec = props.bootstrap ?? {};
  if (spec.enabled === false) return undefined;
  return new BootstrapNode(scope, "bootstrap", {
    infraId: props.infraId,
    network: infra.network,
    ami: required(spec.ami ?? props.rhcosAmi, "rhcosAmi"),
    ignitionFile: required(props.ignition, "ignition").bootstrapIgnitionFile,
    masterSecurityGroupId: infra.securityGroups.masterSecurityGroupId,
    targetGroups: infra.loadBalancers.controlPlaneTargetGroups,
    instanceType: spec.instanceType,
    allowedCidrs: spec.allowedCidrs,
    publish: props.publish,
    iamPolicy: props.iam?.policy,
    permissionsBoundaryArn: props.iam?.permissionsBoundaryArn,
    ignitionKmsKeyArn: spec.ignitionKmsKeyArn,
    rootVolume: spec.rootVolume,
    publicIpv4Pool: props.publicIpv4Pool,
    iamInstanceProfile: spec.iamInstanceProfile,
    additionalSecurityGroupIds: spec.additionalSecurityGroupIds,
    httpsIgnition: bootstrapFetchesOverHttps(props.region, props.s3Endpoint?.url) ? { endpoint: props.s3Endpoint?.url, pathStyle: props.s3Endpoint?.pathStyle } : undefined,
  });
}

/** Control plane and compute (05 and 06), and the legacy etcd records when asked. */
export function addMachines(scope: Construct, props: OpenShiftUpiClusterProps, infra: ClusterInfra): { controlPlane: NodePool; compute: NodePool } {
  const pool = (role: "master" | "worker", spec: MachinePoolProps = {}) => {
    const replicas = spec.replicas ?? (role === "master" ? DEFAULT_CONTROL_PLANE_REPLICAS : DEFAULT_COMPUTE_REPLICAS);
    const id = role === "master" ? "control-plane" : "compute";
    // Read where it is used, so a missing profile stops this stack's plan before any launch.
    const ownProfile =
      spec.iamInstanceProfile && replicas
        ? new ExistingInstanceProfile(scope, `${id}-existing-profile`, {
            name: spec.iamInstanceProfile,
            field: `machines.${role === "master" ? "controlPlane" : "compute"}.iamInstanceProfile`,
          }).instanceProfileName
        : undefined;
    return new NodePool(scope, id, {
      role,
      infraId: props.infraId,
      clusterDomain: infra.dns.clusterDomain,
      ami: replicas ? required(spec.ami ?? props.rhcosAmi, "rhcosAmi") : "",
      caSource: replicas ? required(props.ignition, "ignition")[role === "master" ? "masterCa" : "workerCa"] : "",
      subnetIds: infra.network.privateSubnetIds,
      replicas,
      instanceType: spec.instanceType,
      rootVolume: spec.rootVolume,
      securityGroupId: role === "master" ? infra.securityGroups.masterSecurityGroupId : infra.securityGroups.workerSecurityGroupId,
      additionalSecurityGroupIds: spec.additionalSecurityGroupIds,
      instanceProfileName: ownProfile ?? (role === "master" ? infra.masterInstanceProfileName : infra.workerInstanceProfileName),
      targetGroups: role === "master" ? infra.loadBalancers.controlPlaneTargetGroups : undefined,
    });
  };
  const controlPlane = pool("master", props.controlPlane);
  const compute = pool("worker", props.compute);

  if (props.dns?.etcdRecords && controlPlane.machines.length) {
    // OpenShift 4.3 and older find etcd members through these.
    const zoneId = infra.dns.privateZoneId;
    const domain = infra.dns.clusterDomain;
    const provider = privateZoneProvider(scope, props.dns?.hostedZoneRoleArn, props.region);
    controlPlane.privateIps.forEach((ip, i) => new Route53Record(scope, `etcd-${i}`, { zoneId, name: `etcd-${i}.${domain}`, type: "A", ttl: 60, records: [ip], provider }));
    new Route53Record(scope, "etcd-srv", {
      provider,
      zoneId,
      name: `_etcd-server-ssl._tcp.${domain}`,
      type: "SRV",
      ttl: 60,
      records: controlPlane.privateIps.map((_, i) => `0 10 2380 etcd-${i}.${domain}`),
    });
  }
  return { controlPlane, compute };
}

/** Day 2: the `*.apps` records; nothing until the router's hostname is known. */
export function addIngress(scope: Construct, props: OpenShiftUpiClusterProps, infra: ClusterInfra): AppsIngress | undefined {
  if (!props.ingress) return undefined;
  return new AppsIngress(scope, "apps", {
    clusterDomain: infra.dns.clusterDomain,
    privateZoneId: infra.dns.privateZoneId,
    publicZoneId: (props.publish ?? DEFAULT_PUBLISH) === "External" ? infra.dns.publicZoneId : undefined,
    routerLoadBalancerHostname: props.ingress.routerLoadBalancerHostname,
    loadBalancerType: props.ingress.loadBalancerType,
    region: props.region,
    recordType: props.dns?.recordType,
    hostedZoneRoleArn: props.dns?.hostedZoneRoleArn,
  });
}
