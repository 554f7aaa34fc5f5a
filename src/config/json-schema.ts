import * as z from "zod";
import { clusterFileSchema } from "./schema";

/** The cluster file's JSON Schema for editors (`yaml-language-server: $schema=...`), from the same zod schema. */
export function clusterFileJsonSchema(): string {
  const schema = z.toJSONSchema(clusterFileSchema, { io: "input", target: "draft-7" });
  return `${JSON.stringify({ ...schema, title: "OpenShift UPI on AWS: cluster file" }, null, 2)}\n`;
}
