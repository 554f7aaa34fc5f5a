import { Fn, Op, Precondition } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_COMPUTE_INSTANCE_TYPE, DEFAULT_COMPUTE_REPLICAS, DEFAULT_CONTROL_PLANE_INSTANCE_TYPE, DEFAULT_CONTROL_PLANE_REPLICAS } from "../defaults";
import { DataAwsInstances } from "@cdktf/provider-aws/lib/data-aws-instances";
import { StackGuards } from "../guards/guards";
import { TerraformData } from "../guards/terraform-data";
import { OwnState } from "../state/own-state";
import { clusterTagKey } from "../tags/tags";
import type { ITargetGroup } from "../loadbalancing/api-load-balancers";
import { machineConfigUrl, nodePointer } from "./ignition";
import { Machine, ROOT_VOLUME_DEFAULTS, RootVolume } from "./machine";
import { assertValidProps, required, PropProblem, Problems, oneOf, isToken } from "../validation/problems";
import { instanceTypeProblem, amiIdProblem } from "../validation/aws";
import { replicasProblem, rootVolumeProblems, userDataProblem } from "../validation/machines";
import { infraIdProblem } from "../validation/names";
import { poolOverridesProblems, OWN_SECURITY_GROUPS } from "../validation/restricted";

export interface NodePoolProps {
  readonly role: "master" | "worker";
  readonly infraId: string;
  /** `<cluster>.<domain>`: the machine config server is `api-int.` of it. */
  readonly clusterDomain: string;
  readonly ami: string;
  /** The cluster CA (data URL) from master.ign or worker.ign. */
  readonly caSource: string;
  /**
   * One per AZ, in AZ order. A new machine goes round-robin over them and stays in its subnet
   * for good (see Placement).
   */
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  /** Existing groups added to the pool's own. @default none */
  readonly additionalSecurityGroupIds?: readonly string[];
  readonly instanceProfileName: string;
  /** @default 3 for masters, 2 for workers */
  readonly replicas?: number;
  /** @default "m6i.xlarge" for masters, "m6i.large" for workers */
  readonly instanceType?: string;
  /** @default 120 GiB gp3, encrypted */
  readonly rootVolume?: RootVolume;
  /** Masters: the API target groups. @default none */
  readonly targetGroups?: readonly ITargetGroup[];
}

/**
 * Where one machine lives, decided once. Its AZ slot (its index modulo the AZ count when it is
 * first planned) is kept in the state by a terraform_data resource that ignores later changes,
 * so growing or shrinking network.availabilityZones never re-deals, and so never replaces, a
 * running machine. A slot the network no longer has stops the plan, naming the machine.
 */
class Placement extends Construct {
  readonly subnetId: string;
  readonly precondition: Precondition;

  constructor(scope: Construct, id: string, props: { machine: string; index: number; subnetIds: readonly string[] }) {
    super(scope, id);
    const slot = new TerraformData(this, "slot", { azIndex: props.index % props.subnetIds.length }, { ignoreChanges: ["input"] }).getNumberAttribute("output.azIndex");
    // element() wraps around; the precondition below is what refuses a slot out of range.
    this.subnetId = Fn.element(props.subnetIds, slot) as string;
    this.precondition = {
      condition: Op.lt(slot, Fn.lengthOf(props.subnetIds)),
      errorMessage: `${props.machine} lives in the private subnet of availability zone ${Fn.sum([slot, 1])}, which network.availabilityZones no longer includes; keep that zone until the machine is removed or replaced elsewhere.`,
    };
  }
}

