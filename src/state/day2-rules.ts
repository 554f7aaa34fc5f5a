/**
 * The day-2 edits a synth refuses (src/state/changes.ts), in a module of their own that imports
 * nothing: the cluster file's checks name them in guardrails.acknowledge without loading state.
 */
export const DAY2_RULES = [
  { id: "UPI-DAY2-1", title: "the control plane keeps its machines: controlPlane.replicas does not change on a running cluster" },
  { id: "UPI-DAY2-2", title: "no availability zone is removed while machines live in it" },
] as const;
export const DAY2_RULE_IDS: readonly string[] = DAY2_RULES.map((r) => r.id);
