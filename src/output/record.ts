import * as fs from "node:fs";
import * as path from "node:path";
import * as z from "zod";
import { FileReadError, MiB, readRegularText } from "../config/read-file";

/**
 * The record synth writes into every output folder: it marks the folder as this product's output
 * (so a later synth may replace it, and nothing else) and says what each stack is. Fields are
 * added by extending the schemas below; a reader keeps fields it does not know.
 */
export const OUTPUT_RECORD_FILE = "upi-output.json";
export const OUTPUT_PRODUCT = "openshift-upi-aws";
/** Raised when a field changes meaning; a folder of a newer format is left to the newer product. */
export const OUTPUT_FORMAT = 1;

const stackRecordSchema = z.looseObject({
  /** The clusterName the stack belongs to. */
  cluster: z.string(),
  /** Where its state lives (src/backend/backend.ts stateLocation). */
  state: z.string().optional(),
  /** Where its state lived before the backend settings changed, until the state is migrated. */
  movedFrom: z.string().optional(),
  /**
   * That earlier backend's Terraform settings (`{backend: …}` or `{cloud: …}`), from which synth
   * writes the stack's moved-from folder (src/state/moves.ts).
   */
  movedFromSettings: z.record(z.string(), z.unknown()).optional(),
});

/** What a later synth compares an edit of a running cluster with (src/state/changes.ts). */
const clusterRecordSchema = z.looseObject({
  controlPlaneReplicas: z.number().int().nonnegative(),
  availabilityZones: z.number().int().nonnegative(),
  /** Each machine's AZ slot, as its Placement keeps it in the state. */
  placements: z.record(z.string(), z.number().int().nonnegative()),
  /** The AMI each pool's new machines boot. */
  amis: z.looseObject({ bootstrap: z.string().optional(), controlPlane: z.string().optional(), compute: z.string().optional() }),
});

const outputRecordSchema = z.looseObject({
  product: z.literal(OUTPUT_PRODUCT),
  format: z.number().int().positive(),
  stacks: z.record(z.string(), stackRecordSchema),
  clusters: z.record(z.string(), clusterRecordSchema).optional(),
});

export type StackRecord = z.infer<typeof stackRecordSchema>;
export type ClusterRecord = z.infer<typeof clusterRecordSchema>;
export type OutputRecord = z.infer<typeof outputRecordSchema>;

/** The folder holds an upi-output.json this product cannot take as its own. */
export class OutputRecordError extends Error {}

export function newOutputRecord(stacks: Record<string, StackRecord>, clusters?: Record<string, ClusterRecord>): OutputRecord {
  return { product: OUTPUT_PRODUCT, format: OUTPUT_FORMAT, stacks, ...(clusters ? { clusters } : {}) };
}

/** The folder's record; undefined when it has none. */
export function readOutputRecord(dir: string): OutputRecord | undefined {
  const file = path.join(dir, OUTPUT_RECORD_FILE);
  if (!fs.existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readRegularText(file, MiB, "the record is a few KiB"));
  } catch (e) {
    throw new OutputRecordError(e instanceof FileReadError ? e.message : "is not valid JSON");
  }
  const parsed = outputRecordSchema.safeParse(value);
  if (!parsed.success) throw new OutputRecordError(`is not a record of ${OUTPUT_PRODUCT}`);
  if (parsed.data.format > OUTPUT_FORMAT) {
    throw new OutputRecordError(`is of format ${parsed.data.format}, written by a newer version of this product (this one writes ${OUTPUT_FORMAT})`);
  }
  return parsed.data;
}

export function writeOutputRecord(dir: string, record: OutputRecord): void {
  fs.writeFileSync(path.join(dir, OUTPUT_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}
