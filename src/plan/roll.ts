/**
 * Rolling one machine: its pending in-place change alone (`-target` of its instance), or its
 * replacement (`-replace` of the instance, `-target` of it and its load-balancer registrations),
 * so that no other pending change is applied with it.
 */
import type { StackJson } from "../cdktf/stack-json";
import { kindOf, managedChanges, PlanJson } from "./plan-json";
import type { PlanCounts } from "./report";

/** `master-<n>`, `worker-<n>` or `bootstrap`: the machine's Name tag without `<infraId>-`. */
export const MACHINE_NAME = /^(master-\d+|worker-\d+|bootstrap)$/;

export interface MachineAddresses {
  /** `<infraId>-<machine>`. */
  readonly name: string;
  readonly instance: string;
  /** Its target-group attachments (masters and bootstrap: the API and machine-config targets). */
  readonly attachments: string[];
}

/** The stack that holds a machine. */
export const machineStack = (clusterName: string, machine: string) => `${clusterName}-${machine === "bootstrap" ? "bootstrap" : "machines"}`;

/** The instances of a synthesized stack, by Name tag. */
function instances(stackJson: StackJson): [string, string][] {
  return Object.entries(stackJson.resource?.aws_instance ?? {}).map(([id, r]) => [String((r.tags as { Name?: string } | undefined)?.Name), `aws_instance.${id}`]);
}

/** Machine names (`master-0`, ...) found in a synthesized stack. */
export function machineNames(stackJson: StackJson, infraId: string): string[] {
  return instances(stackJson)
    .map(([name]) => name.slice(infraId.length + 1))
    .filter((n) => MACHINE_NAME.test(n));
}

/** The addresses of one machine in a synthesized stack (its cdk.tf.json), by Name tag; undefined when absent. */
export function findMachine(stackJson: StackJson, infraId: string, machine: string): MachineAddresses | undefined {
  const name = `${infraId}-${machine}`;
  const instance = instances(stackJson).find(([n]) => n === name)?.[1];
  if (!instance) return undefined;
  const attachments = Object.entries(stackJson.resource?.aws_lb_target_group_attachment ?? {})
    .filter(([, r]) => String(r.target_id).includes(`${instance}.`))
    .map(([id]) => `aws_lb_target_group_attachment.${id}`);
  return { name, instance, attachments };
}

/** The `terraform plan` arguments that roll exactly this machine. */
export function rollPlanArgs(m: MachineAddresses, replace: boolean, planFile: string): string[] {
  const targets = replace ? [m.instance, ...m.attachments] : [m.instance];
  return ["plan", "-input=false", ...(replace ? [`-replace=${m.instance}`] : []), ...targets.map((t) => `-target=${t}`), `-out=${planFile}`];
}

export type RollVerdict =
  { readonly kind: "apply"; readonly summary: string } | { readonly kind: "nothing"; readonly message: string } | { readonly kind: "refuse"; readonly message: string };

/** Whether a roll plan changes this machine, and nothing but this machine. */
export function judgeRollPlan(plan: PlanJson, m: MachineAddresses, replace: boolean): RollVerdict {
  const changed = managedChanges(plan).filter((rc) => kindOf(rc.change.actions) !== "none");
  const mine = new Set([m.instance, ...m.attachments]);
  const others = changed.filter((rc) => !mine.has(rc.address));
  if (others.length) {
    return { kind: "refuse", message: `the plan also changes ${others.map((rc) => rc.address).join(", ")}; nothing was applied` };
  }
  const instance = changed.find((rc) => rc.address === m.instance);
  if (!instance) {
    return { kind: "nothing", message: `${m.name} has no pending change${replace ? "" : " (--replace rebuilds it from the current AMI and user data)"}` };
  }
  const kind = kindOf(instance.change.actions);
  if (!replace && kind !== "update") {
    return { kind: "refuse", message: `the pending change ${kind === "replace" ? "replaces" : `${kind}s`} ${m.name}; to rebuild it deliberately, run again with --replace` };
  }
  return { kind: "apply", summary: changed.map((rc) => `${kindOf(rc.change.actions)} ${rc.address}`).join("\n") };
}

