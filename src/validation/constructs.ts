import type { OpenShiftUpiClusterProps } from "../cluster/parts";
import {
  DEFAULT_AVAILABILITY_ZONE_COUNT,
  DEFAULT_BOOTSTRAP_ENABLED,
  DEFAULT_COMPUTE_REPLICAS,
  DEFAULT_CONTROL_PLANE_REPLICAS,
  DEFAULT_NAT_GATEWAYS,
  DEFAULT_PUBLISH,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  DEFAULT_ROOT_VOLUME_TYPE,
  DEFAULT_SUBNET_BITS,
  DEFAULT_VPC_CIDR,
  DEFAULT_VPC_ENDPOINTS,
  IAM_POLICY_MODES,
  NAT_GATEWAY_MODES,
  PUBLISH_MODES,
  RECORD_TYPES,
  ROUTER_LOAD_BALANCER_TYPES,
  VPC_ENDPOINT_SERVICES,
} from "../defaults";
import type { AppsIngressProps } from "../dns/apps-ingress";
import type { ClusterDnsProps } from "../dns/cluster-dns";
import type { ApiLoadBalancersProps } from "../loadbalancing/api-load-balancers";
import type { BootstrapNodeProps } from "../machines/bootstrap";
import { machineConfigUrl, nodePointer } from "../machines/ignition";
import type { MachineProps } from "../machines/machine";
import type { NodePoolProps } from "../machines/node-pool";
import type { ExistingNetworkProps } from "../network/existing-network";
import type { ClusterNetworkProps } from "../network/network";
import type { INetwork } from "../network/types";
import type { MachineRoleProps } from "../security/iam";
import type { ClusterSecurityGroupsProps } from "../security/security-groups";
import {
  amiIdProblem,
  hostedZoneIdProblem,
  iamPolicyArnProblem,
  instanceTypeProblem,
  kmsKeyArnProblem,
  loadBalancerHostnameProblem,
  regionProblem,
  subnetIdProblem,
  vpcIdProblem,
} from "./aws";
import { rootVolumeProblems, replicasProblem, userDataProblem } from "./machines";
import { baseDomainProblem, clusterNameProblem, iamNameProblem, IAM_PROFILE_NAME_MAX, infraIdProblem } from "./names";
import {
  allowedCidrsProblems,
  AVAILABILITY_ZONES_MAX,
  availabilityZonesProblems,
  duplicateProblems,
  subnetBitsProblem,
  subnetsFitProblem,
  vpcCidrProblem,
} from "./network";
import { edgeZonesProblems, publicIpv4PoolIdProblem } from "./edge";
import { echo, isToken, Problems, PropProblem } from "./problems";
import { iamRoleArnProblem } from "./aws";
import { needsRhcosAmi, OWN_SECURITY_GROUPS, poolOverridesProblems, privateOnlyProblems, restrictedAccountProblems, zoneProblems } from "./restricted";

/**
 * What each public construct checks in its constructor, as pure functions of its props. The
 * cluster file's validation runs the same functions (through checkClusterProps) and maps the
 * props' paths to the file's fields.
 */

const oneOf = (values: readonly string[], value: unknown) =>
  values.includes(value as string) ? undefined : `must be one of ${values.join(", ")} (got ${echo(value)})`;

const required = (value: unknown, what = "is required") => (value === undefined || value === null || value === "" ? what : undefined);

const ROOT_VOLUME_DEFAULTS = { sizeGiB: DEFAULT_ROOT_VOLUME_SIZE_GIB, type: DEFAULT_ROOT_VOLUME_TYPE };

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

