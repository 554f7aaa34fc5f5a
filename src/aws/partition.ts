import { partition } from "@aws-sdk/util-endpoints";

/**
 * What differs by partition beyond names: record types, and where the bootstrap node fetches its
 * Ignition config. ARNs, service principals and endpoint names are never built from this (they
 * come from the provider's aws_partition data source and the resources' own attributes).
 * Regions and partitions come from the AWS SDK's own endpoint metadata (kept current by AWS with
 * every SDK release).
 */

/** A region name's form (us-east-1, us-gov-west-1, ...), known to the SDK or not. */
export const REGION_FORM = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The partition of a region the SDK knows (aws, aws-cn, aws-us-gov, aws-iso, ...); undefined otherwise. */
export function partitionOf(region: string): string | undefined {
  if (!REGION_FORM.test(region)) return undefined; // also leaves out the pseudo-regions such as aws-global
  const info = partition(region) as { name: string; description?: string };
  // Listed regions carry their description; a region that only matches a partition's pattern does not.
  return info.description === undefined ? undefined : info.name;
}

/** The partition of a region the AWS SDK knows; `aws` for one it does not know yet. */
export const partitionOfRegion = (region: string) => partitionOf(region) ?? "aws";

/** The secret and top-secret regions (the aws-iso partitions). */
export const isSecretRegion = (region: string) => partitionOfRegion(region).startsWith("aws-iso");

/**
 * Where Route 53 records of the cluster are CNAMEs (TTL 10) rather than aliases to the load
 * balancers: GovCloud and the secret regions, as Red Hat's docs and the installer do.
 */
export const cnameOnlyRegion = (region: string) => partitionOfRegion(region) === "aws-us-gov" || isSecretRegion(region);
