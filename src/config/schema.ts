import * as z from "zod";
import {
  BACKEND_TYPES,
  DEFAULT_AVAILABILITY_ZONE_COUNT,
  DEFAULT_BACKEND_TYPE,
  DEFAULT_BOOTSTRAP_ENABLED,
  DEFAULT_BOOTSTRAP_INSTANCE_TYPE,
  CLOUD_AWS_CREDENTIALS,
  CLOUD_EXECUTION_MODES,
  DEFAULT_CLOUD_EXECUTION_MODE,
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
  EDGE_ZONE_TYPES,
  IAM_POLICY_MODES,
  NAT_GATEWAY_MODES,
  PUBLISH_MODES,
  RECORD_TYPES,
  ROUTER_LOAD_BALANCER_TYPES,
  SERVICE_ENDPOINT_NAMES,
  VOLUME_TYPES,
  VPC_ENDPOINT_SERVICES,
} from "../defaults";
import { NAME_MAX_LENGTH, NAME_PATTERN } from "../validation/names";
import { urlPortProblem } from "../validation/endpoints";

/**
 * The cluster file's schema: one definition gives the TypeScript types, the defaults, the shapes
 * (types, choices, known fields) and the committed JSON Schema (`schema/cluster.schema.json`).
 * The rules on values (names, CIDRs, counts, ARNs) are the constructs' own checks, run on the
 * parsed file by validate.ts, so the file and the construct library cannot disagree.
 * Field names follow ../shared/spec/cluster-config.md, which is a contract: extend, never rename.
 */

/** A string whose form the constructs' checks decide; `hint` is the form, for editors. */
const text = (hint?: string) => (hint ? z.string().describe(hint) : z.string());
/** A whole number whose range the constructs' checks decide (an integer in the JSON Schema). */
const count = () => z.number().meta({ type: "integer" });
const name = () => z.string().meta({ pattern: NAME_PATTERN.source }).describe(`Letters, digits and '-', ${NAME_MAX_LENGTH} characters at most`);

/**
 * An optional field that also takes an explicit `null` (the contract writes `iops: null`); both
 * come out as absent, so the constructs' optional props take the value as it is.
 */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const rootVolume = z
  .strictObject({
    sizeGiB: count().default(DEFAULT_ROOT_VOLUME_SIZE_GIB).describe("Root volume size in GiB (gp2, gp3: 1 to 16384; io1: 4 to 16384; io2: 4 to 65536)"),
    type: z.enum(VOLUME_TYPES).default(DEFAULT_ROOT_VOLUME_TYPE),
    iops: optional(count()).describe("Provisioned IOPS (gp3: 3000 to 16000; io1: 100 to 64000; io2: 100 to 256000)"),
    kmsKeyArn: optional(text("arn:<partition>:kms:<region>:<account>:key/<id>")).describe("KMS key for the volume; default: the account's EBS key"),
    throughput: optional(count()).describe("gp3 only: MiB/s, 125 to 2000 and at most a quarter of the IOPS"),
  })
  .prefault({});

/** What every pool (bootstrap, controlPlane, compute) may bring of its own in a restricted account. */
const poolOverrides = {
  ami: optional(text("An AMI id such as ami-0123456789abcdef0")).describe("This pool's AMI (an arm64 pool needs its own); default: machines.rhcosAmi"),
  iamInstanceProfile: optional(text("An instance profile name")).describe("An existing instance profile: no role, policy or profile is created for this pool"),
  additionalSecurityGroupIds: z
    .array(text("sg-..."))
    .default([])
    .describe("Existing security groups added to the pool's own (AWS allows 5 per interface unless raised, 16 at most)"),
};

const machinePool = (replicas: number, instanceType: string, replicasHint: string) =>
  z
    .strictObject({
      replicas: count().default(replicas).describe(replicasHint),
      instanceType: text("An EC2 instance type such as m6i.xlarge").default(instanceType),
      rootVolume,
      ...poolOverrides,
    })
    .prefault({});

