import { DataAwsInstances } from "@cdktf/provider-aws/lib/data-aws-instances";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LbTargetGroupAttachment } from "@cdktf/provider-aws/lib/lb-target-group-attachment";
import { Precondition } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_ROOT_VOLUME_SIZE_GIB, DEFAULT_ROOT_VOLUME_TYPE, VolumeType } from "../defaults";
import type { ITargetGroup } from "../loadbalancing/api-load-balancers";
import { guard } from "../guards/guards";
import { adoptOrStop } from "../state/own-state";
import { clusterTagKey, nameTag } from "../tags/tags";
import { assertValidProps, required, PropProblem, Problems, isToken, echo } from "../validation/problems";
import { amiIdProblem, instanceTypeProblem } from "../validation/aws";
import { userDataProblem, rootVolumeProblems } from "../validation/machines";
import { infraIdProblem } from "../validation/names";

export interface RootVolume {
  /** @default 120 */
  readonly sizeGiB?: number;
  /** @default "gp3" */
  readonly type?: VolumeType;
  /** @default none (the volume type's baseline) */
  readonly iops?: number;
  /** @default the account's default EBS key */
  readonly kmsKeyArn?: string;
  /** gp3 only, MiB/s. @default the gp3 baseline (125) */
  readonly throughput?: number;
}

export interface MachineProps {
  readonly name: string;
  readonly infraId: string;
  readonly ami: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly securityGroupIds: string[];
  readonly instanceProfileName: string;
  readonly userData: string;
  /** @default false */
  readonly associatePublicIp?: boolean;
  /** @default 120 GiB gp3, encrypted */
  readonly rootVolume?: RootVolume;
  /** Registered by private IP, each on its own port. @default none */
  readonly targetGroups?: readonly ITargetGroup[];
  /** Checked before the instance is planned (its placement, for instance). @default none */
  readonly preconditions?: readonly Precondition[];
  /**
   * A control-plane machine: a plan that replaces or deletes it (PLAN-EC2-1), or stops it while
   * another master goes down (PLAN-EC2-2), is refused by Terraform itself. @default false
   */
  readonly controlPlane?: boolean;
}

/**
 * What only matters when an instance boots for the first time. RHCOS updates itself in place
 * (machine-config operator) and user data is read at first boot only, so a new AMI or Ignition
 * pointer applies to machines created from then on: changing either on a running machine would
 * replace or stop it, and for the masters lose etcd quorum. `npm run roll` replaces one machine
 * at a time when that is wanted.
 */
export const FIRST_BOOT_ONLY = ["ami", "user_data", "user_data_base64"];

/**
 * One RHCOS instance: IMDSv2 only, an encrypted root volume, and its load-balancer
 * registrations as plain resources (the templates used a Lambda custom resource).
 */
export class Machine extends Construct {
  readonly instance: Instance;
  readonly privateIp: string;

  constructor(scope: Construct, id: string, props: MachineProps) {
    super(scope, id);
    assertValidProps(this, checkMachineProps(props));
    const volume = props.rootVolume ?? {};
    this.instance = new Instance(this, "instance", {
      ami: props.ami,
      instanceType: props.instanceType,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: props.securityGroupIds,
      iamInstanceProfile: props.instanceProfileName,
      associatePublicIpAddress: props.associatePublicIp ?? false,
      userData: props.userData,
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
      rootBlockDevice: {
        volumeSize: volume.sizeGiB ?? DEFAULT_ROOT_VOLUME_SIZE_GIB,
        volumeType: volume.type ?? DEFAULT_ROOT_VOLUME_TYPE,
        iops: volume.iops,
        throughput: volume.throughput,
        encrypted: true,
        kmsKeyId: volume.kmsKeyArn,
        tags: nameTag(props.name),
      },
      tags: nameTag(props.name, { [clusterTagKey(props.infraId)]: "owned" }),
      lifecycle: { ignoreChanges: FIRST_BOOT_ONLY, precondition: props.preconditions && [...props.preconditions] },
    });
    // An apply interrupted while RunInstances is in flight leaves a running instance that the
    // state never heard of; the next apply adopts it rather than launch a second one.
    const live = new DataAwsInstances(this, "existing", {
      filter: [
        { name: "tag:Name", values: [props.name] },
        { name: `tag:${clusterTagKey(props.infraId)}`, values: ["owned"] },
      ],
      instanceStateNames: ["pending", "running", "stopping", "stopped"],
    });
    adoptOrStop(this.instance, { what: `instance ${props.name}`, liveIds: live.ids });
    if (props.controlPlane) {
      // What replaces an instance (AWS provider 5.100: subnet_id, associate_public_ip_address and
      // the root volume's kms_key_id force a new one; ami and user_data are first-boot only and
      // ignored), and what stops and starts it (STOP_START_ATTRIBUTES, as configured here).
      guard(this.instance, {
        rule: "PLAN-EC2-1",
        what: `control-plane instance ${props.name}`,
        replacedBy: {
          subnet_id: props.subnetId,
          associate_public_ip_address: String(props.associatePublicIp ?? false),
          "root_block_device.kms_key_id": volume.kmsKeyArn,
        },
        stoppedBy: { instance_type: props.instanceType },
      });
    }
    this.privateIp = this.instance.privateIp;
    for (const group of props.targetGroups ?? []) {
      new LbTargetGroupAttachment(this, `${group.purpose}-target`, {
        targetGroupArn: group.targetGroupArn,
        targetId: this.instance.privateIp,
        port: group.port,
      });
    }
  }
}

/** A root volume's size and type when the props leave them out. */
export const ROOT_VOLUME_DEFAULTS = { sizeGiB: DEFAULT_ROOT_VOLUME_SIZE_GIB, type: DEFAULT_ROOT_VOLUME_TYPE };

/** Name tags are at most 256 characters. */
const NAME_TAG_MAX = 256;

/** What Machine checks of its props in its constructor; each problem names the prop. */
export function checkMachineProps(props: MachineProps): PropProblem[] {
  const p = new Problems();
  if (typeof props.name !== "string" || !props.name || props.name.length > NAME_TAG_MAX) {
    p.add(["name"], `must be 1 to ${NAME_TAG_MAX} characters (its Name tag) (got ${echo(props.name)})`);
  }
  p.add(["infraId"], infraIdProblem(props.infraId));
  if (!isToken(props.ami)) p.add(["ami"], amiIdProblem(props.ami));
  p.add(["instanceType"], instanceTypeProblem(props.instanceType));
  p.add(["subnetId"], required(props.subnetId));
  p.add(["instanceProfileName"], required(props.instanceProfileName));
  if (!isToken(props.securityGroupIds) && (!Array.isArray(props.securityGroupIds) || props.securityGroupIds.length === 0)) {
    p.add(["securityGroupIds"], "must hold at least one security group");
  }
  if (typeof props.userData === "string") p.add(["userData"], userDataProblem(props.userData));
  return p.addAll(["rootVolume"], rootVolumeProblems(props.rootVolume ?? {}, ROOT_VOLUME_DEFAULTS)).list;
}
