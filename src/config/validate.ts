import { echo } from "./errors";
import { cnameOnlyRegion } from "../aws/partition";
import { GP3_BASELINE_IOPS, GP3_THROUGHPUT_RANGE, PRIVATE_ONLY_VPC_ENDPOINTS, SECURITY_GROUPS_PER_INTERFACE } from "../defaults";
import { bootstrapFetchesOverHttps } from "../machines/ignition";
import { RULE_IDS } from "../policy/rules";
import { overlaps, parseBlock } from "./cidr";
import type { InstallAssets } from "./install-dir";
import type { ParsedCluster } from "./schema";

/** A rule broken by one cluster: the field path (relative to the cluster) and what is wrong. */
export interface Finding {
  readonly path: (string | number)[];
  readonly message: string;
}

type Candidate = ParsedCluster & {
  clusterName?: string;
  infraId?: string;
  region?: string;
  baseDomain?: string;
  assets?: InstallAssets;
};

/** Rules that span fields or need the installDir assets; shapes are the schema's job. */
export function semanticProblems(c: Candidate): Finding[] {
  const out: Finding[] = [];
  const add = (path: Finding["path"], message: string) => out.push({ path, message });

  for (const field of ["clusterName", "infraId", "region", "baseDomain"] as const) {
    if (!c[field]) add([field], "is required (or give installDir, where it is read from openshift-install's assets)");
  }

  const net = c.network;
  const vpc = parseBlock(net.vpcCidr);
  if (!vpc) {
    add(["network", "vpcCidr"], `must be a valid IPv4 CIDR (got ${echo(net.vpcCidr)})`);
  } else if (!net.existingVpc) {
    if (vpc.prefix < 16 || vpc.prefix > 24) {
      add(["network", "vpcCidr"], `prefix must be /16 to /24 (got ${echo(net.vpcCidr)})`);
    } else if (vpc.hostBitsSet) {
      add(["network", "vpcCidr"], `has host bits set (got ${echo(net.vpcCidr)}); use the network address`);
    } else if (32 - net.subnetBits - vpc.prefix < 3) {
      // Six blocks (3 public, 3 private) need at least 3 more prefix bits than the VPC.
      add(
        ["network", "vpcCidr"],
        `${net.vpcCidr} cannot hold six subnets of network.subnetBits ${net.subnetBits} (/${32 - net.subnetBits}); use a /${29 - net.subnetBits} or larger VPC, or subnetBits ${29 - vpc.prefix} or less`,
      );
    }
  }

  const zones = net.availabilityZones;
  if (Array.isArray(zones)) {
    zones.forEach((az, i) => {
      if (c.region && !new RegExp(`^${c.region}[a-z]$`).test(az)) {
        add(["network", "availabilityZones", i], `${echo(az)} is not an availability zone of region ${c.region}`);
      }
      if (zones.indexOf(az) !== i) add(["network", "availabilityZones", i], `${echo(az)} is listed twice`);
    });
  }
  if (net.existingVpc && net.existingVpc.publicSubnetIds.length === 0 && c.publish === "External") {
    add(["network", "existingVpc", "publicSubnetIds"], "is required with publish: External (the external API load balancer lives there)");
  }

  c.machines.bootstrap.allowedCidrs.forEach((cidr, i) => {
    if (!parseBlock(cidr)) add(["machines", "bootstrap", "allowedCidrs", i], `must be a valid IPv4 CIDR (got ${echo(cidr)})`);
    else if (cidr.endsWith("/0")) add(["machines", "bootstrap", "allowedCidrs", i], "must not be the whole internet (0.0.0.0/0); name the admin network");
  });

  const { bootstrap, controlPlane, compute } = c.machines;
  const createsMachines = bootstrap.enabled || controlPlane.replicas > 0 || compute.replicas > 0;
  if (createsMachines) {
    // A pool with its own ami needs no rhcosAmi.
    const withoutAmi = [bootstrap.enabled && !bootstrap.ami, controlPlane.replicas > 0 && !controlPlane.ami, compute.replicas > 0 && !compute.ami];
    if (!c.machines.rhcosAmi && withoutAmi.some(Boolean)) {
      add(
        ["machines", "rhcosAmi"],
        `is required when machines are created; get it with: openshift-install coreos print-stream-json | jq -r '.architectures.x86_64.images.aws.regions["${c.region ?? "<region>"}"].image'`,
      );
    }
    if (!c.assets) add(["installDir"], "is required when machines are created (bootstrap.ign and the CAs of master.ign and worker.ign are read from it)");
  }
  for (const [pool, spec] of [["bootstrap", bootstrap], ["controlPlane", controlPlane], ["compute", compute]] as const) {
    const v = spec.rootVolume;
    if (v.iops !== undefined && v.type === "gp2") add(["machines", pool, "rootVolume", "iops"], "cannot be set for gp2 volumes (use gp3, io1 or io2)");
    if (v.iops === undefined && (v.type === "io1" || v.type === "io2")) add(["machines", pool, "rootVolume", "iops"], `is required for ${v.type} volumes`);
  }

  c.guardrails.acknowledge.forEach((a, i) => {
    if (!RULE_IDS.includes(a.rule)) add(["guardrails", "acknowledge", i, "rule"], `${echo(a.rule)} is not a rule (rules: ${RULE_IDS.join(", ")})`);
  });

  out.push(...restrictedAccountProblems(c));

  const backend = c.backend;
  if (backend.type === "s3" && !backend.s3) add(["backend", "s3"], "is required with backend.type: s3 (at least bucket)");
  if (backend.type === "cloud" && !backend.cloud) add(["backend", "cloud"], "is required with backend.type: cloud (at least organization)");
  return out;
}

