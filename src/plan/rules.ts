/**
 * The plan checker's rules: each a small pure function over one resource change of a JSON plan
 * that says what is dangerous about it, if anything. They key on what any JSON plan carries
 * (resource type, actions, the before/after values, the address), so the same rules judge a plan
 * made here, in CI or in HCP Terraform.
 */
import { kindOf, ResourceChange } from "./plan-json";

export interface PlanRuleContext {
  /** Every managed change of the same plan, for rules that count (masters stopped at once). */
  readonly changes: readonly ResourceChange[];
}

export interface PlanRule {
  readonly id: string;
  /** One line: what the rule protects. */
  readonly title: string;
  readonly fix: string;
  /** What is dangerous about the change; empty when it is safe or the rule does not apply. */
  readonly check: (change: ResourceChange, ctx: PlanRuleContext) => string[];
}

/** `<infraId>-master-<n>`: the Name tag of every control-plane machine. */
const MASTER_NAME = /-master-\d+$/;
/** The address the machines stack gives a master (`control-plane/master-<n>/instance`). */
const MASTER_ADDRESS = /(^|\.)aws_instance\.control-plane_master-\d+_/;

/**
 * Attributes whose in-place update stops and starts the instance: the AWS provider (5.100,
 * ec2_instance.go, resourceInstanceUpdate) modifies instance_type, user_data and user_data_base64
 * through modifyInstanceAttributeWithStopStart, and stops the instance to change its capacity
 * reservation.
 */
export const STOP_START_ATTRIBUTES = ["instance_type", "user_data", "user_data_base64", "capacity_reservation_specification"] as const;

const LOAD_BALANCER_TYPES: Readonly<Record<string, string>> = {
  aws_lb: "API load balancer",
  aws_alb: "API load balancer",
  aws_lb_listener: "API listener",
  aws_alb_listener: "API listener",
  aws_lb_target_group: "API target group",
  aws_alb_target_group: "API target group",
};

/** The record names the API depends on: `api.<cluster domain>` and `api-int.<cluster domain>`. */
const API_RECORD = /^(api|api-int)\./i;

/** The Name tags the change carries, before and after. */
function nameTags(rc: ResourceChange): string[] {
  const { before, after } = rc.change;
  return [before?.tags?.Name, before?.tags_all?.Name, after?.tags?.Name, after?.tags_all?.Name].filter((n): n is string => typeof n === "string");
}

const nameTag = (rc: ResourceChange): string | undefined => nameTags(rc)[0];

/** A control-plane instance, by its Name tag or, failing that, by its address. */
export function isControlPlane(rc: ResourceChange): boolean {
  return rc.type === "aws_instance" && (nameTags(rc).some((n) => MASTER_NAME.test(n)) || MASTER_ADDRESS.test(rc.address));
}

/** Replaced or deleted: the live object goes away (for a replacement, before its successor runs). */
const goesAway = (rc: ResourceChange) => ["replace", "delete"].includes(kindOf(rc.change.actions));

/** The stop/start attributes an in-place update changes (unknown after apply counts as changed). */
export function stopStartChanges(rc: ResourceChange): string[] {
  if (rc.type !== "aws_instance" || kindOf(rc.change.actions) !== "update") return [];
  const { before, after, after_unknown: unknown } = rc.change;
  return STOP_START_ATTRIBUTES.filter((a) => unknown?.[a] === true || JSON.stringify(before?.[a] ?? null) !== JSON.stringify(after?.[a] ?? null));
}

/** "replaces <thing>" or "deletes <thing>", with what forces a replacement when the plan says. */
function goingAway(rc: ResourceChange, thing: string): string {
  if (kindOf(rc.change.actions) === "delete") return `deletes ${thing}`;
  const paths = (rc.change.replace_paths ?? []).map((p) => p.join("."));
  return `replaces ${thing}${paths.length ? `, forced by a change of ${paths.join(", ")}` : ""}`;
}

const named = (what: string, name: unknown) => (typeof name === "string" && name ? `${what} ${name}` : what);

