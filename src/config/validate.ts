import { echo } from "./errors";
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
    if (!c.machines.rhcosAmi) {
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

  const backend = c.backend;
  if (backend.type === "s3" && !backend.s3) add(["backend", "s3"], "is required with backend.type: s3 (at least bucket)");
  if (backend.type === "cloud" && !backend.cloud) add(["backend", "cloud"], "is required with backend.type: cloud (at least organization)");
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