/** Control-plane (05) or compute (06) machines: N instances named `<infraId>-<role>-N`. */
export class NodePool extends Construct {
  readonly machines: Machine[];
  readonly privateIps: string[];

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    assertValidProps(this, checkNodePoolProps(props));
    const master = props.role === "master";
    const replicas = props.replicas ?? (master ? DEFAULT_CONTROL_PLANE_REPLICAS : DEFAULT_COMPUTE_REPLICAS);
    const userData = nodePointer(machineConfigUrl(props.clusterDomain, props.role), props.caSource);
    this.machines = Array.from({ length: replicas }, (_, i) => {
      const name = `${props.infraId}-${props.role}-${i}`;
      const placement = new Placement(this, `${props.role}-${i}-placement`, { machine: name, index: i, subnetIds: props.subnetIds });
      return new Machine(this, `${props.role}-${i}`, {
        name,
        infraId: props.infraId,
        ami: props.ami,
        instanceType: props.instanceType ?? (master ? DEFAULT_CONTROL_PLANE_INSTANCE_TYPE : DEFAULT_COMPUTE_INSTANCE_TYPE),
        subnetId: placement.subnetId,
        securityGroupIds: [props.securityGroupId, ...(props.additionalSecurityGroupIds ?? [])],
        instanceProfileName: props.instanceProfileName,
        userData,
        rootVolume: props.rootVolume,
        targetGroups: props.targetGroups,
        preconditions: [placement.precondition],
        controlPlane: master,
      });
    });
    this.privateIps = this.machines.map((m) => m.privateIp);
    if (master && !replicas) {
      // No master left in the configuration: the guard still compares the state's records (each
      // master's deletion is PLAN-EC2-1), and the state is read while masters live.
      const live = new DataAwsInstances(this, "live-masters", {
        filter: [
          { name: "tag:Name", values: [`${props.infraId}-master-*`] },
          { name: `tag:${clusterTagKey(props.infraId)}`, values: ["owned"] },
        ],
        instanceStateNames: ["pending", "running", "stopping", "stopped"],
      });
      OwnState.of(this).watch(live.ids);
      StackGuards.of(this).cover("PLAN-EC2-1");
    }
  }
}

/** A pool's own settings, shared by NodePool and the cluster's `controlPlane`/`compute` props. */
export function poolSettingsProblems(
  role: "master" | "worker",
  props: { replicas?: unknown; instanceType?: unknown; rootVolume?: object; iamInstanceProfile?: unknown; additionalSecurityGroupIds?: unknown },
  region?: string,
): PropProblem[] {
  const replicas = props.replicas ?? (role === "master" ? DEFAULT_CONTROL_PLANE_REPLICAS : DEFAULT_COMPUTE_REPLICAS);
  const p = new Problems()
    .add(["replicas"], replicasProblem(role, replicas))
    .addAll([], poolOverridesProblems(props, OWN_SECURITY_GROUPS[role], role === "master" ? "control-plane machines" : "compute machines"));
  if (props.instanceType !== undefined) p.add(["instanceType"], instanceTypeProblem(props.instanceType));
  return p.addAll(["rootVolume"], rootVolumeProblems(props.rootVolume ?? {}, ROOT_VOLUME_DEFAULTS, region)).list;
}

/** The pointer config a pool's machines get: the CA is in it, so a large CA can push it over 16 KB. */
export const poolUserDataProblem = (clusterDomain: string, role: "master" | "worker", caSource: string) =>
  userDataProblem(nodePointer(machineConfigUrl(clusterDomain, role), caSource));

/** What NodePool checks of its props in its constructor; each problem names the prop. */
export function checkNodePoolProps(props: NodePoolProps): PropProblem[] {
  const p = new Problems().add(["role"], oneOf(["master", "worker"], props.role));
  if (p.list.length) return p.list;
  p.add(["infraId"], infraIdProblem(props.infraId)).add(["clusterDomain"], required(props.clusterDomain));
  p.addAll([], poolSettingsProblems(props.role, props));
  const replicas = props.replicas ?? 1;
  if (typeof replicas === "number" && replicas > 0) {
    if (!isToken(props.ami)) p.add(["ami"], amiIdProblem(props.ami));
    p.add(["caSource"], required(props.caSource, "is required when the pool has machines (the cluster CA from master.ign or worker.ign)"));
    if (!isToken(props.subnetIds) && (!Array.isArray(props.subnetIds) || props.subnetIds.length === 0)) p.add(["subnetIds"], "must hold at least one subnet");
    if (typeof props.caSource === "string" && typeof props.clusterDomain === "string") {
      p.add(["caSource"], poolUserDataProblem(props.clusterDomain, props.role, props.caSource));
    }
  }
  return p.list;
}
