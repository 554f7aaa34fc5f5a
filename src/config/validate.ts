import * as path from "node:path";
import { defaultStateKeyPrefix, SECURITY_GROUPS_PER_INTERFACE } from "../defaults";
import { cloudAwsCredentials } from "../hcp/names";
import { iamRoleArnProblem, instanceTypeProblem, regionProblem, stateKmsKeyProblem } from "../validation/aws";
import {
  agentPoolProblem,
  dynamodbTableProblem,
  hostnameProblem,
  organizationProblem,
  projectProblem,
  s3BucketNameProblem,
  stateKeyPrefixProblem,
  terraformVersionProblem,
  workspacePrefixProblem,
} from "../validation/backend";
import { echo, PropPath, PropProblem } from "../validation/problems";
import { ACKNOWLEDGEABLE_RULE_IDS, RULE_ID_PATTERN } from "./rule-ids";
import { OWN_SECURITY_GROUPS } from "../validation/restricted";
import { tagsProblems } from "../validation/tags";
import { serviceEndpointProblem } from "../validation/endpoints";
import { EC2_INSTANCE_TYPES, EC2_INSTANCE_TYPES_SOURCE } from "../validation/instance-types";
import { Block, parseBlock } from "../validation/cidr";
import type { InstallAssets } from "./install-dir";
import { shownPath } from "./read-file";
import type { ParsedCluster } from "./schema";

/** A rule broken by one cluster: the field path (relative to the cluster) and what is wrong. */
export interface Finding {
  readonly path: (string | number)[];
  readonly message: string;
  /** Set when the value came from a file of installDir rather than the cluster file. */
  readonly source?: ValueSource;
}

/** Where a value read from installDir came from: the file and the field in it. */
export interface ValueSource {
  readonly file: string;
  readonly path: string;
}

export type IdentityField = "clusterName" | "infraId" | "region" | "baseDomain";

export type Candidate = Omit<ParsedCluster, IdentityField> & {
  clusterName?: unknown;
  infraId?: unknown;
  region?: unknown;
  baseDomain?: unknown;
  assets?: InstallAssets;
  /** Identity fields taken from installDir, and where from. */
  sources?: Partial<Record<IdentityField, ValueSource>>;
};

/** The names of the stacks a cluster gets; the longest bounds state keys and workspace names. */
const longestStackName = (clusterName: unknown) => `${typeof clusterName === "string" ? clusterName : ""}-bootstrap`;

/**
 * Maps a path in OpenShiftUpiClusterProps (what the cluster's checks report) to the cluster file's
 * field: the props are the file's fields, regrouped (clusterProps in src/stacks/stacks.ts).
 */
function fieldPath(prop: PropPath): (string | number)[] {
  const [head, ...rest] = prop;
  switch (head) {
    case "network":
      return rest[0] === "existing" ? ["network", "existingVpc", ...rest.slice(1)] : ["network", ...rest];
    case "rhcosAmi":
    case "bootstrap":
    case "controlPlane":
    case "compute":
      return ["machines", head, ...rest];
    case "ignition":
      return ["installDir"];
    case "publicIpv4Pool":
      return ["network", head];
    case "s3Endpoint":
      return ["aws", "serviceEndpoints", "s3"];
    default:
      return [...prop];
  }
}

/** Extra words for a props message when it is read in the cluster file. */
function fileMessage(prop: PropPath, message: string): string {
  const [head, field] = prop;
  if (message === "is required" && (head === "clusterName" || head === "infraId" || head === "region" || head === "baseDomain")) {
    return "is required (or give installDir, where it is read from openshift-install's assets)";
  }
  if (head === "ignition" && field) return `${field === "masterCa" ? "master.ign" : "worker.ign"}'s CA ${message}`;
  return message;
}

/**
 * The constructs' own checks on the props a cluster's stacks are built from. The config layer
 * knows no construct: the layer above builds the props and checks them (src/cluster-file.ts), and
 * propFinding places what they find in the file.
 */
export type ClusterPropsCheck = (cluster: Candidate) => readonly PropProblem[];

/** A problem with the cluster's props as one with the file's field, or with the installDir file a value came from. */
export function propFinding(c: Candidate, problem: PropProblem): Finding {
  const [head] = problem.prop;
  const source = typeof head === "string" ? c.sources?.[head as IdentityField] : undefined;
  return { path: fieldPath(problem.prop), message: fileMessage(problem.prop, problem.message), source };
}

