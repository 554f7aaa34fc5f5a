import { echo } from "./problems";

/**
 * Names, and what AWS allows for the names built from them. Each function returns what is wrong
 * with a value (undefined when nothing is), echoing it and saying what is allowed.
 */

/** clusterName and infraId (the contract's pattern): a DNS label that fits every name built from it. */
export const NAME_MAX_LENGTH = 27;
export const NAME_PATTERN = /^[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const NAME_FORM = "must start with a letter, end with a letter or digit, and hold only letters, digits and '-'";

/** Longest names built from infraId: `<infraId>-aext` target groups (32) are the binding limit. */
export const TARGET_GROUP_NAME_MAX = 32;
export const LOAD_BALANCER_NAME_MAX = 32;
export const IAM_ROLE_NAME_MAX = 64;
export const IAM_PROFILE_NAME_MAX = 128;
export const IAM_NAME_CHARACTERS = /^[\w+=,.@-]+$/;
/** Route 53 names are at most 253 characters; the longest the product writes is the etcd SRV record. */
const DNS_NAME_MAX = 253;
const LONGEST_RECORD_PREFIX = "_etcd-server-ssl._tcp.";

function nameProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a string (got ${echo(value)})`;
  if (!value) return "must not be empty";
  if (!NAME_PATTERN.test(value)) return `${NAME_FORM} (got ${echo(value)})`;
  return undefined;
}

export function clusterNameProblem(value: unknown): string | undefined {
  const form = nameProblem(value);
  if (form) return form;
  const name = value as string;
  if (name.length > NAME_MAX_LENGTH) return `must be ${NAME_MAX_LENGTH} characters at most (got ${name.length}: ${echo(name)})`;
  return undefined;
}

export function infraIdProblem(value: unknown): string | undefined {
  const form = nameProblem(value);
  if (form) return form;
  const id = value as string;
  const longest = `${id}-aext`;
  if (longest.length > TARGET_GROUP_NAME_MAX) {
    return `must be ${NAME_MAX_LENGTH} characters at most: target groups are named <infraId>-aext and AWS allows ${TARGET_GROUP_NAME_MAX} (got ${id.length}: ${echo(id)})`;
  }
  const lower = id.toLowerCase();
  if (lower === "internal" || lower.startsWith("internal-")) {
    return `must not be or start with "internal-": AWS refuses load balancer names (<infraId>-ext) that start with "internal-" (got ${echo(id)})`;
  }
  const reserved = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => `${lower}-ign-`.startsWith(p));
  if (reserved) return `must not start with "${reserved}": the ignition bucket is named <infraId>-ign-..., and S3 reserves that prefix (got ${echo(id)})`;
  return undefined;
}

/** The base domain: lower-case labels, no trailing dot, room for the records under `<cluster>.<domain>`. */
export function baseDomainProblem(value: unknown, clusterName?: string): string | undefined {
  if (typeof value !== "string") return `must be a string (got ${echo(value)})`;
  if (!value) return "must not be empty";
  if (/\s/.test(value)) return `must not hold spaces (got ${echo(value)})`;
  if (value.endsWith(".") && value.length > 1) return `must not end with a dot: write ${echo(value.replace(/\.+$/, ""))} (got ${echo(value)})`;
  const labels = value.split(".");
  if (labels.some((l) => !l)) return `has an empty label (a leading dot or two dots in a row) (got ${echo(value)})`;
  if (value !== value.toLowerCase()) return `must be lower-case: write ${echo(value.toLowerCase())} (got ${echo(value)})`;
  const bad = labels.find((l) => !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
  if (bad !== undefined) {
    return `label ${echo(bad)} must be 1 to 63 letters, digits or '-', not starting or ending with '-' (got ${echo(value)})`;
  }
  const tld = labels[labels.length - 1];
  if (labels.length < 2 || !/^([a-z]{2,63}|xn--[a-z0-9-]+)$/.test(tld)) {
    return `must be a DNS domain such as example.com, ending in a top-level domain (got ${echo(value)})`;
  }
  const clusterDomain = `${clusterName ?? "x".repeat(NAME_MAX_LENGTH)}.${value}`;
  const longest = LONGEST_RECORD_PREFIX.length + clusterDomain.length;
  if (longest > DNS_NAME_MAX) {
    return `is ${value.length} characters: record names under <clusterName>.<baseDomain> (up to ${LONGEST_RECORD_PREFIX}...) would be ${longest}, over DNS's ${DNS_NAME_MAX}`;
  }
  return undefined;
}

/** A name IAM accepts: its characters, and the length of the longest name built from it. */
export function iamNameProblem(value: unknown, longestSuffix: string, max = IAM_ROLE_NAME_MAX): string | undefined {
  if (typeof value !== "string") return `must be a string (got ${echo(value)})`;
  if (!value) return "must not be empty";
  if (!IAM_NAME_CHARACTERS.test(value)) return `may hold only letters, digits and + = , . @ _ - (IAM names) (got ${echo(value)})`;
  const longest = `${value}${longestSuffix}`;
  if (longest.length > max) return `makes the IAM name ${echo(longest)} ${longest.length} characters; IAM allows ${max}`;
  return undefined;
}
