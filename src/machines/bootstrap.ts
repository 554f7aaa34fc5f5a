import { Eip } from "@cdktf/provider-aws/lib/eip";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_BOOTSTRAP_INSTANCE_TYPE, DEFAULT_IAM_POLICY, DEFAULT_PUBLISH, IamPolicyMode, PublishMode } from "../defaults";
import type { ITargetGroup } from "../loadbalancing/api-load-balancers";
import type { INetwork } from "../network/types";
import { bootstrapStatements, MachineRole } from "../security/iam";
import { securityGroupWithEgress } from "../security/security-groups";
import { nameTag } from "../tags/tags";
import { bootstrapPointer } from "./ignition";
import { Machine, RootVolume } from "./machine";
import { checkBootstrapNodeProps } from "../validation/constructs";
import { assertValidProps } from "../validation/problems";

export interface BootstrapNodeProps {
  readonly infraId: string;
  readonly network: INetwork;
  readonly ami: string;
  /** bootstrap.ign from openshift-install; uploaded to the private ignition bucket. */
  readonly ignitionFile: string;
  readonly masterSecurityGroupId: string;
  /** The groups the bootstrap node serves the API from while the masters come up. */
  readonly targetGroups: readonly ITargetGroup[];
  /** @default "i3.large" */
  readonly instanceType?: string;
  /** Sources for tcp 22 and 19531 (journald gateway). @default the VPC CIDR */
  readonly allowedCidrs?: readonly string[];
  /** External: a public subnet with a public IP; Internal: a private subnet. @default "External" */
  readonly publish?: PublishMode;
  /** @default "least-privilege" */
  readonly iamPolicy?: IamPolicyMode;
  /** @default none */
  readonly permissionsBoundaryArn?: string;
  /** KMS key for the ignition bucket. @default SSE-S3 */
  readonly ignitionKmsKeyArn?: string;
  /** @default 120 GiB gp3, encrypted */
  readonly rootVolume?: RootVolume;
  /** External: its public address is an EIP from this pool (ipv4pool-ec2-...). @default an auto-assigned address */
  readonly publicIpv4Pool?: string;
}

/**
 * Everything 04_cluster_bootstrap.yaml creates, plus the ignition bucket the docs create by hand.
 * It is all temporary: removing this construct (or its stack) removes exactly these resources.
 */
export class BootstrapNode extends Construct {
  readonly instanceId: string;
  readonly privateIp: string;
  readonly publicIp: string;
  readonly ignitionBucketName: string;

  constructor(scope: Construct, id: string, props: BootstrapNodeProps) {
    super(scope, id);
    assertValidProps(this, checkBootstrapNodeProps(props));
    const { infraId, network } = props;
    const external = (props.publish ?? DEFAULT_PUBLISH) === "External";

    const bucket = new S3Bucket(this, "ignition-bucket", {
      // Bucket names are global and lower-case; the provider adds a unique suffix.
      bucketPrefix: `${infraId.toLowerCase()}-ign-`,
      forceDestroy: true,
      tags: nameTag(`${infraId}-bootstrap-ignition`),
    });
    new S3BucketPublicAccessBlock(this, "ignition-bucket-private", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const encryption = new S3BucketServerSideEncryptionConfigurationA(this, "ignition-bucket-encryption", {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.ignitionKmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.ignitionKmsKeyArn }
            : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.ignitionKmsKeyArn ? true : undefined,
        },
      ],
    });
    new S3BucketPolicy(this, "ignition-bucket-tls-only", {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });
    // Copied into the stack folder, so the plan does not name a path of the synthesizing machine.
    const asset = new TerraformAsset(this, "bootstrap-ign", { path: props.ignitionFile, type: AssetType.FILE });
    const object = new S3Object(this, "bootstrap-ign-object", {
      bucket: bucket.id,
      key: "bootstrap.ign",
      source: asset.path,
      // A new bootstrap.ign (same size, other content) is uploaded again.
      sourceHash: asset.assetHash,
      contentType: "application/json",
      // Uploaded under the bucket's own key when one is given.
      dependsOn: [encryption],
    });
    this.ignitionBucketName = bucket.bucket;

    const statements = bootstrapStatements(props.iamPolicy ?? DEFAULT_IAM_POLICY, `${bucket.arn}/${object.key}`);
    if (props.ignitionKmsKeyArn) statements.push({ Effect: "Allow", Action: ["kms:Decrypt"], Resource: props.ignitionKmsKeyArn });
    const role = new MachineRole(this, "iam", {
      name: `${infraId}-bootstrap`,
      statements,
      permissionsBoundaryArn: props.permissionsBoundaryArn,
    });

    const group = securityGroupWithEgress(this, "security-group", {
      infraId,
      name: `${infraId}-bootstrap-sg`,
      description: "Cluster bootstrap security group",
      vpcId: network.vpcId,
    });
    const sources = props.allowedCidrs?.length ? [...props.allowedCidrs] : [network.vpcCidr];
    sources.forEach((cidr, i) => {
      for (const [port, what] of [
        [22, "SSH"],
        [19531, "journald gateway (bootstrap logs)"],
      ] as const) {
        new VpcSecurityGroupIngressRule(this, `${port === 22 ? "ssh" : "journald"}-${i}`, {
          securityGroupId: group.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
          description: what,
        });
      }
    });

    const machine = new Machine(this, "machine", {
      name: `${infraId}-bootstrap`,
      infraId,
      ami: props.ami,
      instanceType: props.instanceType ?? DEFAULT_BOOTSTRAP_INSTANCE_TYPE,
      subnetId: external ? network.publicSubnetIds[0] : network.privateSubnetIds[0],
      associatePublicIp: external && !props.publicIpv4Pool,
      securityGroupIds: [group.id, props.masterSecurityGroupId],
      instanceProfileName: role.instanceProfileName,
      userData: bootstrapPointer(`s3://${bucket.bucket}/${object.key}`),
      rootVolume: props.rootVolume,
      targetGroups: props.targetGroups,
    });
    this.instanceId = machine.instance.id;
    this.privateIp = machine.privateIp;
    // With a pool of your own, the address is an EIP from it rather than an auto-assigned one.
    const poolIp = external && props.publicIpv4Pool
      ? new Eip(this, "public-ip", { domain: "vpc", publicIpv4Pool: props.publicIpv4Pool, instance: machine.instance.id, tags: nameTag(`${infraId}-bootstrap`) })
      : undefined;
    this.publicIp = poolIp?.publicIp ?? machine.instance.publicIp;
  }
}