/** The cluster's rules: the constructs' own checks on the file's props, then the file-only ones. */
export function semanticProblems(c: Candidate, checkProps: ClusterPropsCheck): Finding[] {
  const out: Finding[] = checkProps(c).map((problem) => propFinding(c, problem));
  const add = (path: Finding["path"], message: string | undefined) => message && out.push({ path, message });

  for (const t of tagsProblems(c.tags, typeof c.infraId === "string" ? c.infraId : undefined)) out.push({ path: ["tags", ...t.prop], message: t.message });

  c.guardrails.acknowledge.forEach((a, i) => {
    const at = ["guardrails", "acknowledge", i, "rule"];
    if (!RULE_ID_PATTERN.test(a.rule)) add(at, `must be a rule id such as UPI-EC2-1 or PLAN-... (got ${echo(a.rule)})`);
    else if (!ACKNOWLEDGEABLE_RULE_IDS.includes(a.rule)) add(at, `${echo(a.rule)} is not a rule (rules: ${ACKNOWLEDGEABLE_RULE_IDS.join(", ")})`);
  });

  out.push(...edgeProblems(c));

  const knownRegion = typeof c.region === "string" && !regionProblem(c.region) ? c.region : undefined;
  for (const [service, url] of Object.entries(c.aws.serviceEndpoints)) {
    if (url !== undefined) add(["aws", "serviceEndpoints", service], serviceEndpointProblem(service, url, { region: knownRegion, s3UsePathStyle: c.aws.s3UsePathStyle }));
  }

  const backend = c.backend;
  if (backend.type === "s3" && !backend.s3) add(["backend", "s3"], "is required with backend.type: s3 (at least bucket)");
  if (backend.type === "cloud" && !backend.cloud) add(["backend", "cloud"], "is required with backend.type: cloud (at least organization)");
  const stack = longestStackName(c.clusterName);
  if (backend.s3) {
    const s3 = backend.s3;
    add(["backend", "s3", "bucket"], s3BucketNameProblem(s3.bucket));
    const prefix = s3.keyPrefix ?? (typeof c.clusterName === "string" ? defaultStateKeyPrefix(c.clusterName) : undefined);
    if (s3.keyPrefix !== undefined) add(["backend", "s3", "keyPrefix"], stateKeyPrefixProblem(prefix, stack));
    if (s3.region !== undefined) add(["backend", "s3", "region"], regionProblem(s3.region));
    if (s3.dynamodbTable !== undefined) add(["backend", "s3", "dynamodbTable"], dynamodbTableProblem(s3.dynamodbTable));
    const stateRegion = s3.region ?? (typeof c.region === "string" ? c.region : undefined);
    if (s3.kmsKeyId !== undefined) add(["backend", "s3", "kmsKeyId"], stateKmsKeyProblem(s3.kmsKeyId, regionProblem(stateRegion) ? undefined : stateRegion));
  }
  if (backend.cloud) {
    const cloud = backend.cloud;
    add(["backend", "cloud", "organization"], organizationProblem(cloud.organization));
    add(["backend", "cloud", "hostname"], hostnameProblem(cloud.hostname));
    add(["backend", "cloud", "workspacePrefix"], workspacePrefixProblem(cloud.workspacePrefix, stack));
    if (cloud.project !== undefined) add(["backend", "cloud", "project"], projectProblem(cloud.project));
    add(["backend", "cloud", "agentPoolId"], agentPoolProblem(cloud.executionMode, cloud.agentPoolId));
    if (cloud.terraformVersion !== undefined) add(["backend", "cloud", "terraformVersion"], terraformVersionProblem(cloud.terraformVersion));
    if (cloud.awsRoleArn !== undefined) {
      add(
        ["backend", "cloud", "awsRoleArn"],
        cloudAwsCredentials(cloud) === "dynamic"
          ? iamRoleArnProblem(cloud.awsRoleArn, typeof c.region === "string" ? c.region : undefined)
          : `is used only with awsCredentials: dynamic (got awsCredentials: ${cloudAwsCredentials(cloud)}); remove it, or set awsCredentials: dynamic`,
      );
    }
  }
  return out;
}

