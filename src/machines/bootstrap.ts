import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_BOOTSTRAP_INSTANCE_TYPE, DEFAULT_IAM_POLICY, DEFAULT_PUBLISH, IAM_POLICY_MODES, IamPolicyMode, PUBLISH_MODES, PublishMode } from "../defaults";
import type { ITargetGroup } from "../loadbalancing/api-load-balancers";
import { networkProblems, type INetwork } from "../network/types";
import { ExistingInstanceProfile } from "../security/existing-instance-profile";
import { bootstrapStatements, MachineRole } from "../security/iam";
import { securityGroupWithEgress } from "../security/security-groups";
import { nameTag } from "../tags/tags";
import { bootstrapPointer, httpsObjectUrl } from "./ignition";
import { Machine, ROOT_VOLUME_DEFAULTS, RootVolume } from "./machine";
import { assertValidProps, required, PropProblem, Problems, oneOf, isToken, echo } from "../validation/problems";
import { instanceTypeProblem, kmsKeyArnProblem, amiIdProblem, iamPolicyArnProblem } from "../validation/aws";
import { publicIpv4PoolIdProblem } from "../validation/edge";
import { rootVolumeProblems } from "../validation/machines";
import { infraIdProblem } from "../validation/names";
import { allowedCidrsProblems } from "../validation/network";
import { poolOverridesProblems, OWN_SECURITY_GROUPS } from "../validation/restricted";

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
  /** An existing instance profile: no role, policy or profile is created. @default a new one */
  readonly iamInstanceProfile?: string;
  /** Existing groups added to the node's own two. @default none */
  readonly additionalSecurityGroupIds?: readonly string[];
  /**
   * Fetch bootstrap.ign over https (a custom S3 endpoint, a non-commercial partition) rather than
   * `s3://` with the node's role. @default s3://
   */
  readonly httpsIgnition?: HttpsIgnitionSource;
}

/** Where the bootstrap node fetches bootstrap.ign over https. */
export interface HttpsIgnitionSource {
  /** A custom S3 endpoint (aws.serviceEndpoints.s3). @default the bucket's regional endpoint */
  readonly endpoint?: string;
  /** Path-style URLs on that endpoint. @default false (virtual-hosted) */
  readonly pathStyle?: boolean;
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
    const subnetId = external ? network.publicSubnetIds[0] : network.privateSubnetIds[0];
    const key = "bootstrap.ign";

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
          applyServerSideEncryptionByDefault: props.ignitionKmsKeyArn ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.ignitionKmsKeyArn } : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.ignitionKmsKeyArn ? true : undefined,
        },
      ],
    });
    const profile = props.iamInstanceProfile
      ? new ExistingInstanceProfile(this, "existing-profile", { name: props.iamInstanceProfile, field: "machines.bootstrap.iamInstanceProfile" })
      : undefined;
    const objectArn = `${bucket.arn}/${key}`;
    // Ignition's https fetch carries no credentials: the object is readable from the bootstrap
    // node's subnet, through the VPC's S3 endpoint, and from nowhere else. A profile of your own
    // is let in by the bucket, as its role cannot be granted a bucket whose name it cannot know.
    const readers = props.httpsIgnition
      ? [
          {
            Sid: "BootstrapSubnetReadsIgnition",
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: objectArn,
            Condition: {
              StringEquals: { "aws:SourceVpc": network.vpcId },
              IpAddress: { "aws:VpcSourceIp": new DataAwsSubnet(this, "bootstrap-subnet", { id: subnetId }).cidrBlock },
            },
          },
        ]
      : profile
        ? [{ Sid: "BootstrapProfileReadsIgnition", Effect: "Allow", Principal: { AWS: profile.roleArn }, Action: "s3:GetObject", Resource: objectArn }]
        : [];
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
          ...readers,
        ],
      }),
    });
    // Copied into the stack folder, so the plan does not name a path of the synthesizing machine.
    const asset = new TerraformAsset(this, "bootstrap-ign", { path: props.ignitionFile, type: AssetType.FILE });
    const object = new S3Object(this, "bootstrap-ign-object", {
      bucket: bucket.id,
      key,
      source: asset.path,
      // A new bootstrap.ign (same size, other content) is uploaded again.
      sourceHash: asset.assetHash,
      contentType: "application/json",
      // Uploaded under the bucket's own key when one is given.
      dependsOn: [encryption],
    });
    this.ignitionBucketName = bucket.bucket;

    const role =
      profile ??
      new MachineRole(this, "iam", {
        name: `${infraId}-bootstrap`,
        statements: [
          ...bootstrapStatements(props.iamPolicy ?? DEFAULT_IAM_POLICY, `${bucket.arn}/${object.key}`),
          ...(props.ignitionKmsKeyArn ? [{ Effect: "Allow" as const, Action: ["kms:Decrypt"], Resource: props.ignitionKmsKeyArn }] : []),
        ],
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
      subnetId,
      associatePublicIp: external && !props.publicIpv4Pool,
      securityGroupIds: [group.id, props.masterSecurityGroupId, ...(props.additionalSecurityGroupIds ?? [])],
      instanceProfileName: role.instanceProfileName,
      userData: bootstrapPointer(
        props.httpsIgnition
          ? httpsObjectUrl({ bucket: bucket.bucket, key: object.key, regionalDomainName: bucket.bucketRegionalDomainName, ...props.httpsIgnition })
          : // The object's own attributes, so the node is launched only once its config is uploaded.
            `s3://${bucket.bucket}/${object.key}`,
      ),
      rootVolume: props.rootVolume,
      targetGroups: props.targetGroups,
    });
    this.instanceId = machine.instance.id;
    this.privateIp = machine.privateIp;
    // With a pool of your own, the address is an EIP from it rather than an auto-assigned one.
    const poolIp =
      external && props.publicIpv4Pool
        ? new Eip(this, "public-ip", { domain: "vpc", publicIpv4Pool: props.publicIpv4Pool, instance: machine.instance.id, tags: nameTag(`${infraId}-bootstrap`) })
        : undefined;
    this.publicIp = poolIp?.publicIp ?? machine.instance.publicIp;
  }
}

