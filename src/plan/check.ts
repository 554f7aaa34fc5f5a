import type { Acknowledgement } from "../policy/guardrails";
import { managedChanges, PlanJson } from "./plan-json";
import { PLAN_RULES, PlanRule } from "./rules";

export interface PlanFinding {
  readonly rule: PlanRule;
  /** The stack (or plan file) the change belongs to. */
  readonly stack: string;
  readonly address: string;
  readonly what: string;
  /** Why it is accepted; absent for a finding that fails the check. */
  readonly acknowledged?: string;
}

/** One line, in the guardrails' form: `[PLAN-XXX-N] <stack>: <address>: what (fix: how)`. */
export function formatPlanFinding(f: PlanFinding): string {
  const line = `[${f.rule.id}] ${f.stack}: ${f.address}: ${f.what}`;
  return f.acknowledged ? `warning: ${line} (acknowledged: ${f.acknowledged})` : `${line} (fix: ${f.rule.fix})`;
}

export interface CheckOptions {
  /** The cluster file's `guardrails.acknowledge`; entries for other rules are ignored. @default none */
  readonly acknowledge?: readonly Acknowledgement[];
  /** @default PLAN_RULES */
  readonly rules?: readonly PlanRule[];
}

/** Runs every rule over every managed change of one stack's plan. */
export function checkPlan(plan: PlanJson, stack: string, options: CheckOptions = {}): PlanFinding[] {
  const changes = managedChanges(plan);
  const found: PlanFinding[] = [];
  for (const rc of changes) {
    for (const rule of options.rules ?? PLAN_RULES) {
      for (const what of rule.check(rc, { changes })) {
        const ack = options.acknowledge?.find((a) => a.rule === rule.id);
        found.push({ rule, stack, address: rc.address, what, acknowledged: ack?.reason });
      }
    }
  }
  return found;
}

/** Findings that fail the check. */
export const blockingFindings = (findings: readonly PlanFinding[]) => findings.filter((f) => !f.acknowledged);
