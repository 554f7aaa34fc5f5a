import * as z from "zod";
import {
  BACKEND_TYPES,
  DEFAULT_AVAILABILITY_ZONE_COUNT,
  DEFAULT_BACKEND_TYPE,
  DEFAULT_BOOTSTRAP_ENABLED,
  DEFAULT_BOOTSTRAP_INSTANCE_TYPE,
  DEFAULT_CLOUD_HOSTNAME,
  DEFAULT_COMPUTE_INSTANCE_TYPE,
  DEFAULT_COMPUTE_REPLICAS,
  DEFAULT_CONTROL_PLANE_INSTANCE_TYPE,
  DEFAULT_CONTROL_PLANE_REPLICAS,
  DEFAULT_ETCD_RECORDS,
  DEFAULT_IAM_POLICY,
  DEFAULT_INTERNET_GATEWAY,
  DEFAULT_NAT_GATEWAYS,
  DEFAULT_NETWORK_ACL,
  DEFAULT_OWN_EGRESS,
  DEFAULT_PUBLISH,
  DEFAULT_RECORD_TYPE,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  DEFAULT_ROOT_VOLUME_TYPE,
  DEFAULT_ROUTER_LOAD_BALANCER_TYPE,
  DEFAULT_SUBNET_BITS,
  DEFAULT_VPC_CIDR,
  DEFAULT_VPC_ENDPOINTS,
  IAM_POLICY_MODES,
  NAT_GATEWAY_MODES,
  PUBLISH_MODES,
  RECORD_TYPES,
  ROUTER_LOAD_BALANCER_TYPES,
  SERVICE_ENDPOINT_NAMES,
  VOLUME_TYPES,
  VPC_ENDPOINT_SERVICES,
} from "../defaults";

/**
 * The cluster file's schema: one definition gives the TypeScript types, the defaults, the
 * validation and the committed JSON Schema (`schema/cluster.schema.json`).
 * Field names follow ../shared/spec/cluster-config.md, which is a contract: extend, never rename.
 */

const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{0,26}$/;
const NAME_RULE = "must start with a letter and hold only letters, digits and '-', 27 characters at most";
const name = () => z.string().regex(NAME_PATTERN, { error: NAME_RULE });

const arn = (what: string) =>
  z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:/, { error: `must be an ARN (arn:<partition>:...) of ${what}` });

const amiId = () => z.string().regex(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, { error: "must be an AMI id such as ami-0123456789abcdef0" });
const securityGroupId = () => z.string().regex(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, { error: "must be a security group id such as sg-0123456789abcdef0" });
const hostedZoneId = () =>
  z.string().regex(/^[A-Z0-9]{1,32}$/, { error: "must be a Route 53 zone id such as Z0123456789ABC (without /hostedzone/)" });

/** IPv4 CIDR syntax only; prefix and host-bit rules are checked with the other network rules. */
const cidr = () =>
  z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, { error: "must be an IPv4 CIDR such as 10.0.0.0/16" });

/**
 * An optional field that also takes an explicit `null` (the contract writes `iops: null`); both
 * come out as absent, so the constructs' optional props take the value as it is.
 */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const rootVolume = z
  .strictObject({
    sizeGiB: z.number().int().positive().default(DEFAULT_ROOT_VOLUME_SIZE_GIB).describe("Root volume size in GiB"),
    type: z.enum(VOLUME_TYPES).default(DEFAULT_ROOT_VOLUME_TYPE),
    iops: optional(z.number().int().positive()).describe("Provisioned IOPS (gp3, io1, io2)"),
    kmsKeyArn: optional(arn("a KMS key")).describe("KMS key for the volume; default: the account's EBS key"),
    throughput: optional(z.number().int().positive()).describe("gp3 only: throughput in MiB/s, 125 to 2000 and at most a quarter of the IOPS"),
  })
  .prefault({});

