import * as fs from "node:fs";
import * as path from "node:path";
import { EC2_INSTANCE_TYPES } from "../../src/validation/instance-types";
import { instanceTypesModule } from "../../test-support/instance-types";
import { ROOT } from "../../test-support/paths";

const FILE = path.join(ROOT, "src", "validation", "instance-types.ts");

test("the instance-type list is the installed AWS SDK's (UPDATE_INSTANCE_TYPES=1 writes it again)", () => {
  const expected = instanceTypesModule();
  if (process.env.UPDATE_INSTANCE_TYPES) fs.writeFileSync(FILE, expected);
  expect(fs.readFileSync(FILE, "utf8")).toBe(expected);
  expect(EC2_INSTANCE_TYPES.has("m6i.xlarge")).toBe(true);
  expect(EC2_INSTANCE_TYPES.has("foo.bar")).toBe(false);
});