/** Legal, but almost surely not what was meant: printed, and synth goes on. */
export function clusterWarnings(c: Candidate): Finding[] {
  const out: Finding[] = [];
  if (c.publish === "Internal" && c.dns.publicHostedZoneId !== undefined) {
    out.push({
      path: ["dns", "publicHostedZoneId"],
      message: "is ignored with publish: Internal (no public records are made); remove it, or publish: External",
    });
  }
  out.push(...installDirContradictions(c));
  out.push(...restrictedAccountWarnings(c));
  // AWS adds instance types between SDK releases, so an unknown name is a warning, not an error.
  for (const pool of ["bootstrap", "controlPlane", "compute"] as const) {
    const type = c.machines[pool].instanceType;
    if (!instanceTypeProblem(type) && !EC2_INSTANCE_TYPES.has(type)) {
      out.push({
        path: ["machines", pool, "instanceType"],
        message: `${echo(type)} is not an EC2 instance type known to the AWS SDK (${EC2_INSTANCE_TYPES_SOURCE}); check the name, or go on if AWS added it since`,
      });
    }
  }
  return out;
}

/** DNS names are compared as DNS does: case and a final dot aside. */
const dnsName = (v: string) => v.toLowerCase().replace(/\.$/, "");

/**
 * An identity field the file gives wins over installDir's (docs/cluster-file.md), but the folder's Ignition
 * configs were made for the cluster openshift-install recorded there, so machines built from them
 * would belong to that one. Said only where it differs as AWS and DNS read it (names ignoring case;
 * tag keys and regions exactly), and only when this cluster makes machines from the folder
 * (without machines its configs are never used).
 */
function installDirContradictions(c: Candidate): Finding[] {
  const a = c.assets;
  const m = c.machines;
  if (!a || (!m.bootstrap.enabled && m.controlPlane.replicas === 0 && m.compute.replicas === 0)) return [];
  const metadata = shownPath(a.metadata.file);
  // baseDomain is read only when master.ign's source starts with api-int.<clusterName>.
  const theirDomain = a.baseDomain ? `${a.clusterName}.${a.baseDomain}` : a.clusterName;
  // The machines' pointer configs are written from this file's names (src/machines/ignition.ts).
  const ours = typeof c.clusterName === "string" && typeof c.baseDomain === "string" ? `api-int.${c.clusterName}.${c.baseDomain}` : "this cluster's api-int name";
  const joinsThat = () =>
    `the folder's Ignition configs and certificates were made for the cluster ${theirDomain}: machines sent to ${ours} would fail its TLS check and never join`;
  const fields: [IdentityField, string | undefined, string, (v: string) => string, (given: string, theirs: string) => string][] = [
    ["clusterName", a.clusterName, `${metadata}: clusterName`, dnsName, joinsThat],
    ["baseDomain", a.baseDomain, `${shownPath(path.join(a.dir, "master.ign"))}: ignition.config.merge[0].source`, dnsName, joinsThat],
    [
      "infraId",
      a.infraId,
      `${metadata}: infraID`,
      (v) => v,
      (given, theirs) =>
        `its bootstrap.ign makes a cluster that finds its AWS resources by the tag kubernetes.io/cluster/${theirs}, and those made here carry kubernetes.io/cluster/${given}`,
    ],
    [
      "region",
      a.region,
      `${metadata}: aws.region`,
      (v) => v,
      (given, theirs) => `its bootstrap.ign makes a cluster that looks for its machines and load balancers in ${theirs}, and they would be made in ${given}`,
    ],
  ];
  const out: Finding[] = [];
  for (const [field, theirs, where, same, follows] of fields) {
    const given = c[field];
    // A value read from the folder is the folder's own; an invalid one is reported as an error.
    if (c.sources?.[field] || typeof given !== "string" || theirs === undefined || same(given) === same(theirs)) continue;
    out.push({
      path: [field],
      message: `${echo(given)} contradicts ${echo(theirs)} in installDir (${where}): ${follows(given, theirs)}; set it to ${echo(theirs)} or remove it, or give installDir this cluster's own folder`,
    });
  }
  return out;
}

/**
 * What the product does not control in a restricted account, said at synth: your own instance
 * profiles and security groups are outside the guardrails, and more than AWS's default number of
 * groups per interface needs a raised quota.
 */
