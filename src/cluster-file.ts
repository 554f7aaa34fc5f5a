import { checkClusterProps } from "./cluster/checks";
import { ClusterConfig, LoadResult, readClusterFile } from "./config/load";
import { clusterProps } from "./stacks/stacks";

/**
 * Loads, validates and resolves a cluster or fleet file, as synth does: the file's own rules
 * (src/config), and the constructs' rules on the props each cluster's stacks are built from,
 * reported at the file's fields. Throws ConfigError listing every problem.
 */
export function loadClusterFile(file: string): LoadResult {
  // The identity fields are not known to be strings yet: checkClusterProps checks them first.
  return readClusterFile(file, (cluster) => checkClusterProps(clusterProps(cluster as ClusterConfig)));
}
