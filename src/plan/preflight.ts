import type { ClusterConfig } from "../config/load";

/** A synthesized stack about to be planned. */
export interface StackToPlan {
  readonly name: string;
  /** Its folder, `<outdir>/stacks/<name>`. */
  readonly dir: string;
  readonly cluster: ClusterConfig;
}

/**
 * Why a stack must not be planned now, or undefined when it may be. The place for checks that
 * Terraform does not make itself: a stack whose backend changed since the last synth and whose
 * new state location is still empty would plan a second copy of everything it owns (issue 16);
 * the backend recorded by synth is compared here once synth records it.
 */
export async function planRefusal(_stack: StackToPlan): Promise<string | undefined> {
  return undefined;
}