/** The bootstrap node's own settings, shared by BootstrapNode and the cluster's `bootstrap` props. */
export function bootstrapSettingsProblems(
  props: {
    instanceType?: unknown;
    allowedCidrs?: readonly unknown[];
    ignitionKmsKeyArn?: unknown;
    rootVolume?: object;
    iamInstanceProfile?: unknown;
    additionalSecurityGroupIds?: unknown;
  },
  region?: string,
): PropProblem[] {
  const p = new Problems().addAll([], poolOverridesProblems(props, OWN_SECURITY_GROUPS.bootstrap, "the bootstrap node"));
  if (props.instanceType !== undefined) p.add(["instanceType"], instanceTypeProblem(props.instanceType));
  if (props.allowedCidrs !== undefined) {
    if (!Array.isArray(props.allowedCidrs)) p.add(["allowedCidrs"], `must be a list of CIDRs (got ${echo(props.allowedCidrs)})`);
    else p.addAll(["allowedCidrs"], allowedCidrsProblems(props.allowedCidrs));
  }
  if (props.ignitionKmsKeyArn !== undefined && !isToken(props.ignitionKmsKeyArn)) p.add(["ignitionKmsKeyArn"], kmsKeyArnProblem(props.ignitionKmsKeyArn, region));
  p.addAll(["rootVolume"], rootVolumeProblems(props.rootVolume ?? {}, ROOT_VOLUME_DEFAULTS, region));
  return p.list;
}

/** What BootstrapNode checks of its props in its constructor; each problem names the prop. */
export function checkBootstrapNodeProps(props: BootstrapNodeProps): PropProblem[] {
  const publish = props.publish ?? DEFAULT_PUBLISH;
  const p = new Problems()
    .add(["infraId"], infraIdProblem(props.infraId))
    .add(["publish"], oneOf(PUBLISH_MODES, publish))
    .add(["ignitionFile"], required(props.ignitionFile))
    .addAll(["network"], networkProblems(props.network, publish === "External"));
  if (!isToken(props.ami)) p.add(["ami"], amiIdProblem(props.ami));
  if (props.publicIpv4Pool !== undefined) p.add(["publicIpv4Pool"], publicIpv4PoolIdProblem(props.publicIpv4Pool));
  if (props.iamPolicy !== undefined) p.add(["iamPolicy"], oneOf(IAM_POLICY_MODES, props.iamPolicy));
  if (props.permissionsBoundaryArn !== undefined && !isToken(props.permissionsBoundaryArn)) {
    p.add(["permissionsBoundaryArn"], iamPolicyArnProblem(props.permissionsBoundaryArn));
  }
  return p.addAll([], bootstrapSettingsProblems(props)).list;
}
