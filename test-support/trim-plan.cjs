// Trims a real JSON plan (terraform show -json <planfile>) into a test fixture: the plan's own
// fields the checker reads, and the managed resource changes of the given types (all when none).
// Usage: node test-support/trim-plan.cjs plan.json [aws_instance,aws_lb,...] > fixture.json
const fs = require("node:fs");

const [file, types] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(file, "utf8"));
const keep = types ? new Set(types.split(",")) : undefined;
const trimmed = {
  format_version: plan.format_version,
  terraform_version: plan.terraform_version,
  resource_changes: (plan.resource_changes ?? []).filter((rc) => rc.mode === "managed" && (!keep || keep.has(rc.type))),
  ...(plan.output_changes ? { output_changes: plan.output_changes } : {}),
};
process.stdout.write(`${JSON.stringify(trimmed, null, 1)}\n`);