type Pool = "bootstrap" | "controlPlane" | "compute";
const POOLS: readonly Pool[] = ["bootstrap", "controlPlane", "compute"];

/** Groups each pool's machines get from the product itself (bootstrap: its own and the master group). */
const OWN_SECURITY_GROUPS: Record<Pool, number> = { bootstrap: 2, controlPlane: 1, compute: 1 };

const poolCreatesMachines = (c: Candidate, pool: Pool) => (pool === "bootstrap" ? c.machines.bootstrap.enabled : c.machines[pool].replicas > 0);

/**
 * Restricted accounts (a private-only VPC, a shared VPC's DNS, your own IAM and security groups,
 * GovCloud and the secret regions): the new fields against each other, the region and the network.
 */
export function restrictedAccountProblems(c: Candidate): Finding[] {
  const out: Finding[] = [];
  const add = (path: Finding["path"], message: string) => out.push({ path, message });
  const { network: net, dns } = c;

  if (!net.internetGateway && !net.existingVpc) {
    if (c.publish === "External") {
      add(["network", "internetGateway"], `false needs publish: Internal: an External cluster's API load balancer and bootstrap node live in public subnets (got publish: ${echo(c.publish)})`);
    }
    if (net.natGateways !== "none") {
      add(["network", "natGateways"], `must be none with network.internetGateway: false, as a NAT gateway needs an internet gateway (got ${echo(net.natGateways)})`);
    }
    const missing = PRIVATE_ONLY_VPC_ENDPOINTS.filter((e) => !net.vpcEndpoints.includes(e));
    if (missing.length && !net.ownEgress) {
      add(
        ["network", "vpcEndpoints"],
        `must include ${PRIVATE_ONLY_VPC_ENDPOINTS.join(", ")} with network.internetGateway: false, the cluster's only way to the AWS APIs (missing ${missing.join(", ")}); or set network.ownEgress: true when your own transit gateway or proxy carries that traffic (got ${echo(net.vpcEndpoints)})`,
      );
    }
  }
  const s3Endpoint = c.aws.serviceEndpoints.s3;
  if (!net.existingVpc && c.machines.bootstrap.enabled && c.region && bootstrapFetchesOverHttps(c.region, s3Endpoint) && !net.vpcEndpoints.includes("s3")) {
    add(
      ["network", "vpcEndpoints"],
      `must include s3 ${s3Endpoint ? "with aws.serviceEndpoints.s3" : `in ${c.region}`}: the bootstrap node fetches its Ignition config over https through the VPC's S3 endpoint (got ${echo(net.vpcEndpoints)})`,
    );
  }

  for (const field of ["privateHostedZoneId", "hostedZoneRoleArn"] as const) {
    if (dns[field] && !net.existingVpc) {
      add(["dns", field], `needs network.existingVpc: an existing private zone must already be associated with the cluster's VPC, and a new VPC gets a zone of its own (got ${echo(dns[field])})`);
    }
  }
  if (dns.hostedZoneRoleArn && !dns.privateHostedZoneId) {
    add(["dns", "hostedZoneRoleArn"], `needs dns.privateHostedZoneId: the role is assumed for the records in that zone (got ${echo(dns.hostedZoneRoleArn)})`);
  }
  if (dns.recordType === "alias" && c.region && cnameOnlyRegion(c.region)) {
    add(["dns", "recordType"], `alias cannot be used in ${c.region}, where Route 53 records to the load balancers are CNAMEs; use auto or cname (got "alias")`);
  }

  for (const pool of POOLS) {
    const spec = c.machines[pool];
    if (spec.iamInstanceProfile && c.iam.permissionsBoundaryArn) {
      add(
        ["machines", pool, "iamInstanceProfile"],
        `cannot be combined with iam.permissionsBoundaryArn: no role is created for this pool, so the boundary would not reach it; put the boundary on your profile's role, or leave one of the two out (got ${echo(spec.iamInstanceProfile)})`,
      );
    }
    const groups = OWN_SECURITY_GROUPS[pool] + spec.additionalSecurityGroupIds.length;
    if (groups > SECURITY_GROUPS_PER_INTERFACE.max) {
      add(
        ["machines", pool, "additionalSecurityGroupIds"],
        `gives ${pool} machines ${groups} security groups (${OWN_SECURITY_GROUPS[pool]} of their own and ${spec.additionalSecurityGroupIds.length} of yours); AWS allows ${SECURITY_GROUPS_PER_INTERFACE.max} per network interface at most`,
      );
    }
    spec.additionalSecurityGroupIds.forEach((id, i) => {
      if (spec.additionalSecurityGroupIds.indexOf(id) !== i) add(["machines", pool, "additionalSecurityGroupIds", i], `${echo(id)} is listed twice`);
    });
    const v = spec.rootVolume;
    if (v.throughput !== undefined) {
      const at = ["machines", pool, "rootVolume", "throughput"];
      const iops = v.iops ?? GP3_BASELINE_IOPS;
      if (v.type !== "gp3") add(at, `can only be set for gp3 volumes (got ${v.throughput} with type ${v.type})`);
      else if (v.throughput < GP3_THROUGHPUT_RANGE.min || v.throughput > GP3_THROUGHPUT_RANGE.max) {
        add(at, `must be ${GP3_THROUGHPUT_RANGE.min} to ${GP3_THROUGHPUT_RANGE.max} MiB/s (got ${v.throughput})`);
      } else if (v.throughput > iops / 4) {
        add(at, `must be at most a quarter of the volume's IOPS (${iops}${v.iops === undefined ? ", the gp3 baseline" : ""}), so ${Math.floor(iops / 4)} MiB/s; raise rootVolume.iops to ${v.throughput * 4} or more (got ${v.throughput})`);
      }
    }
  }
  return out;
}

