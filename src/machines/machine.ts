import { DataAwsInstances } from "@cdktf/provider-aws/lib/data-aws-instances";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LbTargetGroupAttachment } from "@cdktf/provider-aws/lib/lb-target-group-attachment";
import { Fn, Op, TerraformElement } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_ROOT_VOLUME_SIZE_GIB, DEFAULT_ROOT_VOLUME_TYPE, VolumeType } from "../defaults";
import type { ITargetGroup } from "../loadbalancing/api-load-balancers";
import { clusterTagKey, nameTag } from "../tags/tags";

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
}

/** A Terraform `import` block with for_each (Terraform >= 1.7): adopts what `ids` finds into `to`. */
class ImportExisting extends TerraformElement {
  constructor(scope: Construct, id: string, private readonly to: Instance, private readonly ids: string[]) {
    super(scope, id);
  }

  toTerraform(): any {
    return { import: [{ for_each: Fn.toset(this.ids), to: `${this.to.terraformResourceType}.${this.to.friendlyUniqueId}`, id: "${each.value}" }] };
  }
}

/**
 * One RHCOS instance: IMDSv2 only, an encrypted root volume, and its load-balancer
 * registrations as plain resources (the templates used a Lambda custom resource).
 */
export class Machine extends Construct {
  readonly instance: Instance;
  readonly privateIp: string;

  constructor(scope: Construct, id: string, props: MachineProps) {
    super(scope, id);
    const volume = props.rootVolume ?? {};
    // An apply interrupted while RunInstances is in flight leaves a running instance that the
    // state never heard of; the next apply would launch a second one. The live instance with
    // this machine's name and cluster tag is adopted instead, and two of them stop the plan.
    const existing = new DataAwsInstances(this, "existing", {
      filter: [
        { name: "tag:Name", values: [props.name] },
        { name: `tag:${clusterTagKey(props.infraId)}`, values: ["owned"] },
      ],
      instanceStateNames: ["pending", "running", "stopping", "stopped"],
    });
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
      lifecycle: {
        precondition: [
          {
            condition: Op.lte(Fn.lengthOf(existing.ids), 1),
            errorMessage: `More than one live instance is named ${props.name}; terminate the one that is not in the Terraform state.`,
          },
        ],
      },
    });
    new ImportExisting(this, "adopt", this.instance, existing.ids);
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
