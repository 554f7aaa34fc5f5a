import { Construct } from "constructs";
import {
  DEFAULT_COMPUTE_INSTANCE_TYPE,
  DEFAULT_COMPUTE_REPLICAS,
  DEFAULT_CONTROL_PLANE_INSTANCE_TYPE,
  DEFAULT_CONTROL_PLANE_REPLICAS,
} from "../defaults";
import type { ITargetGroup } from "../loadbalancing/api-load-balancers";
import { machineConfigUrl, nodePointer } from "./ignition";
import { Machine, RootVolume } from "./machine";

export interface NodePoolProps {
  readonly role: "master" | "worker";
  readonly infraId: string;
  /** `<cluster>.<domain>`: the machine config server is `api-int.` of it. */
  readonly clusterDomain: string;
  readonly ami: string;
  /** The cluster CA (data URL) from master.ign or worker.ign. */
  readonly caSource: string;
  /** Machines go round-robin over these. */
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

/** Control-plane (05) or compute (06) machines: N instances named `<infraId>-<role>-N`. */
export class NodePool extends Construct {
  readonly machines: Machine[];
  readonly privateIps: string[];

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    const master = props.role === "master";
    const replicas = props.replicas ?? (master ? DEFAULT_CONTROL_PLANE_REPLICAS : DEFAULT_COMPUTE_REPLICAS);
    const userData = nodePointer(machineConfigUrl(props.clusterDomain, props.role), props.caSource);
    this.machines = Array.from(
      { length: replicas },
      (_, i) =>
        new Machine(this, `${props.role}-${i}`, {
          name: `${props.infraId}-${props.role}-${i}`,
          infraId: props.infraId,
          ami: props.ami,
          instanceType: props.instanceType ?? (master ? DEFAULT_CONTROL_PLANE_INSTANCE_TYPE : DEFAULT_COMPUTE_INSTANCE_TYPE),
          subnetId: props.subnetIds[i % props.subnetIds.length],
          securityGroupIds: [props.securityGroupId, ...(props.additionalSecurityGroupIds ?? [])],
          instanceProfileName: props.instanceProfileName,
          userData,
          rootVolume: props.rootVolume,
          targetGroups: props.targetGroups,
        }),
    );
    this.privateIps = this.machines.map((m) => m.privateIp);
  }
}