export const clusterSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Editor hint; ignored"),
    installDir: z.string().min(1).optional().describe("openshift-install asset folder (metadata.json, *.ign)"),
    clusterName: name().optional(),
    baseDomain: text("A lower-case DNS domain such as example.com, without a trailing dot").optional(),
    infraId: name().optional(),
    region: text("An AWS region such as us-east-1").optional(),
    publish: z.enum(PUBLISH_MODES).default(DEFAULT_PUBLISH),

    network: z
      .strictObject({
        vpcCidr: text("An IPv4 CIDR, /16 to /24").default(DEFAULT_VPC_CIDR),
        subnetBits: count().default(DEFAULT_SUBNET_BITS).describe("Host bits per subnet, 5 to 13: 12 gives /20"),
        availabilityZones: z
          .union([count(), z.array(z.string())])
          .default(DEFAULT_AVAILABILITY_ZONE_COUNT)
          .describe("1 to 3, or a list of 1 to 3 AZ names of the region"),
        internetGateway: z
          .boolean()
          .default(DEFAULT_INTERNET_GATEWAY)
          .describe("false: no internet gateway, public subnets, NAT or public route (publish: Internal, natGateways: none)"),
        ownEgress: z.boolean().default(DEFAULT_OWN_EGRESS).describe("With internetGateway: false, true says your own transit gateway, proxy or endpoints carry the traffic to AWS"),
        natGateways: z.enum(NAT_GATEWAY_MODES).default(DEFAULT_NAT_GATEWAYS),
        networkAcl: z
          .boolean()
          .default(DEFAULT_NETWORK_ACL)
          .describe("The public subnets' network ACL: the documented TCP entries plus DNS, NTP and ICMP through the NAT gateways"),
        vpcEndpoints: z.array(z.enum(VPC_ENDPOINT_SERVICES)).default(() => [...DEFAULT_VPC_ENDPOINTS]),
        edgeZones: z
          .array(
            z.strictObject({
              name: text("A Local Zone such as us-east-1-nyc-1a or a Wavelength Zone such as us-east-1-wl1-bos-wlz-1"),
              type: z.enum(EDGE_ZONE_TYPES),
              cidr: optional(text("An IPv4 CIDR, /27 or larger")).describe(
                "The zone's block, halved into private and public subnets; default: carved from vpcCidr after the regular subnets",
              ),
            }),
          )
          .default([])
          .describe("Local Zones and Wavelength Zones: a private subnet each, and a public one with publish: External"),
        publicIpv4Pool: optional(text("ipv4pool-ec2-...")).describe("A public IPv4 pool of your own: NAT gateway, external API NLB and bootstrap addresses come from it"),
        existingVpc: z
          .strictObject({
            vpcId: text("vpc-..."),
            publicSubnetIds: z.array(text("subnet-...")).default([]),
            privateSubnetIds: z.array(text("subnet-...")),
          })
          .optional()
          .describe("Bring your own VPC: no network stack is created"),
      })
      .prefault({}),

    dns: z
      .strictObject({
        publicHostedZoneId: optional(text("A Route 53 zone id such as Z0123456789ABC")),
        privateHostedZoneId: optional(text("A Route 53 zone id such as Z0123456789ABC")).describe(
          "An existing private zone for <clusterName>.<baseDomain>, associated with the VPC: records only (needs existingVpc)",
        ),
        hostedZoneRoleArn: optional(text("arn:<partition>:iam::<account>:role/<name>")).describe(
          "Assumed for every record in the private zone (a zone of another account; needs privateHostedZoneId)",
        ),
        recordType: z.enum(RECORD_TYPES).default(DEFAULT_RECORD_TYPE),
        etcdRecords: z.boolean().default(DEFAULT_ETCD_RECORDS),
      })
      .prefault({}),

    iam: z
      .strictObject({
        policy: z.enum(IAM_POLICY_MODES).default(DEFAULT_IAM_POLICY),
        permissionsBoundaryArn: optional(text("arn:<partition>:iam::<account>:policy/<name>")),
      })
      .prefault({}),

    machines: z
      .strictObject({
        rhcosAmi: optional(text("An AMI id such as ami-0123456789abcdef0")),
        bootstrap: z
          .strictObject({
            enabled: z.boolean().default(DEFAULT_BOOTSTRAP_ENABLED),
            instanceType: text("An EC2 instance type such as i3.large").default(DEFAULT_BOOTSTRAP_INSTANCE_TYPE),
            allowedCidrs: z.array(z.string()).default([]).describe("Sources for tcp 22 and 19531 (at most 30); default: the VPC CIDR"),
            ignitionKmsKeyArn: optional(text("arn:<partition>:kms:<region>:<account>:key/<id>")).describe("KMS key for the ignition bucket; default: SSE-S3"),
            rootVolume,
            ...poolOverrides,
          })
          .prefault({}),
        controlPlane: machinePool(DEFAULT_CONTROL_PLANE_REPLICAS, DEFAULT_CONTROL_PLANE_INSTANCE_TYPE, "3, or 0 to create none here"),
        compute: machinePool(DEFAULT_COMPUTE_REPLICAS, DEFAULT_COMPUTE_INSTANCE_TYPE, "0 to 1997"),
      })
      .prefault({}),

    ingress: z
      .strictObject({
        routerLoadBalancerHostname: optional(text("The router's load balancer DNS name")).describe("Day 2: adds the <clusterName>-ingress stack with *.apps records"),
        loadBalancerType: z.enum(ROUTER_LOAD_BALANCER_TYPES).default(DEFAULT_ROUTER_LOAD_BALANCER_TYPE),
      })
      .prefault({}),

    tags: z.record(z.string(), z.string()).default({}).describe("Added to every taggable resource (47 at most, keys not starting with aws:)"),

    guardrails: z
      .strictObject({
        acknowledge: z
          .array(
            z.strictObject({
              rule: text("A rule id such as UPI-EC2-1 or PLAN-..."),
              reason: z.string().trim().min(1, { error: "must say why the finding is accepted" }),
            }),
          )
          .default([]),
      })
      .prefault({}),

    aws: z
      .strictObject({
        serviceEndpoints: z
          .partialRecord(
            z.enum(SERVICE_ENDPOINT_NAMES),
            z.url({
              protocol: /^https?$/,
              error: (issue) => (typeof issue.input === "string" && urlPortProblem(issue.input)) || "must be an http(s) URL",
            }),
          )
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
            bucket: text("An S3 bucket name"),
            keyPrefix: text("Folder of the state keys, without leading or trailing /").optional(),
            region: text("An AWS region").optional(),
            useLockfile: z.boolean().default(true),
            dynamodbTable: optional(text("A DynamoDB table name")),
            encrypt: z.boolean().default(true),
            kmsKeyId: optional(text("A KMS key or alias ARN")),
          })
          .optional(),
        cloud: z
          .strictObject({
            organization: text("An HCP Terraform organization"),
            hostname: text().default(DEFAULT_CLOUD_HOSTNAME),
            workspacePrefix: text("Letters, digits, '-' and '_'").default(""),
            project: optional(text("An existing HCP Terraform project (default: the organization's default project)")),
            // Set by the <clusterName>-hcp set-up stack (src/hcp/), not by `terraform init`.
            executionMode: z
              .enum(CLOUD_EXECUTION_MODES)
              .default(DEFAULT_CLOUD_EXECUTION_MODE)
              .describe("Where runs execute: remote (HCP), local (this machine), agent (an agent pool)"),
            agentPoolId: optional(text("An agent pool ID, apool-...; required with executionMode: agent")),
            terraformVersion: optional(text("The Terraform version pinned on every workspace, such as 1.11.4 (default: HCP's latest)")),
            awsCredentials: optional(z.enum(CLOUD_AWS_CREDENTIALS)).describe(
              "dynamic: OIDC trust from the workspaces to an AWS role; variables: you set AWS_* on the workspaces; none. Default: dynamic, or none with executionMode: local",
            ),
            awsRoleArn: optional(text("An existing IAM role ARN for dynamic credentials: no OIDC provider or role is created")),
            runTriggers: z.boolean().default(false).describe("Run triggers along the cross-stack dependencies"),
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
