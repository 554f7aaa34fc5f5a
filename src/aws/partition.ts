import { partitionOf } from "../validation/aws";

/**
 * What differs by partition beyond names: record types, and where the bootstrap node fetches its
 * Ignition config. ARNs, service principals and endpoint names are never built from this (they
 * come from the provider's aws_partition data source and the resources' own attributes).
 */

/** The partition of a region the AWS SDK knows; `aws` for one it does not know yet. */
export const partitionOfRegion = (region: string) => partitionOf(region) ?? "aws";

/** The secret and top-secret regions (the aws-iso partitions). */
export const isSecretRegion = (region: string) => partitionOfRegion(region).startsWith("aws-iso");

/**
 * Where Route 53 records of the cluster are CNAMEs (TTL 10) rather than aliases to the load
 * balancers: GovCloud and the secret regions, as Red Hat's docs and the installer do.
 */
export const cnameOnlyRegion = (region: string) => partitionOfRegion(region) === "aws-us-gov" || isSecretRegion(region);
