// The construct library: use these from your own cdktf app, with your own stacks and backend.
export { OpenShiftUpiCluster } from "./cluster/openshift-upi-cluster";
export {
  addBootstrap,
  addClusterInfra,
  addIngress,
  addMachines,
  addPublicIpv4PoolCheck,
  BootstrapProps,
  ClusterInfra,
  IgnitionAssets,
  MachinePoolProps,
  OpenShiftUpiClusterProps,
  PoolOverrides,
  publicIpv4PoolDemand,
} from "./cluster/parts";
export { ClusterNetwork, ClusterNetworkProps, NatGatewayMode, VpcEndpointService } from "./network/network";
export { ExistingNetwork, ExistingNetworkProps } from "./network/existing-network";
export { EdgeZone, EdgeZones, EdgeZonesProps } from "./network/edge-zones";
export { edgeZonesProblems, parseEdgeZoneName, publicIpv4PoolIdProblem } from "./validation/edge";
export { PublicIpv4PoolCheck, PublicIpv4PoolCheckProps, PublicIpv4PoolDemand } from "./network/public-ipv4-pool";
export { INetwork } from "./network/types";
export { ApiLoadBalancers, ApiLoadBalancersProps, ITargetGroup } from "./loadbalancing/api-load-balancers";
export { ClusterDns, ClusterDnsProps, DnsTarget, RecordType } from "./dns/cluster-dns";
export { AppsIngress, AppsIngressProps } from "./dns/apps-ingress";
export { ClusterSecurityGroups, ClusterSecurityGroupsProps } from "./security/security-groups";
export { SECURITY_GROUP_RULES, IngressRuleRow } from "./security/rules";
export { MachineRole, MachineRoleProps, IamPolicyMode, PolicyStatement } from "./security/iam";
export { ExistingInstanceProfile, ExistingInstanceProfileProps } from "./security/existing-instance-profile";
export { providerAssumingRole } from "./aws/assume-role-provider";
export { BootstrapNode, BootstrapNodeProps, HttpsIgnitionSource } from "./machines/bootstrap";
export { NodePool, NodePoolProps } from "./machines/node-pool";
export { Machine, MachineProps, RootVolume } from "./machines/machine";
// Guardrails: the rule pack, and what a rule of your own is written with.
export { Acknowledgement, formatFinding, GuardrailError, GuardrailFinding, Guardrails, GuardrailsProps, readSynthesized, synthWithGuardrails } from "./policy/guardrails";
export { asList, companions, PolicyDocumentStatement, policyStatements, Rule, RULE_IDS, RuleContext, RULES, Subject } from "./policy/rules";
export { clusterTagKey, defaultTags } from "./tags/tags";
export { readInstallDir, InstallAssets } from "./config/install-dir";
export { loadClusterFile } from "./cluster-file";
export { ClusterConfig } from "./config/load";
