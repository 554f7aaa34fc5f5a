/** The stacks of one cluster, in dependency order: `<clusterName>-<part>`. */
export const STACK_PARTS = ["network", "infra", "bootstrap", "machines", "ingress"] as const;
export type StackPart = (typeof STACK_PARTS)[number];

export const stackName = (clusterName: string, part: StackPart) => `${clusterName}-${part}`;
export const clusterStackNames = (clusterName: string) => STACK_PARTS.map((p) => stackName(clusterName, p));
