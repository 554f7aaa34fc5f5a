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

export const machineConfigUrl = (clusterDomain: string, role: "master" | "worker") =>
  `https://api-int.${clusterDomain}:22623/config/${role}`;
