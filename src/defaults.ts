/**
 * Every default and every choice list of the product, written once: the cluster file's schema
 * and the constructs' `@default`s both read them, so the two cannot drift apart.
 */

export const PUBLISH_MODES = ["External", "Internal"] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];
/** External: an internet-facing API load balancer and public records. */
export const DEFAULT_PUBLISH: PublishMode = "External";

// Network (01_vpc.yaml's parameters).
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";
/** Host bits per subnet: 12 gives /20 subnets. */
export const DEFAULT_SUBNET_BITS = 12;
export const DEFAULT_AVAILABILITY_ZONE_COUNT = 3;
export const NAT_GATEWAY_MODES = ["perAz", "single", "none"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];
export const DEFAULT_NAT_GATEWAYS: NatGatewayMode = "perAz";
/** Off, as in Red Hat's current 01_vpc.yaml (the ACL broke the ping-based connectivity checks). */
export const DEFAULT_NETWORK_ACL = false;
export const VPC_ENDPOINT_SERVICES = ["s3", "ec2", "elasticloadbalancing", "sts"] as const;
export type VpcEndpointService = (typeof VPC_ENDPOINT_SERVICES)[number];
export const DEFAULT_VPC_ENDPOINTS: readonly VpcEndpointService[] = ["s3"];
/** false: no internet gateway, public subnets, NAT or public route (publish: Internal only). */
export const DEFAULT_INTERNET_GATEWAY = true;
/** What a cluster without an internet gateway reaches AWS through, unless network.ownEgress says otherwise. */
export const PRIVATE_ONLY_VPC_ENDPOINTS: readonly VpcEndpointService[] = ["s3", "ec2", "elasticloadbalancing", "sts"];
export const DEFAULT_OWN_EGRESS = false;
/** Local Zones and Wavelength Zones (the zone types of DescribeAvailabilityZones). */
export const EDGE_ZONE_TYPES = ["local-zone", "wavelength-zone"] as const;
export type EdgeZoneType = (typeof EDGE_ZONE_TYPES)[number];
/**
 * Edge zone i takes block FIRST_EDGE_ZONE_BLOCK + i of the VPC cut by subnetBits when it gives no
 * cidr: the blocks right after the templates' six (public 0-2, private 3-5).
 */
export const FIRST_EDGE_ZONE_BLOCK = 6;

// DNS.
export const RECORD_TYPES = ["auto", "alias", "cname"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
/** auto: CNAME (TTL 10) in GovCloud and the secret regions, alias elsewhere. */
export const DEFAULT_RECORD_TYPE: RecordType = "auto";
export const DEFAULT_ETCD_RECORDS = false;

// IAM.
export const IAM_POLICY_MODES = ["least-privilege", "documented"] as const;
export type IamPolicyMode = (typeof IAM_POLICY_MODES)[number];
export const DEFAULT_IAM_POLICY: IamPolicyMode = "least-privilege";

// Machines.
export const DEFAULT_BOOTSTRAP_ENABLED = true;
export const DEFAULT_BOOTSTRAP_INSTANCE_TYPE = "i3.large";
export const DEFAULT_CONTROL_PLANE_REPLICAS = 3;
export const DEFAULT_CONTROL_PLANE_INSTANCE_TYPE = "m6i.xlarge";
export const DEFAULT_COMPUTE_REPLICAS = 2;
export const DEFAULT_COMPUTE_INSTANCE_TYPE = "m6i.large";
export const VOLUME_TYPES = ["gp3", "gp2", "io1", "io2"] as const;
export type VolumeType = (typeof VOLUME_TYPES)[number];
export const DEFAULT_ROOT_VOLUME_SIZE_GIB = 120;
export const DEFAULT_ROOT_VOLUME_TYPE: VolumeType = "gp3";
/** gp3 throughput in MiB/s: AWS's range, and at most a quarter of the volume's IOPS. */
export const GP3_THROUGHPUT_RANGE = { min: 125, max: 2000 } as const;
/** The IOPS of a gp3 volume that does not ask for more. */
export const GP3_BASELINE_IOPS = 3000;
/** Security groups per network interface that AWS allows unless the account's quota was raised (at most 16). */
export const SECURITY_GROUPS_PER_INTERFACE = { quota: 5, max: 16 } as const;

// Day-2 ingress.
export const ROUTER_LOAD_BALANCER_TYPES = ["classic", "network"] as const;
export type RouterLoadBalancerType = (typeof ROUTER_LOAD_BALANCER_TYPES)[number];
/** The router Service gets a classic ELB unless it asks for an NLB. */
export const DEFAULT_ROUTER_LOAD_BALANCER_TYPE: RouterLoadBalancerType = "classic";

// AWS provider and backends.
/** install-config's platform.aws.serviceEndpoints names that the product passes on. */
export const SERVICE_ENDPOINT_NAMES = ["ec2", "elasticloadbalancing", "s3", "route53", "iam", "sts", "dynamodb", "kms"] as const;
export type ServiceEndpointName = (typeof SERVICE_ENDPOINT_NAMES)[number];
export const BACKEND_TYPES = ["local", "s3", "cloud"] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];
export const DEFAULT_BACKEND_TYPE: BackendType = "local";
export const DEFAULT_CLOUD_HOSTNAME = "app.terraform.io";
/** HCP Terraform workspace execution modes (backend.cloud.executionMode). */
export const CLOUD_EXECUTION_MODES = ["remote", "local", "agent"] as const;
export const DEFAULT_CLOUD_EXECUTION_MODE: (typeof CLOUD_EXECUTION_MODES)[number] = "remote";
/** How HCP runs get AWS credentials (backend.cloud.awsCredentials). */
export const CLOUD_AWS_CREDENTIALS = ["dynamic", "variables", "none"] as const;
/** The S3 backend's key prefix: `<prefix>/<stack>.tfstate`. */
export const defaultStateKeyPrefix = (clusterName: string) => `openshift/${clusterName}`;
