/**
 * Cross-stack outputs: cdktf wires a downstream stack to an upstream one through a
 * `terraform_remote_state` data source named `cross-stack-reference-input-<upstream>` and reads
 * `outputs.<name>` of it. A downstream plan made before the upstream's pending output changes are
 * applied would read stale values, or fail on an output that does not exist yet.
 */

/** How an output changes in a plan, as `terraform plan -json` reports it ("noop" when unchanged). */
export type OutputAction = "noop" | "create" | "update" | "delete";

const REFERENCE = /data\.terraform_remote_state\.cross-stack-reference-input-([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;

/** The outputs a synthesized stack (its cdk.tf.json) reads from each upstream stack. */
export function crossStackInputs(stackJson: unknown): Map<string, Set<string>> {
  const inputs = new Map<string, Set<string>>();
  for (const [, upstream, output] of JSON.stringify(stackJson).matchAll(REFERENCE)) {
    if (!inputs.has(upstream)) inputs.set(upstream, new Set());
    inputs.get(upstream)!.add(output);
  }
  return inputs;
}

/** What a downstream stack needs to know of an upstream stack that has been dealt with. */
export type UpstreamState =
  | { readonly planned: true; readonly outputs: ReadonlyMap<string, OutputAction> }
  /** Not planned: waiting itself, refused, or its plan failed. */
  | { readonly planned: false };

/**
 * The upstream stacks a downstream stack waits on; none when it can be planned now. It waits on
 * an upstream while any output it reads from it is new, changes or goes away, or is not in the
 * upstream's state at all (never applied), and whenever that upstream could not be planned.
 */
export function waitsOn(inputs: ReadonlyMap<string, ReadonlySet<string>>, upstream: ReadonlyMap<string, UpstreamState>): string[] {
  return [...inputs].flatMap(([stack, outputs]) => {
    const state = upstream.get(stack);
    // Not among the stacks being planned: its state is read as it is.
    if (!state) return [];
    return !state.planned || [...outputs].some((o) => state.outputs.get(o) !== "noop") ? [stack] : [];
  });
}
