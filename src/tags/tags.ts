/**
 * One way to tag, everywhere: the provider's default tags carry the file's `tags` and the
 * cluster ownership tag; resources add only their `Name` (and subnets override ownership).
 */
export const clusterTagKey = (infraId: string) => `kubernetes.io/cluster/${infraId}`;

export function defaultTags(infraId: string, userTags: Readonly<Record<string, string>>): Record<string, string> {
  return { ...userTags, [clusterTagKey(infraId)]: "owned" };
}

export function nameTag(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Name: name, ...extra };
}
