/**
 * The edge zones' MTU: 1300 between an edge zone and its region, less the overlay's overhead
 * (100 bytes for OVN-Kubernetes, 50 for OpenShift SDN), as the installer writes it for edge pools.
 */
export const EDGE_ZONE_MTU = { region: 1300, ovnKubernetes: 1200, openShiftSdn: 1250 } as const;

/** Instance MTU on AWS, the machine MTU of a live migration. */
const AWS_INSTANCE_MTU = 9001;

/** What a cluster with edge zones must do about the cluster network MTU, for the synth summary. */
export function edgeZoneMtuNote(clusterName: string, zoneNames: readonly string[]): string {
  const { region, ovnKubernetes, openShiftSdn } = EDGE_ZONE_MTU;
  const patch = { spec: { migration: { mtu: { network: { from: "<current>", to: ovnKubernetes }, machine: { to: AWS_INSTANCE_MTU } } } } };
  return [
    `Edge zones of ${clusterName} (${zoneNames.join(", ")}): the MTU between an edge zone and the region is ${region}, so the`,
    `cluster network MTU must be ${ovnKubernetes} (OVN-Kubernetes; ${openShiftSdn} with OpenShift SDN). Before \`openshift-install`,
    "create ignition-configs`, add manifests/cluster-network-03-config.yml:",
    "  apiVersion: operator.openshift.io/v1",
    "  kind: Network",
    "  metadata:",
    "    name: cluster",
    "  spec:",
    "    defaultNetwork:",
    "      ovnKubernetesConfig:",
    `        mtu: ${ovnKubernetes}`,
    "On a running cluster, migrate instead (<current>: `oc get network.config cluster -o jsonpath='{.status.clusterNetworkMTU}'`):",
    `  oc patch Network.operator.openshift.io cluster --type=merge --patch '${JSON.stringify(patch).replace('"<current>"', "<current>")}'`,
  ].join("\n");
}