/** The new VPC's own props (ClusterNetwork without infraId and region). */
function vpcProblems(props: Omit<ClusterNetworkProps, "infraId" | "region">, region: unknown): PropProblem[] {
  const p = new Problems();
  const cidr = props.vpcCidr ?? DEFAULT_VPC_CIDR;
  const bits = props.subnetBits ?? DEFAULT_SUBNET_BITS;
  const zones = props.availabilityZones ?? DEFAULT_AVAILABILITY_ZONE_COUNT;
  p.add(["vpcCidr"], vpcCidrProblem(cidr));
  p.add(["subnetBits"], subnetBitsProblem(bits));
  const zoneProblems = availabilityZonesProblems(zones, typeof region === "string" ? region : undefined);
  p.addAll(["availabilityZones"], zoneProblems);
  if (!p.list.length) p.add(["vpcCidr"], subnetsFitProblem(cidr, bits, typeof zones === "number" ? zones : zones.length));
  if (props.edgeZones !== undefined) {
    const vpc = p.list.length ? undefined : { vpcCidr: cidr, subnetBits: bits, zoneCount: typeof zones === "number" ? zones : zones.length };
    p.addAll(["edgeZones"], edgeZonesProblems(props.edgeZones, typeof region === "string" ? region : undefined, vpc));
  }
  if (props.publicIpv4Pool !== undefined) p.add(["publicIpv4Pool"], publicIpv4PoolIdProblem(props.publicIpv4Pool));
  p.add(["natGateways"], oneOf(NAT_GATEWAY_MODES, props.natGateways ?? DEFAULT_NAT_GATEWAYS));
  if (props.networkAcl !== undefined && typeof props.networkAcl !== "boolean") p.add(["networkAcl"], `must be true or false (got ${echo(props.networkAcl)})`);
  const endpoints = props.vpcEndpoints ?? DEFAULT_VPC_ENDPOINTS;
  if (!Array.isArray(endpoints)) p.add(["vpcEndpoints"], `must be a list of ${VPC_ENDPOINT_SERVICES.join(", ")} (got ${echo(endpoints)})`);
  else {
    endpoints.forEach((e, i) => p.add(["vpcEndpoints", i], oneOf(VPC_ENDPOINT_SERVICES, e)));
    p.addAll(["vpcEndpoints"], duplicateProblems(endpoints));
  }
  return p.list;
}