function restrictedAccountWarnings(c: Candidate): Finding[] {
  const out: Finding[] = [];
  const pools = [
    ["bootstrap", c.machines.bootstrap, c.machines.bootstrap.enabled, OWN_SECURITY_GROUPS.bootstrap],
    ["controlPlane", c.machines.controlPlane, c.machines.controlPlane.replicas > 0, OWN_SECURITY_GROUPS.master],
    ["compute", c.machines.compute, c.machines.compute.replicas > 0, OWN_SECURITY_GROUPS.worker],
  ] as const;
  for (const [pool, spec, createsMachines, own] of pools) {
    if (!createsMachines) continue;
    if (spec.iamInstanceProfile) {
      const kms = pool === "bootstrap" && c.machines.bootstrap.ignitionKmsKeyArn;
      out.push({
        path: ["machines", pool, "iamInstanceProfile"],
        message: `${echo(spec.iamInstanceProfile)} is your own: its role's policies are outside this product's guardrails (UPI-IAM-1 checks only the roles it creates)${kms ? `; the role also needs kms:Decrypt on ${kms}` : ""}`,
      });
    }
    const extra = spec.additionalSecurityGroupIds;
    if (!extra.length) continue;
    out.push({
      path: ["machines", pool, "additionalSecurityGroupIds"],
      message: `${echo(extra)} are your own: their rules are outside this product's guardrails (UPI-SG-1 checks only the groups it creates)`,
    });
    const groups = own + extra.length;
    if (groups > SECURITY_GROUPS_PER_INTERFACE.quota && groups <= SECURITY_GROUPS_PER_INTERFACE.max) {
      out.push({
        path: ["machines", pool, "additionalSecurityGroupIds"],
        message: `gives ${pool} machines ${groups} security groups (${own} of their own and ${extra.length} of yours); AWS allows ${SECURITY_GROUPS_PER_INTERFACE.quota} per network interface unless the account's quota "Security groups per network interface" was raised`,
      });
    }
  }
  return out;
}

/** Fleet rules: names and infra IDs unique, also ignoring case (errors), VPC CIDRs apart (warnings). */
export function fleetProblems(clusters: readonly (Candidate | undefined)[]): { errors: Finding[]; warnings: string[] } {
  const errors: Finding[] = [];
  const warnings: string[] = [];
  if (clusters.length < 2) return { errors, warnings };
  for (const field of ["clusterName", "infraId"] as const) {
    const seen = new Map<string, { index: number; value: string }>();
    clusters.forEach((c, i) => {
      const v = c?.[field];
      if (typeof v !== "string" || !v) return;
      const first = seen.get(v.toLowerCase());
      if (!first) seen.set(v.toLowerCase(), { index: i, value: v });
      else if (first.value === v) errors.push({ path: ["clusters", i, field], message: `${echo(v)} is also used by clusters[${first.index}]; each cluster needs its own` });
      else {
        errors.push({
          path: ["clusters", i, field],
          message: `${echo(v)} differs from clusters[${first.index}]'s ${echo(first.value)} only in case; DNS and IAM names ignore case, so they would collide`,
        });
      }
    });
  }
  // One warning per cluster, naming the first earlier one it overlaps: a fleet that reuses one
  // CIDR gets a line per cluster, not one per pair (a quadratic flood past a thousand clusters).
  const blocks = clusters.map((c) => (c && !c.network.existingVpc ? parseBlock(c.network.vpcCidr) : undefined));
  const end = (k: Block) => k.network + 2 ** (32 - k.prefix);
  blocks.forEach((y, j) => {
    const i = y ? blocks.slice(0, j).findIndex((x) => x !== undefined && x.network < end(y) && y.network < end(x)) : -1;
    if (i < 0) return;
    const [a, b] = [clusters[i]!, clusters[j]!];
    warnings.push(
      `warning: clusters[${i}] (${String(a.clusterName)}) and clusters[${j}] (${String(b.clusterName)}) have overlapping VPC CIDRs ${a.network.vpcCidr} and ${b.network.vpcCidr}: they cannot be peered later`,
    );
  });
  return { errors, warnings };
}

/**
 * Edge zones and the public IPv4 pool, where the file says more than the props: the constructs
 * check the zones and the pool themselves (src/validation/edge.ts).
 */
export function edgeProblems(c: Candidate): Finding[] {
  const out: Finding[] = [];
  const net = c.network;
  // clusterProps gives an existing VPC no edge zones, so they would be dropped without a word.
  if (net.existingVpc && net.edgeZones.length) {
    out.push({ path: ["network", "edgeZones"], message: "cannot be used with network.existingVpc (create the edge subnets in your VPC)" });
  }
  if (net.publicIpv4Pool !== undefined && (net as { internetGateway?: boolean }).internetGateway === false) {
    out.push({ path: ["network", "publicIpv4Pool"], message: "needs network.internetGateway: true" });
  }
  return out;
}
