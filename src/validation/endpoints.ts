import { partition } from "@aws-sdk/util-endpoints";
import * as ipaddr from "ipaddr.js";
import { partitionOf } from "../aws/partition";
import { echo } from "./problems";

/**
 * Custom AWS service endpoints (aws.serviceEndpoints): URLs the provider, the S3 backend, the
 * remote-state blocks and, for S3, the bootstrap node use. What each would refuse later, or what
 * would reach the wrong place, is refused here.
 */

export interface EndpointContext {
  /** The cluster's region, when known. */
  readonly region?: string;
  /** aws.s3UsePathStyle. */
  readonly s3UsePathStyle: boolean;
}

const REGION_LABEL = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function isLoopback(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const bare = host.replace(/^\[|\]$/g, "");
  return ipaddr.isValid(bare) && ipaddr.parse(bare).range() === "loopback";
}

const isIpAddress = (host: string) => ipaddr.isValid(host.replace(/^\[|\]$/g, ""));

/**
 * A port outside 1 to 65535 in a URL: above it, URL parsing fails with no word on why; 0 it
 * accepts, though nothing listens there. Without the value: the schema's messages echo it.
 */
export function urlPortProblem(value: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]/?#]*\]|[^/?#:[]*):(\d+)(?:[/?#]|$)/i.exec(value);
  const port = m ? Number(m[1]) : undefined;
  return port !== undefined && (port < 1 || port > 65535) ? `has port ${port}; ports are 1 to 65535` : undefined;
}

/** What is wrong with endpoint `service`'s URL, or undefined. */
export function serviceEndpointProblem(service: string, value: string, ctx: EndpointContext): string | undefined {
  const port = urlPortProblem(value);
  if (port) return `${port} (got ${echo(value)})`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an http(s) URL (got ${echo(value)})`;
  }
  const host = url.hostname;
  if (url.username || url.password) {
    return "must not hold credentials (user:password@): they would be written into the synthesized Terraform and its state; give them through the AWS credential chain";
  }
  if (!host || host.split(".").some((label, i, all) => label === "" && i !== all.length - 1)) {
    return `has an empty label in its host name (got ${echo(value)})`;
  }
  if (url.search || url.hash) return `must not hold a query or fragment (got ${echo(value)})`;
  if (service === "s3") {
    // The ignition bucket's policy denies requests without TLS: the bootstrap node would get 403.
    // A local emulator serves no bootstrap node, so http is fine there.
    if (url.protocol === "http:" && !isLoopback(host)) {
      return `must be https: the ignition bucket's policy refuses requests without TLS, so the bootstrap node would get 403 (http is only for an emulator on this machine, such as http://127.0.0.1:5000) (got ${echo(value)})`;
    }
    if (isIpAddress(host) && !ctx.s3UsePathStyle) {
      return `is an IP address: buckets cannot be addressed as <bucket>.${host}, so set aws.s3UsePathStyle: true (got ${echo(value)})`;
    }
  }
  return otherRegionProblem(host, value, ctx.region);
}

/** An AWS endpoint of another region or partition than the cluster's. */
function otherRegionProblem(host: string, value: string, region: string | undefined): string | undefined {
  const clusterPartition = region ? partitionOf(region) : undefined;
  if (!region || !clusterPartition) return undefined;
  const suffix = (partition(region) as { dnsSuffix: string }).dnsSuffix;
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  // An AWS host names its region as a label (s3.eu-west-1.amazonaws.com, vpce-...s3.us-east-1.vpce.amazonaws.com).
  const named = labels.find((l) => REGION_LABEL.test(l) && partitionOf(l));
  if (named && named !== region) {
    const other = partitionOf(named);
    return other === clusterPartition
      ? `is an endpoint of region ${named}; the cluster is in ${region}, so give ${region}'s endpoint (got ${echo(value)})`
      : `is an endpoint of partition ${other} (region ${named}); the cluster's region ${region} is in ${clusterPartition} (got ${echo(value)})`;
  }
  // A global endpoint of another partition's domain (iam.amazonaws.com for a China region).
  const awsDomains = ["amazonaws.com", "amazonaws.com.cn"];
  const domain = awsDomains.find((d) => host.endsWith(`.${d}`));
  if (!named && domain && domain !== suffix && !host.endsWith(`.${suffix}`)) {
    return `is an endpoint under ${domain}, but region ${region} is served under ${suffix} (got ${echo(value)})`;
  }
  return undefined;
}
