/**
 * What the product must know of an AWS partition before any API is called: the region name
 * alone tells it. ARNs, service principals and endpoint names are not built from this (they come
 * from the provider's aws_partition data source and the resources' own attributes); it decides
 * the choices that differ by partition: record types and where the bootstrap node fetches its
 * Ignition config.
 */

/** Region name prefixes of the partitions other than `aws`, most specific first. */
const PARTITIONS: readonly (readonly [prefix: string, partition: string])[] = [
  ["us-gov-", "aws-us-gov"],
  ["cn-", "aws-cn"],
  ["us-isob-", "aws-iso-b"],
  ["us-isof-", "aws-iso-f"],
  ["eu-isoe-", "aws-iso-e"],
  ["us-iso-", "aws-iso"],
];

export function partitionOf(region: string): string {
  return PARTITIONS.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "aws";
}

/** The secret and top-secret regions (the aws-iso partitions). */
export const isSecretRegion = (region: string) => partitionOf(region).startsWith("aws-iso");

/**
 * Where Route 53 records of the cluster are CNAMEs (TTL 10) rather than aliases to the load
 * balancers: GovCloud and the secret regions, as Red Hat's docs and the installer do.
 */
export const cnameOnlyRegion = (region: string) => partitionOf(region) === "aws-us-gov" || isSecretRegion(region);
