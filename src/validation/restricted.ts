import type { OpenShiftUpiClusterProps } from "../cluster/parts";
import { cnameOnlyRegion } from "../aws/partition";
import {
  DEFAULT_BOOTSTRAP_ENABLED,
  DEFAULT_COMPUTE_REPLICAS,
  DEFAULT_CONTROL_PLANE_REPLICAS,
  DEFAULT_INTERNET_GATEWAY,
  DEFAULT_NAT_GATEWAYS,
  DEFAULT_PUBLISH,
  DEFAULT_VPC_ENDPOINTS,
  GP3_BASELINE_IOPS,
  GP3_THROUGHPUT_RANGE,
  PRIVATE_ONLY_VPC_ENDPOINTS,
  SECURITY_GROUPS_PER_INTERFACE,
} from "../defaults";
import { bootstrapFetchesOverHttps } from "../machines/ignition";
import { amiIdProblem, hostedZoneIdProblem, iamRoleArnProblem, securityGroupIdProblem } from "./aws";
import { IAM_PROFILE_NAME_MAX, iamNameProblem } from "./names";
import { duplicateProblems } from "./network";
import { echo, isToken, Problems, PropProblem } from "./problems";

/**
 * Restricted accounts (a private-only VPC, a shared VPC's DNS, your own IAM and security groups,
 * GovCloud and the secret regions): the rules on the fields they add, as pure functions of the
 * constructs' props. The cluster file's fields are named in the messages.
 */

/** Groups each pool's machines get from the product itself (bootstrap: its own and the master group). */
export const OWN_SECURITY_GROUPS = { bootstrap: 2, master: 1, worker: 1 } as const;

/** What a pool brings of its own: an instance profile, extra security groups (its AMI is checked with the cluster). */
export function poolOverridesProblems(
  props: { iamInstanceProfile?: unknown; additionalSecurityGroupIds?: unknown },
  ownGroups: number,
  machines = "the machines",
): PropProblem[] {
  const p = new Problems();
  if (props.iamInstanceProfile !== undefined && !isToken(props.iamInstanceProfile)) {
    p.add(["iamInstanceProfile"], iamNameProblem(props.iamInstanceProfile, "", IAM_PROFILE_NAME_MAX));
  }
  const groups = props.additionalSecurityGroupIds;
  if (groups === undefined || isToken(groups)) return p.list;
  if (!Array.isArray(groups)) return p.add(["additionalSecurityGroupIds"], `must be a list of security group ids (got ${echo(groups)})`).list;
  groups.forEach((id, i) => p.add(["additionalSecurityGroupIds", i], isToken(id) ? undefined : securityGroupIdProblem(id)));
  p.addAll(["additionalSecurityGroupIds"], duplicateProblems(groups));
  const total = ownGroups + groups.length;
  if (total > SECURITY_GROUPS_PER_INTERFACE.max) {
    p.add(
      ["additionalSecurityGroupIds"],
      `gives ${machines} ${total} security groups (${ownGroups} of their own and ${groups.length} of yours); AWS allows ${SECURITY_GROUPS_PER_INTERFACE.max} per network interface at most`,
    );
  }
  return p.list;
}

/** gp3 throughput: gp3 only, within AWS's range, and at most a quarter of the volume's IOPS. */
export function throughputProblem(volume: { type?: unknown; iops?: unknown; throughput?: unknown }, type: unknown): string | undefined {
  const t = volume.throughput;
  if (t === undefined || t === null || isToken(t)) return undefined;
  if (type !== "gp3") return `can only be set for gp3 volumes (got ${echo(t)} with type ${echo(type)})`;
  const { min, max } = GP3_THROUGHPUT_RANGE;
  if (!Number.isInteger(t) || (t as number) < min || (t as number) > max) return `must be a whole number from ${min} to ${max} MiB/s (got ${echo(t)})`;
  const iops = typeof volume.iops === "number" ? volume.iops : GP3_BASELINE_IOPS;
  if ((t as number) > iops / 4) {
    return `must be at most a quarter of the volume's IOPS (${iops}${volume.iops === undefined || volume.iops === null ? ", the gp3 baseline" : ""}), so ${Math.floor(iops / 4)} MiB/s; raise rootVolume.iops to ${(t as number) * 4} or more (got ${t})`;
  }
  return undefined;
}

