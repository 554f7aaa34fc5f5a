import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { synthesize, SynthResult } from "../src/synth";
import { EXAMPLE_INSTALL_DIR, tempDir } from "./paths";

/** A synthesized stack's Terraform JSON. */
export type StackJson = {
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, { value: unknown }>;
  terraform: any;
  provider: any;
};

export interface Synthesized extends SynthResult {
  readonly file: string;
  readonly json: Record<string, StackJson>;
  stack(suffix: string): StackJson;
}

/** A small valid cluster; tests override what they are about. */
export function baseCluster(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    installDir: EXAMPLE_INSTALL_DIR,
    machines: { rhcosAmi: "ami-0123456789abcdef0" },
    ...overrides,
  };
}

/** Writes `content` as a cluster file and synthesizes it through the real load-and-synth path. */
export function synthCluster(content: Record<string, unknown> | string, dir = tempDir()): Synthesized {
  const file = path.join(dir, "cluster.yaml");
  fs.writeFileSync(file, typeof content === "string" ? content : stringify(content));
  const result = synthesize(file, path.join(dir, "cdktf.out"));
  const json: Record<string, StackJson> = {};
  for (const name of fs.readdirSync(path.join(result.outdir, "stacks"))) {
    json[name] = JSON.parse(fs.readFileSync(path.join(result.outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  }
  return {
    ...result,
    file,
    json,
    stack(suffix: string) {
      const name = Object.keys(json).find((n) => n.endsWith(`-${suffix}`));
      if (!name) throw new Error(`no stack *-${suffix} in ${Object.keys(json).join(", ")}`);
      return json[name];
    },
  };
}

/** The resources of one type in a stack, as [logical name, attributes]. */
export function resources(stack: StackJson, type: string): [string, any][] {
  return Object.entries(stack.resource?.[type] ?? {});
}

export function resourceValues(stack: StackJson, type: string): any[] {
  return resources(stack, type).map(([, v]) => v);
}

export function countResources(stack: StackJson): number {
  return Object.values(stack.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