/**
 * What the product does not control in a restricted account, said at synth: your own instance
 * profiles and security groups are outside the guardrails, and more than AWS's default number of
 * groups per interface needs a raised quota.
 */
export function restrictedAccountWarnings(c: Candidate): Finding[] {
  const out: Finding[] = [];
  for (const pool of POOLS) {
    if (!poolCreatesMachines(c, pool)) continue;
    const spec = c.machines[pool];
    if (spec.iamInstanceProfile) {
      out.push({
        path: ["machines", pool, "iamInstanceProfile"],
        message: `${echo(spec.iamInstanceProfile)} is your own: its role's policies are outside this product's guardrails (UPI-IAM-1 checks only the roles it creates)${
          pool === "bootstrap" && c.machines.bootstrap.ignitionKmsKeyArn ? `; the role also needs kms:Decrypt on ${c.machines.bootstrap.ignitionKmsKeyArn}` : ""
        }`,
      });
    }
    const extra = spec.additionalSecurityGroupIds;
    if (extra.length) {
      out.push({
        path: ["machines", pool, "additionalSecurityGroupIds"],
        message: `${echo(extra)} are your own: their rules are outside this product's guardrails (UPI-SG-1 checks only the groups it creates)`,
      });
    }
    const groups = OWN_SECURITY_GROUPS[pool] + extra.length;
    if (groups > SECURITY_GROUPS_PER_INTERFACE.quota && groups <= SECURITY_GROUPS_PER_INTERFACE.max) {
      out.push({
        path: ["machines", pool, "additionalSecurityGroupIds"],
        message: `gives ${pool} machines ${groups} security groups (${OWN_SECURITY_GROUPS[pool]} of their own and ${extra.length} of yours); AWS allows ${SECURITY_GROUPS_PER_INTERFACE.quota} per network interface unless the account's quota "Security groups per network interface" was raised`,
      });
    }
  }
  return out;
}

/** Fleet rules: names and infra IDs unique (errors), VPC CIDRs apart (warnings). */
export function fleetProblems(clusters: readonly (Candidate | undefined)[]): { errors: Finding[]; warnings: string[] } {
  const errors: Finding[] = [];
  const warnings: string[] = [];
  if (clusters.length < 2) return { errors, warnings };
  for (const field of ["clusterName", "infraId"] as const) {
    const seen = new Map<string, number>();
    clusters.forEach((c, i) => {
      const v = c?.[field];
      if (!v) return;
      const first = seen.get(v);
      if (first === undefined) seen.set(v, i);
      else errors.push({ path: ["clusters", i, field], message: `${echo(v)} is also used by clusters[${first}]; each cluster needs its own` });
    });
  }
  clusters.forEach((a, i) =>
    clusters.slice(i + 1).forEach((b, k) => {
      if (a && b && !a.network.existingVpc && !b.network.existingVpc && overlaps(a.network.vpcCidr, b.network.vpcCidr)) {
        warnings.push(
          `warning: clusters[${i}] (${a.clusterName}) and clusters[${i + 1 + k}] (${b.clusterName}) have overlapping VPC CIDRs ${a.network.vpcCidr} and ${b.network.vpcCidr}: they cannot be peered later`,
        );
      }
    }),
  );
  return { errors, warnings };
}
