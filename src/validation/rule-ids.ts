import { RULE_IDS } from "../policy/rules";
import { DAY2_RULE_IDS } from "../state/changes";

/**
 * The ids a cluster file's `guardrails.acknowledge` may name: guardrail rules and day-2 edits
 * refused at synth (UPI-*), and plan rules (PLAN-*).
 */
export const RULE_ID_PATTERN = /^(UPI|PLAN)-[A-Z0-9]+-\d+$/;

/**
 * The plan rules' ids. This is the one place they join the acknowledgeable ids: import the list
 * src/plan exports (when it lands on main) and put it here.
 */
const PLAN_RULE_IDS: readonly string[] = [];

export const ACKNOWLEDGEABLE_RULE_IDS: readonly string[] = [...RULE_IDS, ...DAY2_RULE_IDS, ...PLAN_RULE_IDS];
