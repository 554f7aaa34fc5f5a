/**
 * A stack's local state file: beside the output folder, never inside it (a new synth replaces the
 * output folder whole), reached from the stack's folder by a relative path (never an absolute path
 * of the machine that synthesized). Shared by the local backend, the HCP set-up stack and the
 * state-move checks, which must all name the same file.
 */
export const localStateFile = (stackName: string) => `terraform.${stackName}.tfstate`;

/** The path from a stack folder `depth` folders below the output folder's parent: 3 for `cdktf.out/stacks/<stack>`. */
export const localStatePath = (stackName: string, depth: number) => `${"../".repeat(depth)}${localStateFile(stackName)}`;

/** The default local state's location as the output record keeps it (src/backend/backend.ts stateLocation). */
export const localStateLocation = (stackName: string) => `${localStateFile(stackName)} beside the output folder`;
