/**
 * The master and worker security-group ingress rules, one row per rule, named after the
 * CloudFormation logical ids of 03_cluster_security.yaml (the current template, with the
 * OVN-Kubernetes Geneve and IPsec rules). `source` is the group traffic comes from, or the VPC CIDR.
 */
export type NodeRole = "master" | "worker";

export interface IngressRuleRow {
  readonly id: string;
  readonly group: NodeRole;
  readonly source: NodeRole | "vpc";
  /** tcp, udp, icmp, or an IP protocol number ("50" is ESP, which has no ports). */
  readonly protocol: "tcp" | "udp" | "icmp" | "50";
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly description: string;
}

const vpcRows: IngressRuleRow[] = [
  // ICMP type 0 code 0, as the templates have it.
  { id: "MasterIcmp", group: "master", source: "vpc", protocol: "icmp", fromPort: 0, toPort: 0, description: "ICMP from the VPC" },
  { id: "MasterSsh", group: "master", source: "vpc", protocol: "tcp", fromPort: 22, toPort: 22, description: "SSH from the VPC" },
  { id: "MasterApi", group: "master", source: "vpc", protocol: "tcp", fromPort: 6443, toPort: 6443, description: "Kubernetes API from the VPC (NLB IP targets)" },
  {
    id: "MasterMachineConfig",
    group: "master",
    source: "vpc",
    protocol: "tcp",
    fromPort: 22623,
    toPort: 22623,
    description: "Machine config server from the VPC (NLB IP targets)",
  },
  { id: "WorkerIcmp", group: "worker", source: "vpc", protocol: "icmp", fromPort: 0, toPort: 0, description: "ICMP from the VPC" },
  { id: "WorkerSsh", group: "worker", source: "vpc", protocol: "tcp", fromPort: 22, toPort: 22, description: "SSH from the VPC" },
];

/** Rules every pair of groups gets, in both directions (group <- group, group <- other). */
const meshRows: { name: string; protocol: IngressRuleRow["protocol"]; from?: number; to?: number; description: string }[] = [
  { name: "Vxlan", protocol: "udp", from: 4789, to: 4789, description: "VXLAN packets" },
  { name: "Geneve", protocol: "udp", from: 6081, to: 6081, description: "Geneve packets" },
  { name: "IpsecIke", protocol: "udp", from: 500, to: 500, description: "IPsec IKE packets" },
  { name: "IpsecNat", protocol: "udp", from: 4500, to: 4500, description: "IPsec NAT-T packets" },
  { name: "IpsecEsp", protocol: "50", description: "IPsec ESP packets" },
  { name: "Internal", protocol: "tcp", from: 9000, to: 9999, description: "Internal cluster communication" },
  { name: "InternalUDP", protocol: "udp", from: 9000, to: 9999, description: "Internal cluster communication" },
  { name: "IngressServices", protocol: "tcp", from: 30000, to: 32767, description: "Kubernetes ingress services" },
  { name: "IngressServicesUDP", protocol: "udp", from: 30000, to: 32767, description: "Kubernetes ingress services" },
];

const pairRows = (group: NodeRole): IngressRuleRow[] => {
  const other: NodeRole = group === "master" ? "worker" : "master";
  const prefix = group === "master" ? "Master" : "Worker";
  const otherName = other === "master" ? "Master" : "Worker";
  return meshRows.flatMap((r) =>
    [group, other].map((source) => ({
      id: `${prefix}Ingress${source === group ? "" : otherName}${r.name}`,
      group,
      source,
      protocol: r.protocol,
      fromPort: r.from,
      toPort: r.to,
      description: r.description,
    })),
  );
};

export const SECURITY_GROUP_RULES: readonly IngressRuleRow[] = [
  ...vpcRows,
  { id: "MasterIngressEtcd", group: "master", source: "master", protocol: "tcp", fromPort: 2379, toPort: 2380, description: "etcd" },
  ...pairRows("master"),
  {
    id: "MasterIngressKube",
    group: "master",
    source: "master",
    protocol: "tcp",
    fromPort: 10250,
    toPort: 10259,
    description: "Kubernetes kubelet, scheduler and controller manager",
  },
  {
    id: "MasterIngressWorkerKube",
    group: "master",
    source: "worker",
    protocol: "tcp",
    fromPort: 10250,
    toPort: 10259,
    description: "Kubernetes kubelet, scheduler and controller manager",
  },
  ...pairRows("worker"),
  { id: "WorkerIngressKube", group: "worker", source: "worker", protocol: "tcp", fromPort: 10250, toPort: 10250, description: "Kubernetes secure kubelet port" },
  // The template names this one WorkerIngressWorkerKube although its source is the master group.
  { id: "WorkerIngressWorkerKube", group: "worker", source: "master", protocol: "tcp", fromPort: 10250, toPort: 10250, description: "Internal Kubernetes communication" },
];