/** The user's VPC (ExistingNetwork without infraId). */
function existingVpcProblems(props: Omit<ExistingNetworkProps, "infraId">): PropProblem[] {
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

export function checkClusterNetworkProps(props: ClusterNetworkProps): PropProblem[] {
  return new Problems()
    .add(["infraId"], infraIdProblem(props.infraId))
    .add(["region"], regionProblem(props.region))
    .addAll([], vpcProblems(props, props.region))
    .addAll([], privateOnlyProblems(props, props.publish ?? DEFAULT_PUBLISH)).list;
}

export function checkExistingNetworkProps(props: ExistingNetworkProps): PropProblem[] {
  return new Problems().add(["infraId"], infraIdProblem(props.infraId)).addAll([], existingVpcProblems(props)).list;
}

/** A network's subnets: public ones are needed where something internet-facing goes. */
function networkProblems(network: INetwork | undefined, needsPublic: boolean): PropProblem[] {
  if (!network) return [{ prop: [], message: "is required" }];
  const p = new Problems();
  const empty = (list: unknown) => !isToken(list) && Array.isArray(list) && list.length === 0;
  if (empty(network.privateSubnetIds)) p.add(["privateSubnetIds"], "must hold at least one subnet");
  if (needsPublic && empty(network.publicSubnetIds)) {
    p.add(["publicSubnetIds"], "must hold at least one subnet with publish: External (the internet-facing parts live there)");
  }
  return p.list;
}

export function checkApiLoadBalancersProps(props: ApiLoadBalancersProps): PropProblem[] {
  const publish = props.publish ?? DEFAULT_PUBLISH;
  return new Problems()
    .add(["infraId"], infraIdProblem(props.infraId))
    .add(["publish"], oneOf(PUBLISH_MODES, publish))
    .addAll(["network"], networkProblems(props.network, publish === "External"))
    .add(["publicIpv4Pool"], props.publicIpv4Pool === undefined ? undefined : publicIpv4PoolIdProblem(props.publicIpv4Pool)).list;
}

export function checkClusterDnsProps(props: ClusterDnsProps): PropProblem[] {
  const p = new Problems()
    .add(["clusterName"], clusterNameProblem(props.clusterName))
    .add(["baseDomain"], baseDomainProblem(props.baseDomain, typeof props.clusterName === "string" ? props.clusterName : undefined))
    .add(["infraId"], infraIdProblem(props.infraId))
    .add(["vpcId"], required(props.vpcId));
  if (props.publicHostedZoneId !== undefined && !isToken(props.publicHostedZoneId)) p.add(["publicHostedZoneId"], hostedZoneIdProblem(props.publicHostedZoneId));
  if (props.recordType !== undefined) p.add(["recordType"], oneOf(RECORD_TYPES, props.recordType));
  return p.addAll([], zoneProblems(props, typeof props.region === "string" && !regionProblem(props.region) ? props.region : undefined)).list;
}

export function checkClusterSecurityGroupsProps(props: ClusterSecurityGroupsProps): PropProblem[] {
  return new Problems().add(["infraId"], infraIdProblem(props.infraId)).addAll(["network"], networkProblems(props.network, false)).list;
}

/** IAM's limit on a role's inline policies, in characters. */
const INLINE_POLICY_MAX = 10240;

export function checkMachineRoleProps(props: MachineRoleProps): PropProblem[] {
  const p = new Problems().add(["name"], iamNameProblem(props.name, "-role") ?? iamNameProblem(props.name, "-profile", IAM_PROFILE_NAME_MAX));
  if (!Array.isArray(props.statements) || props.statements.length === 0) p.add(["statements"], "must hold at least one statement");
  else {
    const length = JSON.stringify({ Version: "2012-10-17", Statement: props.statements }).length;
    if (length > INLINE_POLICY_MAX) p.add(["statements"], `make a policy of ${length} characters; IAM allows ${INLINE_POLICY_MAX} for a role's inline policies`);
  }
  if (props.permissionsBoundaryArn !== undefined && !isToken(props.permissionsBoundaryArn)) {
    p.add(["permissionsBoundaryArn"], iamPolicyArnProblem(props.permissionsBoundaryArn));
  }
  return p.list;
}

/** The bootstrap node's own settings, shared by BootstrapNode and the cluster's `bootstrap` props. */
function bootstrapSettingsProblems(
  props: {
    instanceType?: unknown;
    allowedCidrs?: readonly unknown[];
    ignitionKmsKeyArn?: unknown;
    rootVolume?: object;
    iamInstanceProfile?: unknown;
    additionalSecurityGroupIds?: unknown;
  },
  region?: string,
): PropProblem[] {
  const p = new Problems().addAll([], poolOverridesProblems(props, OWN_SECURITY_GROUPS.bootstrap, "the bootstrap node"));
  if (props.instanceType !== undefined) p.add(["instanceType"], instanceTypeProblem(props.instanceType));
  if (props.allowedCidrs !== undefined) {
    if (!Array.isArray(props.allowedCidrs)) p.add(["allowedCidrs"], `must be a list of CIDRs (got ${echo(props.allowedCidrs)})`);
    else p.addAll(["allowedCidrs"], allowedCidrsProblems(props.allowedCidrs));
  }
  if (props.ignitionKmsKeyArn !== undefined && !isToken(props.ignitionKmsKeyArn)) p.add(["ignitionKmsKeyArn"], kmsKeyArnProblem(props.ignitionKmsKeyArn, region));
  p.addAll(["rootVolume"], rootVolumeProblems(props.rootVolume ?? {}, ROOT_VOLUME_DEFAULTS, region));
  return p.list;
}

export function checkBootstrapNodeProps(props: BootstrapNodeProps): PropProblem[] {
  const publish = props.publish ?? DEFAULT_PUBLISH;
  const p = new Problems()
    .add(["infraId"], infraIdProblem(props.infraId))
    .add(["publish"], oneOf(PUBLISH_MODES, publish))
    .add(["ignitionFile"], required(props.ignitionFile))
    .addAll(["network"], networkProblems(props.network, publish === "External"));
  if (!isToken(props.ami)) p.add(["ami"], amiIdProblem(props.ami));
  if (props.publicIpv4Pool !== undefined) p.add(["publicIpv4Pool"], publicIpv4PoolIdProblem(props.publicIpv4Pool));
  if (props.iamPolicy !== undefined) p.add(["iamPolicy"], oneOf(IAM_POLICY_MODES, props.iamPolicy));
  if (props.permissionsBoundaryArn !== undefined && !isToken(props.permissionsBoundaryArn)) {
    p.add(["permissionsBoundaryArn"], iamPolicyArnProblem(props.permissionsBoundaryArn));
  }
  return p.addAll([], bootstrapSettingsProblems(props)).list;
}

/** A pool's own settings, shared by NodePool and the cluster's `controlPlane`/`compute` props. */
function poolSettingsProblems(
  role: "master" | "worker",
  props: { replicas?: unknown; instanceType?: unknown; rootVolume?: object; iamInstanceProfile?: unknown; additionalSecurityGroupIds?: unknown },
  region?: string,
): PropProblem[] {
  const replicas = props.replicas ?? (role === "master" ? DEFAULT_CONTROL_PLANE_REPLICAS : DEFAULT_COMPUTE_REPLICAS);
  const p = new Problems().add(["replicas"], replicasProblem(role, replicas)).addAll([], poolOverridesProblems(props, OWN_SECURITY_GROUPS[role], role === "master" ? "control-plane machines" : "compute machines"));
  if (props.instanceType !== undefined) p.add(["instanceType"], instanceTypeProblem(props.instanceType));
  return p.addAll(["rootVolume"], rootVolumeProblems(props.rootVolume ?? {}, ROOT_VOLUME_DEFAULTS, region)).list;
}

/** The pointer config a pool's machines get: the CA is in it, so a large CA can push it over 16 KB. */
const poolUserDataProblem = (clusterDomain: string, role: "master" | "worker", caSource: string) =>
  userDataProblem(nodePointer(machineConfigUrl(clusterDomain, role), caSource));

export function checkNodePoolProps(props: NodePoolProps): PropProblem[] {
  const p = new Problems().add(["role"], oneOf(["master", "worker"], props.role));
  if (p.list.length) return p.list;
  p.add(["infraId"], infraIdProblem(props.infraId)).add(["clusterDomain"], required(props.clusterDomain));
  p.addAll([], poolSettingsProblems(props.role, props));
  const replicas = props.replicas ?? 1;
  if (typeof replicas === "number" && replicas > 0) {
    if (!isToken(props.ami)) p.add(["ami"], amiIdProblem(props.ami));
    p.add(["caSource"], required(props.caSource, "is required when the pool has machines (the cluster CA from master.ign or worker.ign)"));
    if (!isToken(props.subnetIds) && (!Array.isArray(props.subnetIds) || props.subnetIds.length === 0)) p.add(["subnetIds"], "must hold at least one subnet");
    if (typeof props.caSource === "string" && typeof props.clusterDomain === "string") {
      p.add(["caSource"], poolUserDataProblem(props.clusterDomain, props.role, props.caSource));
    }
  }
  return p.list;
}

/** Name tags are at most 256 characters. */
const NAME_TAG_MAX = 256;

export function checkMachineProps(props: MachineProps): PropProblem[] {
  const p = new Problems();
  if (typeof props.name !== "string" || !props.name || props.name.length > NAME_TAG_MAX) {
    p.add(["name"], `must be 1 to ${NAME_TAG_MAX} characters (its Name tag) (got ${echo(props.name)})`);
  }
  p.add(["infraId"], infraIdProblem(props.infraId));
  if (!isToken(props.ami)) p.add(["ami"], amiIdProblem(props.ami));
  p.add(["instanceType"], instanceTypeProblem(props.instanceType));
  p.add(["subnetId"], required(props.subnetId));
  p.add(["instanceProfileName"], required(props.instanceProfileName));
  if (!isToken(props.securityGroupIds) && (!Array.isArray(props.securityGroupIds) || props.securityGroupIds.length === 0)) {
    p.add(["securityGroupIds"], "must hold at least one security group");
  }
  if (typeof props.userData === "string") p.add(["userData"], userDataProblem(props.userData));
  return p.addAll(["rootVolume"], rootVolumeProblems(props.rootVolume ?? {}, ROOT_VOLUME_DEFAULTS)).list;
}

export function checkAppsIngressProps(props: AppsIngressProps): PropProblem[] {
  const p = new Problems().add(["clusterDomain"], required(props.clusterDomain)).add(["privateZoneId"], required(props.privateZoneId));
  if (!isToken(props.routerLoadBalancerHostname)) p.add(["routerLoadBalancerHostname"], loadBalancerHostnameProblem(props.routerLoadBalancerHostname));
  if (props.loadBalancerType !== undefined) p.add(["loadBalancerType"], oneOf(ROUTER_LOAD_BALANCER_TYPES, props.loadBalancerType));
  if (props.recordType !== undefined) p.add(["recordType"], oneOf(RECORD_TYPES, props.recordType));
  if (props.hostedZoneRoleArn !== undefined && !isToken(props.hostedZoneRoleArn)) p.add(["hostedZoneRoleArn"], iamRoleArnProblem(props.hostedZoneRoleArn));
  return p.list;
}

/** Whether the props create any machine (and so need the AMI and the Ignition assets). */
export function createsMachines(props: OpenShiftUpiClusterProps): boolean {
  const bootstrap = props.bootstrap?.enabled ?? DEFAULT_BOOTSTRAP_ENABLED;
  const controlPlane = props.controlPlane?.replicas ?? DEFAULT_CONTROL_PLANE_REPLICAS;
  const compute = props.compute?.replicas ?? DEFAULT_COMPUTE_REPLICAS;
  return bootstrap || controlPlane > 0 || compute > 0;
}

/** Everything OpenShiftUpiCluster checks: each part's settings, and the rules that span parts. */
export function checkClusterProps(props: OpenShiftUpiClusterProps): PropProblem[] {
  const p = new Problems();
  const { clusterName, baseDomain, infraId, region } = props;
  const regionOk = !regionProblem(region);
  const knownRegion = regionOk ? region : undefined;
  p.add(["clusterName"], required(clusterName) ?? clusterNameProblem(clusterName));
  p.add(["baseDomain"], required(baseDomain) ?? baseDomainProblem(baseDomain, clusterNameProblem(clusterName) ? undefined : clusterName));
  p.add(["infraId"], required(infraId) ?? infraIdProblem(infraId));
  p.add(["region"], required(region) ?? regionProblem(region));
  const publish = props.publish ?? DEFAULT_PUBLISH;
  p.add(["publish"], oneOf(PUBLISH_MODES, publish));

  const network = props.network ?? {};
  const existing = "existing" in network ? network.existing : undefined;
  if (existing) {
    p.addAll(["network", "existing"], existingVpcProblems(existing));
    if (publish === "External" && Array.isArray(existing.publicSubnetIds) && existing.publicSubnetIds.length === 0) {
      p.add(["network", "existing", "publicSubnetIds"], "is required with publish: External (the external API load balancer lives there)");
    }
  } else {
    p.addAll(["network"], vpcProblems(network as Omit<ClusterNetworkProps, "infraId" | "region">, knownRegion));
    p.addAll(["network"], privateOnlyProblems(network as Omit<ClusterNetworkProps, "infraId" | "region">, publish));
  }

  if (props.publicIpv4Pool !== undefined) {
    p.add(["publicIpv4Pool"], publicIpv4PoolIdProblem(props.publicIpv4Pool) ?? (publish === "External" ? undefined : "needs publish: External (only public addresses come from the pool)"));
  }

  const dns = props.dns ?? {};
  if (dns.publicHostedZoneId !== undefined) p.add(["dns", "publicHostedZoneId"], hostedZoneIdProblem(dns.publicHostedZoneId));
  if (dns.recordType !== undefined) p.add(["dns", "recordType"], oneOf(RECORD_TYPES, dns.recordType));
  p.addAll(["dns"], zoneProblems(dns, knownRegion));
  if (props.iam?.policy !== undefined) p.add(["iam", "policy"], oneOf(IAM_POLICY_MODES, props.iam.policy));
  if (props.iam?.permissionsBoundaryArn !== undefined) {
    p.add(["iam", "permissionsBoundaryArn"], iamPolicyArnProblem(props.iam.permissionsBoundaryArn, knownRegion));
  }

  const bootstrapEnabled = props.bootstrap?.enabled ?? DEFAULT_BOOTSTRAP_ENABLED;
  p.addAll(["bootstrap"], bootstrapSettingsProblems(props.bootstrap ?? {}, knownRegion));
  p.addAll(["controlPlane"], poolSettingsProblems("master", props.controlPlane ?? {}, knownRegion));
  p.addAll(["compute"], poolSettingsProblems("worker", props.compute ?? {}, knownRegion));

  // A pool with an AMI of its own needs no rhcosAmi.
  if (createsMachines(props) && needsRhcosAmi(props)) {
    p.add(
      ["rhcosAmi"],
      required(
        props.rhcosAmi,
        `is required when machines are created; get it with: openshift-install coreos print-stream-json | jq -r '.architectures.x86_64.images.aws.regions["${knownRegion ?? "<region>"}"].image'`,
      ) ?? amiIdProblem(props.rhcosAmi),
    );
  } else if (props.rhcosAmi !== undefined) {
    p.add(["rhcosAmi"], amiIdProblem(props.rhcosAmi));
  }
  if (createsMachines(props)) {
    p.add(["ignition"], required(props.ignition, "is required when machines are created (bootstrap.ign and the CAs of master.ign and worker.ign)"));
  }
  if (props.ignition && typeof clusterName === "string" && typeof baseDomain === "string") {
    const domain = `${clusterName}.${baseDomain}`;
    for (const [pool, role, ca] of [["controlPlane", "master", props.ignition.masterCa], ["compute", "worker", props.ignition.workerCa]] as const) {
      const problem = typeof ca === "string" ? poolUserDataProblem(domain, role, ca) : undefined;
      if (problem) p.add(["ignition", role === "master" ? "masterCa" : "workerCa"], `${problem} for every ${pool} machine; the CA is too large`);
    }
  }

  // A private bootstrap node fetches its Ignition from S3: it needs a route there.
  if (!existing && publish === "Internal" && bootstrapEnabled) {
    const net = network as Omit<ClusterNetworkProps, "infraId" | "region">;
    const endpoints = net.vpcEndpoints ?? DEFAULT_VPC_ENDPOINTS;
    // With network.ownEgress, your own transit reaches S3.
    const nat = net.natGateways ?? (net.internetGateway === false ? "none" : DEFAULT_NAT_GATEWAYS);
    if (nat === "none" && net.ownEgress !== true && Array.isArray(endpoints) && !endpoints.includes("s3")) {
      p.add(
        ["network", "vpcEndpoints"],
        "must include s3 with publish: Internal and natGateways: none: the bootstrap node, in a private subnet, fetches its Ignition from S3 and has no other way there",
      );
    }
  }

  p.addAll([], restrictedAccountProblems(props));

  if (props.ingress) {
    p.add(["ingress", "routerLoadBalancerHostname"], loadBalancerHostnameProblem(props.ingress.routerLoadBalancerHostname));
    if (props.ingress.loadBalancerType !== undefined) p.add(["ingress", "loadBalancerType"], oneOf(ROUTER_LOAD_BALANCER_TYPES, props.ingress.loadBalancerType));
  }
  return p.list;
}