/**
 * What OpenShift needs around a control-plane machine that is replaced (a new instance, a new
 * node and a new etcd member): the steps of "Replacing an unhealthy etcd member whose machine is
 * not running or whose node is not ready" (OpenShift backup and restore), for user-provisioned
 * infrastructure, where the new machine is created by the same means as the first.
 */
export function controlPlaneReplacementNote(name: string): string {
  return [
    `Replacing ${name}, a control-plane machine. One master at a time, and only while the other two are healthy:`,
    "  Before the apply:",
    "    take an etcd backup (/usr/local/bin/cluster-backup.sh on a master) and check that every etcd member is healthy:",
    '      oc get etcd -o=jsonpath=\'{range .items[0].status.conditions[?(@.type=="EtcdMembersAvailable")]}{.message}{"\\n"}{end}\'',
    "    remove its etcd member: oc rsh -n openshift-etcd etcd-<another master's node>, then etcdctl member list -w table and etcdctl member remove <id>",
    '    turn the quorum guard off: oc patch etcd/cluster --type=merge -p \'{"spec": {"unsupportedConfigOverrides": {"useUnsupportedUnsafeNonHANonProductionUnstableEtcd": true}}}\'',
    "    delete its etcd secrets: oc delete secret -n openshift-etcd etcd-peer-<node> etcd-serving-<node> etcd-serving-metrics-<node>",
    "    and its node: oc delete node <node>",
    "  After the apply (the new instance boots from the same Ignition pointer, through api-int:22623):",
    "    approve its certificate signing requests, client then serving: oc get csr; oc adm certificate approve <name>",
    '    the etcd operator adds the new member; then turn the quorum guard back on: oc patch etcd/cluster --type=merge -p \'{"spec": {"unsupportedConfigOverrides": null}}\'',
    "    check: three etcd pods run (oc get pods -n openshift-etcd | grep -v etcd-quorum-guard | grep etcd) and etcdctl member list shows three members",
  ].join("\n");
}

/** For an in-place change that stops a master: etcd keeps quorum only if the others stay up. */
export function controlPlaneStopNote(name: string): string {
  return (
    `${name} stops and starts; etcd keeps quorum with the other two members. Before rolling the next master, wait until its node is Ready ` +
    'and oc get etcd -o=jsonpath=\'{range .items[0].status.conditions[?(@.type=="EtcdMembersAvailable")]}{.message}{"\\n"}{end}\' reports all members available.'
  );
}

/** For a worker or the bootstrap node: what the cluster needs around a replacement. */
export function workerReplacementNote(name: string): string {
  return [
    `Replacing ${name}. Before the apply: oc adm drain <node> --ignore-daemonsets --delete-emptydir-data, then oc delete node <node>.`,
    "After it: approve the new machine's certificate signing requests (oc get csr; oc adm certificate approve <name>), client then serving.",
  ].join("\n");
}

/**
 * The line roll ends with: what it applied, then what else the stack has pending, which roll
 * leaves alone by design (another machine's change is rolled on its own). `pending` is the whole
 * stack's plan after the roll; undefined when it could not be made.
 */
export function rollDoneLine(name: string, replace: boolean, stack: string, pending: PlanCounts | undefined): string {
  const done = `Rolled ${name} (${replace ? "replaced" : "changed in place"}).`;
  if (!pending) return `${done} What else ${stack} has pending: \`npm run plan\`.`;
  const left = (["create", "update", "replace", "delete"] as const).filter((k) => pending[k] > 0).map((k) => `${pending[k]} to ${k}`);
  if (!left.length) return `${done} ${stack} has nothing else pending.`;
  return `${done} Still pending in ${stack}, not part of this roll: ${left.join(", ")} (\`npm run plan\` shows them).`;
}
