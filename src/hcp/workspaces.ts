/**
 * The workload stacks' HCP Terraform workspaces and who reads whom, from the stacks as
 * synthesized: each `terraform_remote_state` names the workspace it reads, so sharing and run
 * triggers follow the cross-stack reads that Terraform will actually make, and nothing else.
 */

/** A synthesized stack's JSON, as much of it as is read here. */
export interface SynthesizedStack {
  readonly data?: { readonly terraform_remote_state?: Record<string, { readonly backend?: string; readonly config?: { readonly workspaces?: { readonly name?: string } } }> };
}

/** One workload stack's workspace. */
export interface WorkloadWorkspace {
  /** The stack, `<clusterName>-network`. */
  readonly stack: string;
  /** Its workspace, exactly as the stack's cloud block names it: `<workspacePrefix><stack>`. */
  readonly workspace: string;
  /** The stacks whose state this one reads (its upstreams), in stack order. */
  readonly reads: string[];
  /** The stacks that read this one's state (its remote state consumers), in stack order. */
  readonly readBy: string[];
}

/**
 * The workspaces of `stacks` (in that order), with the reads between them. A read of a workspace
 * outside `stacks` is left out (it is not this cluster's to share); a stack reading its own state
 * (the own-state guard) needs no sharing.
 */
export function workloadWorkspaces(stacks: readonly string[], workspacePrefix: string, synthesized: (stack: string) => SynthesizedStack): WorkloadWorkspace[] {
  const byWorkspace = new Map(stacks.map((s) => [`${workspacePrefix}${s}`, s]));
  const reads = new Map<string, Set<string>>(stacks.map((s) => [s, new Set()]));
  for (const stack of stacks) {
    for (const source of Object.values(synthesized(stack).data?.terraform_remote_state ?? {})) {
      const upstream = byWorkspace.get(source.config?.workspaces?.name ?? "");
      if (source.backend === "remote" && upstream && upstream !== stack) reads.get(stack)!.add(upstream);
    }
  }
  const inOrder = (set: Set<string>) => stacks.filter((s) => set.has(s));
  return stacks.map((stack) => ({
    stack,
    workspace: `${workspacePrefix}${stack}`,
    reads: inOrder(reads.get(stack)!),
    readBy: stacks.filter((s) => reads.get(s)!.has(stack)),
  }));
}
