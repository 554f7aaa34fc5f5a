import { SECURITY_GROUPS_PER_INTERFACE, GP3_BASELINE_IOPS, GP3_THROUGHPUT_RANGE } from "../defaults";
import { securityGroupIdProblem } from "./aws";
import { IAM_PROFILE_NAME_MAX, iamNameProblem } from "./names";
import { duplicateProblems } from "./network";
import { echo, isToken, Problems, PropProblem } from "./problems";

/**
 * Restricted accounts: the leaf rules on what a pool brings of its own (an instance profile,
 * security groups) and on gp3 throughput. The rules that know a construct's props (a private-only
 * VPC, a shared VPC's DNS, the ones spanning a cluster) live with that construct.
 */

/** Groups each pool's machines get from the product itself (bootstrap: its own and the master group). */
export const OWN_SECURITY_GROUPS = { bootstrap: 2, master: 1, worker: 1 } as const;

/** What a pool brings of its own: an instance profile, extra security groups (its AMI is checked with the cluster). */
export function poolOverridesProblems(props: { iamInstanceProfile?: unknown; additionalSecurityGroupIds?: unknown }, ownGroups: number, machines = "the machines"): PropProblem[] {
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
    return `must be at most a quarter of the volume's IOPS (${iops}${volume.iops === undefined || volume.iops === null ? ", the gp3 baseline" : ""}), so ${Math.floor(iops / 4)} MiB/s; raise rootVolume.iops to ${(t as number) * 4} or more (got ${t as number})`;
  }
  return undefined;
}