export interface PrivateOnlyLike {
  readonly internetGateway?: unknown;
  readonly ownEgress?: unknown;
  readonly natGateways?: unknown;
  readonly vpcEndpoints?: unknown;
}

/** A new VPC without an internet gateway: Internal, no NAT, and a way to AWS. */
export function privateOnlyProblems(net: PrivateOnlyLike, publish: unknown): PropProblem[] {
  const p = new Problems();
  for (const flag of ["internetGateway", "ownEgress"] as const) {
    if (net[flag] !== undefined && typeof net[flag] !== "boolean") p.add([flag], `must be true or false (got ${echo(net[flag])})`);
  }
  if ((net.internetGateway ?? DEFAULT_INTERNET_GATEWAY) !== false) return p.list;
  if (publish !== "Internal") {
    p.add(["internetGateway"], `false needs publish: Internal: an External cluster's API load balancer and bootstrap node live in public subnets (got publish: ${echo(publish)})`);
  }
  if (net.natGateways !== undefined && net.natGateways !== "none") {
    p.add(["natGateways"], `must be none with network.internetGateway: false, as a NAT gateway needs an internet gateway (got ${echo(net.natGateways)})`);
  }
  const endpoints = net.vpcEndpoints ?? DEFAULT_VPC_ENDPOINTS;
  if (Array.isArray(endpoints) && net.ownEgress !== true) {
    const missing = PRIVATE_ONLY_VPC_ENDPOINTS.filter((e) => !endpoints.includes(e));
    if (missing.length) {
      p.add(
        ["vpcEndpoints"],
        `must include ${PRIVATE_ONLY_VPC_ENDPOINTS.join(", ")} with network.internetGateway: false, the cluster's only way to the AWS APIs (missing ${missing.join(", ")}); or set network.ownEgress: true when your own transit gateway or proxy carries that traffic (got ${echo(endpoints)})`,
      );
    }
  }
  return p.list;
}

/** An existing private zone, the role its records are written with, and the record type for the region. */
export function zoneProblems(dns: { privateHostedZoneId?: unknown; hostedZoneRoleArn?: unknown; recordType?: unknown }, region?: string): PropProblem[] {
  const p = new Problems();
  if (dns.privateHostedZoneId !== undefined && !isToken(dns.privateHostedZoneId)) p.add(["privateHostedZoneId"], hostedZoneIdProblem(dns.privateHostedZoneId));
  if (dns.hostedZoneRoleArn !== undefined && !isToken(dns.hostedZoneRoleArn)) {
    p.add(
      ["hostedZoneRoleArn"],
      iamRoleArnProblem(dns.hostedZoneRoleArn, region) ??
        (dns.privateHostedZoneId === undefined ? `needs dns.privateHostedZoneId: the role is assumed for the records in that zone (got ${echo(dns.hostedZoneRoleArn)})` : undefined),
    );
  }
  if (dns.recordType === "alias" && region && cnameOnlyRegion(region)) {
    p.add(["recordType"], `alias cannot be used in ${region}, where Route 53 records to the load balancers are CNAMEs; use auto or cname (got "alias")`);
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
      p.add(["dns", field], `needs network.existingVpc: an existing private zone must already be associated with the cluster's VPC, and a new VPC gets a zone of its own (got ${echo(dns[field])})`);
    }
  }

  for (const [pool, spec] of [["bootstrap", props.bootstrap], ["controlPlane", props.controlPlane], ["compute", props.compute]] as const) {
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
