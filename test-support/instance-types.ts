import { _InstanceType } from "@aws-sdk/client-ec2";
import * as fs from "node:fs";

/** The text of src/validation/instance-types.ts for the installed AWS SDK: its _InstanceType enum, sorted. */
export function instanceTypesModule(): string {
  const { version } = JSON.parse(fs.readFileSync(require.resolve("@aws-sdk/client-ec2/package.json"), "utf8")) as { version: string };
  const types = [...new Set(Object.values(_InstanceType))].sort();
  const lines: string[] = [];
  let line = "";
  for (const item of types.map((t) => `${JSON.stringify(t)},`)) {
    if (line && line.length + 1 + item.length > 118) {
      lines.push(line);
      line = "";
    }
    line = line ? `${line} ${item}` : `  ${item}`;
  }
  lines.push(line);
  return `/**
 * EC2 instance types, copied from the AWS SDK (@aws-sdk/client-ec2 ${version}, its _InstanceType
 * enum) rather than loaded from it: the client is 28 MB and synth needs only this list. A unit
 * test (__tests__/validation/instance-types.test.ts) keeps it equal to the installed SDK's.
 */
export const EC2_INSTANCE_TYPES_SOURCE = "@aws-sdk/client-ec2 ${version}";

export const EC2_INSTANCE_TYPES: ReadonlySet<string> = new Set([
${lines.join("\n")}
]);
`;
}
