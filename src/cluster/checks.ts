import { PropProblem, Problems, required, oneOf, echo, isToken } from "../validation/problems";
import { clusterNameProblem, baseDomainProblem, infraIdProblem } from "../validation/names";
import { publicIpv4PoolIdProblem } from "../validation/edge";
import { regionProblem, hostedZoneIdProblem, iamPolicyArnProblem, amiIdProblem, loadBalancerHostnameProblem } from "../validation/aws";
import { vpcProblems, ClusterNetworkProps, privateOnlyProblems, PrivateOnlyLike } from "../network/network";
import { existingVpcProblems } from "../network/existing-network";
import { poolSettingsProblems, poolUserDataProblem } from "../machines/node-pool";
import { bootstrapFetchesOverHttps } from "../machines/ignition";
import { bootstrapSettingsProblems } from "../machines/bootstrap";
import { zoneProblems } from "../dns/cluster-dns";
import {
  DEFAULT_BOOTSTRAP_ENABLED,
  DEFAULT_CONTROL_PLANE_REPLICAS,
  DEFAULT_COMPUTE_REPLICAS,
  DEFAULT_PUBLISH,
  PUBLISH_MODES,
  RECORD_TYPES,
  IAM_POLICY_MODES,
  DEFAULT_VPC_ENDPOINTS,
  DEFAULT_NAT_GATEWAYS,
  ROUTER_LOAD_BALANCER_TYPES,
} from "../defaults";
import type { OpenShiftUpiClusterProps } from "./parts";

/**
 * OpenShiftUpiCluster's own rules: each part's settings, checked by the functions its construct
 * exports beside itself, and the rules that span parts. The cluster file's validation runs the same
 * (src/cluster-file.ts) and reports them at the file's fields.
 */

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
    p.add(
      ["publicIpv4Pool"],
      publicIpv4PoolIdProblem(props.publicIpv4Pool) ?? (publish === "External" ? undefined : "needs publish: External (only public addresses come from the pool)"),
    );
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
    for (const [pool, role, ca] of [
      ["controlPlane", "master", props.ignition.masterCa],
      ["compute", "worker", props.ignition.workerCa],
    ] as const) {
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

/** The rules that span parts of a cluster in a restricted account. */
export function restrictedAccountProblems(props: OpenShiftUpiClusterProps): PropProblem[] {
  const p = new Problems();
  const network = props.network ?? {};
  const existing = "existing" in network;
  const publish = props.publish ?? DEFAULT_PUBLISH;
  const dns = props.dns ?? {};

  for (const field of ["privateHostedZoneId", "hostedZoneRoleArn"] as const) {
    if (dns[field] !== undefined && !existing) {
      p.add(
        ["dns", field],
        `needs network.existingVpc: an existing private zone must already be associated with the cluster's VPC, and a new VPC gets a zone of its own (got ${echo(dns[field])})`,
      );
    }
  }

  for (const [pool, spec] of [
    ["bootstrap", props.bootstrap],
    ["controlPlane", props.controlPlane],
    ["compute", props.compute],
  ] as const) {
    if (spec?.ami !== undefined && !isToken(spec.ami)) p.add([pool, "ami"], amiIdProblem(spec.ami));
    if (spec?.iamInstanceProfile !== undefined && props.iam?.permissionsBoundaryArn !== undefined) {
      p.add(
        [pool, "iamInstanceProfile"],
        `cannot be combined with iam.permissionsBoundaryArn: no role is created for this pool, so the boundary would not reach it; put the boundary on your profile's role, or leave one of the two out (got ${echo(spec.iamInstanceProfile)})`,
      );
    }
  }

  // An https Ignition source is read through the VPC's S3 endpoint (the bucket policy names the VPC).
  if (!existing && (props.bootstrap?.enabled ?? DEFAULT_BOOTSTRAP_ENABLED) && typeof props.region === "string") {
    const net = network as PrivateOnlyLike & { vpcEndpoints?: readonly unknown[] };
    const endpoints = net.vpcEndpoints ?? DEFAULT_VPC_ENDPOINTS;
    const s3Endpoint = props.s3Endpoint?.url;
    // The cluster-wide check already asks for it where a private bootstrap node has no other way.
    const covered = publish === "Internal" && (net.natGateways ?? (net.internetGateway === false ? "none" : DEFAULT_NAT_GATEWAYS)) === "none" && net.ownEgress !== true;
    if (Array.isArray(endpoints) && !endpoints.includes("s3") && !covered && bootstrapFetchesOverHttps(props.region, s3Endpoint)) {
      p.add(
        ["network", "vpcEndpoints"],
        `must include s3 ${s3Endpoint ? "with aws.serviceEndpoints.s3" : `in ${props.region}`}: the bootstrap node fetches its Ignition config over https through the VPC's S3 endpoint (got ${echo(endpoints)})`,
      );
    }
  }
  return p.list;
}

/** Whether some pool that creates machines has no AMI of its own, so rhcosAmi is needed. */
export function needsRhcosAmi(props: OpenShiftUpiClusterProps): boolean {
  const bootstrap = (props.bootstrap?.enabled ?? DEFAULT_BOOTSTRAP_ENABLED) && props.bootstrap?.ami === undefined;
  const controlPlane = (props.controlPlane?.replicas ?? DEFAULT_CONTROL_PLANE_REPLICAS) > 0 && props.controlPlane?.ami === undefined;
  const compute = (props.compute?.replicas ?? DEFAULT_COMPUTE_REPLICAS) > 0 && props.compute?.ami === undefined;
  return bootstrap || controlPlane || compute;
}
