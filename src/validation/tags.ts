import { clusterTagKey } from "../tags/tags";
import { echo, PropProblem } from "./problems";

/** AWS allows 50 tags on a resource; the product adds its own to the file's (src/tags/tags.ts). */
export const TAGS_PER_RESOURCE_MAX = 50;
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;
/**
 * The characters every service the tags reach accepts (IAM is the strictest of them): letters,
 * digits and spaces in any script, and _ . : / = + - @.
 */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Keys the product sets on some resource besides the file's tags. */
const productTagKeys = (infraId: string) => ["Name", clusterTagKey(infraId), "kubernetes.io/role/elb", "kubernetes.io/role/internal-elb"];

export function tagsProblems(tags: Readonly<Record<string, unknown>>, infraId: string | undefined): PropProblem[] {
  const out: PropProblem[] = [];
  const keys = Object.keys(tags);
  // A subnet carries Name, the cluster tag and one role tag besides the file's: the most of any resource.
  const own = infraId ? productTagKeys(infraId).slice(0, 3) : [];
  const total = new Set([...keys, ...own]).size;
  if (total > TAGS_PER_RESOURCE_MAX) {
    out.push({
      prop: [],
      message: `${keys.length} tags, with the product's own (Name, kubernetes.io/cluster/<infraId>, kubernetes.io/role/*), make ${total} on a subnet; AWS allows ${TAGS_PER_RESOURCE_MAX} per resource, so at most ${TAGS_PER_RESOURCE_MAX - own.length} of your own`,
    });
    return out;
  }
  // IAM treats tag keys case-insensitively: roles and instance profiles refuse two keys differing only in case.
  const byLowerCase = new Map<string, string>();
  for (const key of keys) {
    const first = byLowerCase.get(key.toLowerCase());
    if (first !== undefined)
      out.push({ prop: [key], message: `differs from the tag key ${echo(first)} only in case; IAM treats tag keys case-insensitively, so give one of them` });
    else byLowerCase.set(key.toLowerCase(), key);
  }
  for (const key of keys) {
    const value = tags[key];
    if (key.length < 1 || key.length > TAG_KEY_MAX) out.push({ prop: [key], message: `keys must be 1 to ${TAG_KEY_MAX} characters (got ${key.length})` });
    else if (/^aws:/i.test(key)) out.push({ prop: [key], message: `tag keys may not start with aws: (in any case), which AWS reserves (got ${echo(key)})` });
    else if (!TAG_CHARACTERS.test(key)) out.push({ prop: [key], message: `keys may hold only letters, digits, spaces and _ . : / = + - @ (got ${echo(key)})` });
    if (typeof value !== "string") continue; // the schema reports the type
    if (value.length > TAG_VALUE_MAX) out.push({ prop: [key], message: `values must be ${TAG_VALUE_MAX} characters at most (got ${value.length})` });
    else if (!TAG_CHARACTERS.test(value)) out.push({ prop: [key], message: `values may hold only letters, digits, spaces and _ . : / = + - @ (got ${echo(value)})` });
  }
  return out;
}
