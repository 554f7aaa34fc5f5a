import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { ConfigError } from "../src/config/errors";
import { loadClusterFile } from "../src/cluster-file";

/** Writes `content` into `dir` and loads it in-process: the lines of the ConfigError, or a failure if none. */
export function refusal(dir: string, content: Record<string, any> | string, name = "cluster.yaml"): { file: string; lines: string[] } {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === "string" ? content : stringify(content));
  try {
    loadClusterFile(file);
  } catch (e) {
    if (e instanceof ConfigError) return { file, lines: e.message.split("\n") };
    throw e;
  }
  throw new Error(`${file} was accepted`);
}