/** What every pool (bootstrap, controlPlane, compute) may bring of its own. */
const poolOverrides = {
  ami: optional(amiId()).describe("This pool's AMI (an arm64 pool needs its own); default: machines.rhcosAmi"),
  iamInstanceProfile: optional(
    z.string().regex(/^[\w+=,.@-]{1,128}$/, { error: "must be an instance profile name (letters, digits and +=,.@_-, 128 at most)" }),
  ).describe("An existing instance profile: no role, policy or profile is created for this pool"),
  additionalSecurityGroupIds: z.array(securityGroupId()).default([]).describe("Existing groups added to the pool's own"),
};

const machinePool = (replicas: number, instanceType: string) =>
  z
    .strictObject({
      replicas: z.number().int().min(0).default(replicas),
      instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as m6i.xlarge" })
        .default(instanceType),
      rootVolume,
      ...poolOverrides,
    })
    .prefault({});

export const clusterSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Editor hint; ignored"),
    installDir: z.string().min(1).optional().describe("openshift-install asset folder (metadata.json, *.ign)"),
    clusterName: name().optional(),
    baseDomain: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
        error: "must be a lower-case DNS domain such as example.com, without a trailing dot",
      })
      .optional(),
    infraId: name().optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region such as us-east-1" })
      .optional(),
    publish: z.enum(PUBLISH_MODES).default(DEFAULT_PUBLISH),

    network: z
      .strictObject({
        vpcCidr: cidr().default(DEFAULT_VPC_CIDR),
        subnetBits: z.number().int().min(5).max(13).default(DEFAULT_SUBNET_BITS).describe("Host bits per subnet: 12 gives /20"),
        availabilityZones: z
          .union([
            z.number().int().min(1).max(3),
            z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: "must be an AZ name such as us-east-1a" })).min(1).max(3),
          ])
          .default(DEFAULT_AVAILABILITY_ZONE_COUNT)
          .describe("1 to 3, or a list of 1 to 3 AZ names of the region"),
        internetGateway: z
          .boolean()
          .default(DEFAULT_INTERNET_GATEWAY)
          .describe("false: no internet gateway, public subnets, NAT or public route (publish: Internal only)"),
        ownEgress: z
          .boolean()
          .default(DEFAULT_OWN_EGRESS)
          .describe("With internetGateway: false, true says the VPC reaches AWS through your own transit gateway, proxy or endpoints"),
        natGateways: z.enum(NAT_GATEWAY_MODES).default(DEFAULT_NAT_GATEWAYS),
        networkAcl: z.boolean().default(DEFAULT_NETWORK_ACL),
        vpcEndpoints: z.array(z.enum(VPC_ENDPOINT_SERVICES)).default(() => [...DEFAULT_VPC_ENDPOINTS]),
        existingVpc: z
          .strictObject({
            vpcId: z.string().regex(/^vpc-[0-9a-z]+$/, { error: "must be a VPC id such as vpc-0123abcd" }),
            publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-z]+$/, { error: "must be a subnet id" })).max(3).default([]),
            privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-z]+$/, { error: "must be a subnet id" })).min(1).max(3),
          })
          .optional()
          .describe("Bring your own VPC: no network stack is created"),
      })
      .prefault({}),

    dns: z
      .strictObject({
        publicHostedZoneId: optional(hostedZoneId()),
        privateHostedZoneId: optional(hostedZoneId()).describe("An existing private zone for <clusterName>.<baseDomain>: records only (needs existingVpc)"),
        hostedZoneRoleArn: optional(
          z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, { error: "must be an IAM role ARN such as arn:aws:iam::111122223333:role/dns" }),
        ).describe("Assumed for every record in the private zone (a zone of another account)"),
        recordType: z.enum(RECORD_TYPES).default(DEFAULT_RECORD_TYPE),
        etcdRecords: z.boolean().default(DEFAULT_ETCD_RECORDS),
      })
      .prefault({}),

    iam: z
      .strictObject({
        policy: z.enum(IAM_POLICY_MODES).default(DEFAULT_IAM_POLICY),
        permissionsBoundaryArn: optional(arn("an IAM policy")),
      })
      .prefault({}),

    machines: z
      .strictObject({
        rhcosAmi: optional(amiId()),
        bootstrap: z
          .strictObject({
            enabled: z.boolean().default(DEFAULT_BOOTSTRAP_ENABLED),
            instanceType: z
              .string()
              .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as i3.large" })
              .default(DEFAULT_BOOTSTRAP_INSTANCE_TYPE),
            allowedCidrs: z.array(cidr()).default([]).describe("Sources for tcp 22 and 19531; default: the VPC CIDR"),
            ignitionKmsKeyArn: optional(arn("a KMS key")).describe("KMS key for the ignition bucket; default: SSE-S3"),
            rootVolume,
            ...poolOverrides,
          })
          .prefault({}),
        controlPlane: machinePool(DEFAULT_CONTROL_PLANE_REPLICAS, DEFAULT_CONTROL_PLANE_INSTANCE_TYPE),
        compute: machinePool(DEFAULT_COMPUTE_REPLICAS, DEFAULT_COMPUTE_INSTANCE_TYPE),
      })
      .prefault({}),

    ingress: z
      .strictObject({
        routerLoadBalancerHostname: optional(
          z
            .string()
            .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/i, { error: "must be the load balancer's DNS name (EXTERNAL-IP of router-default)" }),
        ).describe("Day 2: adds the <clusterName>-ingress stack with *.apps records"),
        loadBalancerType: z.enum(ROUTER_LOAD_BALANCER_TYPES).default(DEFAULT_ROUTER_LOAD_BALANCER_TYPE),
      })
      .prefault({}),

    tags: z
      .record(
        z.string().min(1).max(128).regex(/^(?!aws:)/, { error: "tag keys may not start with aws:" }),
        z.string().max(256),
      )
      .default({}),

    guardrails: z
      .strictObject({
        acknowledge: z
          .array(
            z.strictObject({
              rule: z.string().regex(/^UPI-[A-Z0-9]+-\d+$/, { error: "must be a rule id such as UPI-EC2-1" }),
              reason: z.string().trim().min(1, { error: "must say why the finding is accepted" }),
            }),
          )
          .default([]),
      })
      .prefault({}),

    aws: z
      .strictObject({
        serviceEndpoints: z
          .partialRecord(z.enum(SERVICE_ENDPOINT_NAMES), z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }))
          .default({}),
        maxRetries: optional(z.number().int().min(0).max(25)).describe("AWS provider max_retries"),
        s3UsePathStyle: z.boolean().default(false).describe("Path-style S3 addressing (S3-compatible endpoints)"),
        skipCredentialsValidation: z.boolean().default(false).describe("For emulators and secret regions without STS"),
        skipRequestingAccountId: z.boolean().default(false).describe("For emulators and secret regions without STS/IAM"),
      })
      .prefault({}),

    backend: z
      .strictObject({
        type: z.enum(BACKEND_TYPES).default(DEFAULT_BACKEND_TYPE),
        s3: z
          .strictObject({
            bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name" }),
            keyPrefix: z.string().min(1).regex(/^[^/].*[^/]$|^[^/]$/, { error: "must not start or end with /" }).optional(),
            region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region" }).optional(),
            useLockfile: z.boolean().default(true),
            dynamodbTable: optional(z.string().min(3)),
            encrypt: z.boolean().default(true),
            kmsKeyId: optional(z.string().min(1)),
          })
          .optional(),
        cloud: z
          .strictObject({
            organization: z.string().min(1),
            hostname: z.string().min(1).default(DEFAULT_CLOUD_HOSTNAME),
            workspacePrefix: z.string().default(""),
            project: optional(z.string().min(1)),
          })
          .optional(),
      })
      .prefault({}),
  })
  .describe("One OpenShift UPI cluster on AWS");

/** A fleet file: the top-level fields are shared defaults, each `clusters` entry overrides them. */
export const clusterFileSchema = clusterSchema.extend({
  clusters: z.array(clusterSchema).min(1).optional().describe("Fleet: one entry per cluster"),
});

export type ClusterInput = z.input<typeof clusterSchema>;
export type ParsedCluster = z.output<typeof clusterSchema>;