export const PLAN_RULES: readonly PlanRule[] = [
  {
    id: "PLAN-EC2-1",
    title: "control-plane instances are never replaced or deleted by an apply",
    fix:
      "undo the edit that forces it (a machine setting that cannot change in place, the subnets, controlPlane.replicas); " +
      "to rebuild one master deliberately use npm run roll -- <cluster> master-<n> --replace, one at a time, and acknowledge PLAN-EC2-1",
    check: (rc) => (isControlPlane(rc) && goesAway(rc) ? [goingAway(rc, named("control-plane instance", nameTag(rc)))] : []),
  },
  {
    id: "PLAN-EC2-2",
    title: "at most one master is stopped or replaced by one apply",
    fix: "roll the masters one at a time with npm run roll -- <cluster> master-<n>, waiting for all etcd members to be healthy before the next",
    check: (rc, ctx) => {
      const stops = isControlPlane(rc) ? stopStartChanges(rc) : [];
      if (!stops.length) return [];
      const down = ctx.changes.filter((other) => isControlPlane(other) && (goesAway(other) || stopStartChanges(other).length > 0));
      return down.length > 1
        ? [`stops and starts ${named("master", nameTag(rc))} to change ${stops.join(", ")} while ${down.length - 1} other master(s) go down in the same apply`]
        : [];
    },
  },
  {
    id: "PLAN-ELB-1",
    title: "the API load balancers, listeners and target groups stay",
    fix: "undo the edit that renames or moves them (infraId, publish, the subnets); a new load balancer is a new API endpoint and drops every registered master",
    check: (rc) => {
      const what = LOAD_BALANCER_TYPES[rc.type];
      return what && goesAway(rc) ? [goingAway(rc, named(what, rc.change.before?.name))] : [];
    },
  },
  {
    id: "PLAN-DNS-1",
    title: "the private zone and the api and api-int records stay",
    fix: "undo the edit that renames them (clusterName, baseDomain, infraId, dns settings); nodes and the installer reach the API by these names",
    check: (rc) => {
      if (!goesAway(rc)) return [];
      const before = rc.change.before ?? {};
      if (rc.type === "aws_route53_zone") return [goingAway(rc, named(Array.isArray(before.vpc) && before.vpc.length ? "the private zone" : "the hosted zone", before.name))];
      if (rc.type === "aws_route53_record" && typeof before.name === "string" && API_RECORD.test(before.name))
        return [goingAway(rc, `the record ${String(before.name)} (${String(before.type)})`)];
      return [];
    },
  },
  {
    id: "PLAN-VPC-1",
    title: "the VPC and its subnets stay",
    fix: "undo the edit (network.vpcCidr, subnetBits, the zones); growing network.availabilityZones only adds subnets",
    check: (rc) => {
      if (!goesAway(rc)) return [];
      const before = rc.change.before ?? {};
      if (rc.type === "aws_vpc") return [goingAway(rc, `${named("the VPC", before.id)} (${String(before.cidr_block)})`)];
      if (rc.type === "aws_subnet") return [goingAway(rc, `${named("subnet", before.id)} (${String(before.cidr_block)}, ${String(before.availability_zone)})`)];
      return [];
    },
  },
];

/**
 * Not a rule over resource changes but over a whole stack, checked before it is planned
 * (src/plan/preflight.ts): a stack whose state location changed is not planned while nothing is
 * there, since that plan would build a second copy of everything the stack owns.
 */
export const PLAN_STATE_RULE = {
  id: "PLAN-STATE-1",
  title: "a stack whose backend settings changed is planned only once its state is at the new location",
  fix: "terraform init -migrate-state in the stack's folder copies the state from the old location; acknowledge PLAN-STATE-1 only for a stack that was never applied there",
} as const;

/** Every plan rule ID, for the cluster file's `guardrails.acknowledge`. */
export const PLAN_RULE_IDS: readonly string[] = [...PLAN_RULES.map((r) => r.id), PLAN_STATE_RULE.id];
