import * as fs from "node:fs";
import * as path from "node:path";
import { clusterFileJsonSchema } from "../src/config/json-schema";

// Writes schema/cluster.schema.json; a test fails when the committed file is out of date.
const file = path.join(__dirname, "..", "schema", "cluster.schema.json");
fs.writeFileSync(file, clusterFileJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
