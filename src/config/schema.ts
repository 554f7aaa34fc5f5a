import * as z from "zod";

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

/** IPv4 CIDR syntax only; prefix and host-bit rules are checked with the other network rules. */
const cidr = () =>
  z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, { error: "must be an IPv4 CIDR such as 10.0.0.0/16" });

export const NAT_GATEWAY_MODES = ["perAz", "single", "none"] as const;
export const VPC_ENDPOINT_SERVICES = ["s3", "ec2", "elasticloadbalancing"] as const;
/** install-config's platform.aws.serviceEndpoints names that the product passes on. */
export const SERVICE_ENDPOINT_NAMES = [
  "ec2",
  "elasticloadbalancing",
  "s3",
  "route53",
  "iam",
  "sts",
  "dynamodb",
  "kms",
] as const;

const rootVolume = z
  .strictObject({
    sizeGiB: z.number().int().positive().default(120).describe("Root volume size in GiB"),
    type: z.enum(["gp3", "gp2", "io1", "io2"]).default("gp3"),
    iops: z.number().int().positive().nullable().default(null).describe("Provisioned IOPS (gp3, io1, io2)"),
    kmsKeyArn: arn("a KMS key").nullable().default(null).describe("KMS key for the volume; default: the account's EBS key"),
  })
  .prefault({});

const machinePool = (replicas: number, instanceType: string) =>
  z
    .strictObject({
      replicas: z.number().int().min(0).default(replicas),
      instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as m6i.xlarge" })
        .default(instanceType),
      rootVolume,
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
    publish: z.enum(["External", "Internal"]).default("External"),

    network: z
      .strictObject({
        vpcCidr: cidr().default("10.0.0.0/16"),
        subnetBits: z.number().int().min(5).max(13).default(12).describe("Host bits per subnet: 12 gives /20"),
        availabilityZones: z
          .union([
            z.number().int().min(1).max(3),
            z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: "must be an AZ name such as us-east-1a" })).min(1).max(3),
          ])
          .default(3)
          .describe("1 to 3, or a list of 1 to 3 AZ names of the region"),
        natGateways: z.enum(NAT_GATEWAY_MODES).default("perAz"),
        networkAcl: z.boolean().default(false).describe("The public subnets' network ACL: the documented TCP entries plus DNS, NTP and ICMP through the NAT gateways"),
        vpcEndpoints: z.array(z.enum(VPC_ENDPOINT_SERVICES)).default(["s3"]),
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
        publicHostedZoneId: z
          .string()
          .regex(/^[A-Z0-9]{1,32}$/, { error: "must be a Route 53 zone id such as Z0123456789ABC (without /hostedzone/)" })
          .nullable()
          .default(null),
        recordType: z.enum(["alias", "cname"]).default("alias"),
        etcdRecords: z.boolean().default(false),
      })
      .prefault({}),

    iam: z
      .strictObject({
        policy: z.enum(["least-privilege", "documented"]).default("least-privilege"),
        permissionsBoundaryArn: arn("an IAM policy").nullable().default(null),
      })
      .prefault({}),

    machines: z
      .strictObject({
        rhcosAmi: z
          .string()
          .regex(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, { error: "must be an AMI id such as ami-0123456789abcdef0" })
          .nullable()
          .default(null),
        bootstrap: z
          .strictObject({
            enabled: z.boolean().default(true),
            instanceType: z
              .string()
              .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as i3.large" })
              .default("i3.large"),
            allowedCidrs: z.array(cidr()).default([]).describe("Sources for tcp 22 and 19531; default: the VPC CIDR"),
            ignitionKmsKeyArn: arn("a KMS key").nullable().default(null).describe("KMS key for the ignition bucket; default: SSE-S3"),
            rootVolume,
          })
          .prefault({}),
        controlPlane: machinePool(3, "m6i.xlarge"),
        compute: machinePool(2, "m6i.large"),
      })
      .prefault({}),

    ingress: z
      .strictObject({
        routerLoadBalancerHostname: z
          .string()
          .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/i, { error: "must be the load balancer's DNS name (EXTERNAL-IP of router-default)" })
          .nullable()
          .default(null)
          .describe("Day 2: adds the <clusterName>-ingress stack with *.apps records"),
        loadBalancerType: z.enum(["classic", "network"]).default("classic"),
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
        maxRetries: z.number().int().min(0).max(25).nullable().default(null).describe("AWS provider max_retries"),
        s3UsePathStyle: z.boolean().default(false).describe("Path-style S3 addressing (S3-compatible endpoints)"),
        skipCredentialsValidation: z.boolean().default(false).describe("For emulators and secret regions without STS"),
        skipRequestingAccountId: z.boolean().default(false).describe("For emulators and secret regions without STS/IAM"),
      })
      .prefault({}),

    backend: z
      .strictObject({
        type: z.enum(["local", "s3", "cloud"]).default("local"),
        s3: z
          .strictObject({
            bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name" }),
            keyPrefix: z.string().min(1).regex(/^[^/].*[^/]$|^[^/]$/, { error: "must not start or end with /" }).optional(),
            region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region" }).optional(),
            useLockfile: z.boolean().default(true),
            dynamodbTable: z.string().min(3).nullable().default(null),
            encrypt: z.boolean().default(true),
            kmsKeyId: z.string().min(1).nullable().default(null),
          })
          .optional(),
        cloud: z
          .strictObject({
            organization: z.string().min(1),
            hostname: z.string().min(1).default("app.terraform.io"),
            workspacePrefix: z.string().default(""),
            project: z.string().min(1).nullable().default(null),
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
