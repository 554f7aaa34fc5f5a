import * as path from "node:path";
import { stateLocation } from "../backend/backend";
import { setupCommand } from "../hcp/names";
import { readStackJson } from "../cdktf/stack-json";
import type { ConfigProblem } from "../config/errors";
import type { ClusterConfig, LoadResult } from "../config/load";
import type { ClusterRecord, OutputRecord, StackRecord } from "../output/record";
import { clusterStackNames } from "../stacks/names";
import {
  adviceSentence,
  BackendSettings,
  backendKind,
  backendSettings,
  defaultLocalSettings,
  localStateHoldsAnything,
  setupManaging,
  shownLocation,
  stateMoveAdvice,
} from "./moves";

/**
 * What a synth changes against the previous one, as the output folder's record remembers it:
 * edits that a plan would carry out against a running cluster and that this product refuses or
 * announces before any Terraform runs. The plan checker (`npm run plan`) judges the same edits
 * against the live state; this catches them one step earlier, and without credentials.
 *
 * Without the record (a fresh checkout, another machine, CI, an HCP VCS run) these checks see
 * nothing to compare, and the stacks' own guards (src/guards), which read the state, refuse the
 * same edits at plan time: UPI-DAY2-1's deleted masters as PLAN-EC2-1 in the machines stack,
 * UPI-DAY2-2's removed zone as PLAN-VPC-1 in the network stack, the first stack applied. The
 * rules' ids and titles are in ./day2-rules.ts.
 */
export interface Day2Changes {
  /** Refused edits (not acknowledged), one line each. */
  readonly problems: ConfigProblem[];
  /** Acknowledged refusals and state moves. */
  readonly warnings: string[];
  /** What an accepted edit means for running machines. */
  readonly notes: string[];
  /** The record of this synth, per cluster and per stack. */
  readonly clusters: Record<string, ClusterRecord>;
  readonly stacks: Record<string, StackRecord>;
}

type Pool = "bootstrap" | "controlPlane" | "compute";
const POOL_NAMES: Record<Pool, string> = { bootstrap: "bootstrap", controlPlane: "control-plane", compute: "compute" };

const azCount = (c: ClusterConfig) => {
  const zones = c.network.availabilityZones;
  return c.network.existingVpc ? c.network.existingVpc.privateSubnetIds.length : typeof zones === "number" ? zones : zones.length;
};

/** `<infraId>-master-0`...: the machines NodePool creates, by role. */
const machineNames = (infraId: string, role: "master" | "worker", replicas: number) => Array.from({ length: replicas }, (_, i) => `${infraId}-${role}-${i}`);

/**
 * Each machine's AZ slot as NodePool places it: a machine the previous synth placed keeps its
 * slot (the state keeps it too, see Placement), a new one goes round-robin.
 */
function placements(c: ClusterConfig, previous?: ClusterRecord): Record<string, number> {
  const count = azCount(c);
  const out: Record<string, number> = {};
  for (const [role, pool] of [
    ["master", c.machines.controlPlane],
    ["worker", c.machines.compute],
  ] as const) {
    machineNames(c.infraId, role, pool.replicas).forEach((name, i) => (out[name] = previous?.placements[name] ?? i % count));
  }
  return out;
}

const amiOf = (c: ClusterConfig, pool: Pool) => (c.machines[pool] as { ami?: string }).ami ?? c.machines.rhcosAmi;

/** The previous synth's backend settings of a stack, from its JSON in the output folder about to be replaced. */
function previousSettings(stackDir: string): BackendSettings | undefined {
  try {
    return backendSettings(readStackJson(path.join(stackDir, "cdk.tf.json")));
  } catch {
    return undefined;
  }
}

/**
 * A stack whose state location differs from the previous synth's: remembered (so `npm run plan`
 * checks it, from the stack's moved-from folder) and announced, when the old location may hold a
 * state. A local one is read now, and only a state that holds something makes a move; S3 and HCP
 * are read by `npm run plan`, which has the credentials. A move stays recorded over later
 * syntheses until the location is back where it was.
 */
