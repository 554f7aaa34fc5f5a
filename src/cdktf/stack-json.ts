import * as fs from "node:fs";

/** Blocks of one kind in a stack's JSON: by type (`aws_instance`), then by name, then their arguments. */
export type BlocksByType = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;

/** A synthesized stack's JSON (its cdk.tf.json), as far as this code reads it. */
export interface StackJson {
  readonly resource?: BlocksByType;
  readonly data?: BlocksByType;
  readonly terraform?: {
    readonly backend?: Readonly<Record<string, unknown>>;
    readonly cloud?: unknown;
    readonly required_providers?: Readonly<Record<string, { readonly version?: string }>>;
  };
}

/** A stack's cdk.tf.json, as cdktf wrote it. */
export const readStackJson = (file: string): StackJson => JSON.parse(fs.readFileSync(file, "utf8")) as StackJson;
