import { partitionOfRegion } from "../aws/partition";

/**
 * Ignition 3.1.0 pointer configs: the only Ignition that goes into user data. The real configs
 * (with their secrets) stay in S3 or are served by the machine config server.
 */

/** Bootstrap: replace the whole config with the object in the ignition bucket. */
export function bootstrapPointer(source: string): string {
  return JSON.stringify({ ignition: { config: { replace: { source } }, version: "3.1.0" } });
}

/** Masters and workers: merge the machine config server's config, trusting the cluster CA. */
export function nodePointer(source: string, caSource: string): string {
  return JSON.stringify({
    ignition: {
      config: { merge: [{ source }] },
      security: { tls: { certificateAuthorities: [{ source: caSource }] } },
      version: "3.1.0",
    },
  });
}

export const machineConfigUrl = (clusterDomain: string, role: "master" | "worker") => `https://api-int.${clusterDomain}:22623/config/${role}`;

/**
 * Ignition fetches an `s3://` source with the instance's role through the AWS SDK, which resolves
 * the S3 endpoint of the instance's partition itself: a custom endpoint (aws.serviceEndpoints.s3)
 * cannot be given to it, and older RHCOS do not know the non-commercial partitions. There the
 * bootstrap node fetches the object over https instead (docs/restricted-accounts.md).
 */
export function bootstrapFetchesOverHttps(region: string, s3Endpoint?: string): boolean {
  return s3Endpoint !== undefined || partitionOfRegion(region) !== "aws";
}

/**
 * The object's https URL: on a custom endpoint, virtual-hosted (`https://<bucket>.<host>/<key>`)
 * or path-style (`<endpoint>/<bucket>/<key>`, for S3-compatible endpoints); otherwise on the
 * bucket's regional endpoint, whose name the provider knows for every partition.
 */
export function httpsObjectUrl(props: { bucket: string; key: string; regionalDomainName: string; endpoint?: string; pathStyle?: boolean }): string {
  const { bucket, key, endpoint } = props;
  if (!endpoint) return `https://${props.regionalDomainName}/${key}`;
  const url = new URL(endpoint);
  const base = url.pathname.replace(/\/+$/, "");
  return props.pathStyle ? `${url.protocol}//${url.host}${base}/${bucket}/${key}` : `${url.protocol}//${bucket}.${url.host}${base}/${key}`;
}
