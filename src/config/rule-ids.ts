import { PLAN_RULE_IDS } from "../plan/rules";
import { RULE_IDS } from "../policy/rules";
import { DAY2_RULE_IDS } from "../state/day2-rules";

/**
 * The ids a cluster file's `guardrails.acknowledge` may name: guardrail rules and day-2 edits
 * refused at synth (UPI-*), and plan rules (PLAN-*).
 */
export const RULE_ID_PATTERN = /^(UPI|PLAN)-[A-Z0-9]+-\d+$/;

export const ACKNOWLEDGEABLE_RULE_IDS: readonly string[] = [...RULE_IDS, ...DAY2_RULE_IDS, ...PLAN_RULE_IDS];