function stateMove(cluster: string, stack: string, location: string, was: StackRecord | undefined, outdir: string): { record: Partial<StackRecord>; warning?: string } {
  if (!was?.state) return { record: {} };
  if (was.state === location) {
    const pending = was.movedFrom && was.movedFrom !== location;
    return { record: pending ? { movedFrom: was.movedFrom, ...(was.movedFromSettings && { movedFromSettings: was.movedFromSettings }) } : {} };
  }
  const stackDir = path.join(outdir, "stacks", stack);
  const settings = previousSettings(stackDir);
  const from = backendKind(was.state);
  const held = from === "local" ? localStateHoldsAnything(stackDir, settings ?? defaultLocalSettings(stack)) : undefined;
  if (held === false) return { record: {} };
  const advice = stateMoveAdvice(from, backendKind(location), stackDir, from === "cloud" && setupManaging(outdir, cluster, was.state) ? setupCommand(outdir, cluster) : undefined);
  const [old, now] = [shownLocation(was.state, stack), shownLocation(location, stack)];
  const run = adviceSentence(advice);
  const warning =
    held === true
      ? `warning: ${stack}: its state moves from ${old}, which holds resources, to ${now}. Until the state is moved, the new place is empty and a plan there would build a second cluster: ${run}. \`npm run plan\` refuses this stack until then.`
      : `warning: ${stack}: its state moves from ${old} to ${now}. If you applied there, the new place is empty until the state is moved, and a plan there would build a second cluster: ${run}. \`npm run plan\` reads the old place and, while the new one is empty, refuses this stack if the old one holds resources or cannot be read.`;
  return { record: { movedFrom: was.state, ...(settings && { movedFromSettings: settings }) }, warning };
}

/** The file's acknowledgement of a rule, if any. */
const acknowledged = (c: ClusterConfig, rule: string) => c.guardrails.acknowledge.find((a) => a.rule === rule)?.reason;

/** Compares the clusters of this synth with the previous output's record. */
export function day2Changes(loaded: LoadResult, previous: OutputRecord | undefined, outdir: string): Day2Changes {
  const result: Day2Changes = { problems: [], warnings: [], notes: [], clusters: {}, stacks: {} };

  loaded.clusters.forEach((c, index) => {
    const refuse = (rule: string, field: string, message: string) => {
      const reason = acknowledged(c, rule);
      if (reason) result.warnings.push(`warning: [${rule}] ${c.clusterName}: ${field}: ${message} (acknowledged: ${reason})`);
      else result.problems.push(loaded.problem(index, field.split("."), `${message}; if this is deliberate, acknowledge ${rule} in guardrails.acknowledge with the reason`));
    };
    const before = previous?.clusters?.[c.clusterName];
    const record: ClusterRecord = {
      controlPlaneReplicas: c.machines.controlPlane.replicas,
      availabilityZones: azCount(c),
      placements: placements(c, before),
      amis: { bootstrap: amiOf(c, "bootstrap"), controlPlane: amiOf(c, "controlPlane"), compute: amiOf(c, "compute") },
    };
    result.clusters[c.clusterName] = record;

    if (before) {
      const was = before.controlPlaneReplicas;
      const now = record.controlPlaneReplicas;
      if (was > 0 && now !== was) {
        const removed = machineNames(c.infraId, "master", was).slice(now);
        refuse(
          "UPI-DAY2-1",
          "machines.controlPlane.replicas",
          `${was} -> ${now} on a running control plane${removed.length ? ` deletes ${removed.join(", ")}` : ""}: etcd loses quorum (OpenShift runs exactly 3 control-plane machines)`,
        );
      }
      const stranded = Object.entries(record.placements).filter(([name, slot]) => name in before.placements && slot >= record.availabilityZones);
      if (stranded.length) {
        refuse(
          "UPI-DAY2-2",
          c.network.existingVpc ? "network.existingVpc.privateSubnetIds" : "network.availabilityZones",
          `${before.availabilityZones} -> ${record.availabilityZones} removes the availability zone${new Set(stranded.map(([, s]) => s)).size > 1 ? "s" : ""} where ${stranded.map(([name, slot]) => `${name} (zone ${slot + 1})`).join(", ")} live${stranded.length === 1 ? "s" : ""}; remove or move those machines first, or keep the zone`,
        );
      }
      // One line per AMI change, naming the pools it applies to.
      const moves = new Map<string, string[]>();
      for (const pool of ["bootstrap", "controlPlane", "compute"] as const) {
        const [old, ami] = [before.amis[pool], record.amis[pool]];
        if (old && ami && old !== ami) moves.set(`${old} ${ami}`, [...(moves.get(`${old} ${ami}`) ?? []), POOL_NAMES[pool]]);
      }
      for (const [move, pools] of moves) {
        const [old, ami] = move.split(" ");
        result.notes.push(
          `${c.clusterName}: new ${pools.join(", ")} machines boot ${ami} (was ${old}); running machines keep theirs, RHCOS updates itself in place. To replace one machine: \`npm run roll -- ${c.clusterName} <machine> --replace\``,
        );
      }
    }

    for (const stack of clusterStackNames(c.clusterName)) {
      const { location } = stateLocation(c, stack);
      const move = stateMove(c.clusterName, stack, location, previous?.stacks[stack], outdir);
      result.stacks[stack] = { cluster: c.clusterName, state: location, ...move.record };
      if (move.warning) result.warnings.push(move.warning);
    }
  });
  return result;
}
