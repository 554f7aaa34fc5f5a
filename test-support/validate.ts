import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "./paths";
import { terraform } from "./terraform";

/** A synthesized stack to validate: a name for the report and its folder. */
export interface StackToValidate {
  readonly name: string;
  readonly dir: string;
}

/** A stack's `terraform validate` errors (none: valid) and warnings. */
export interface ValidateOutcome {
  readonly name: string;
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * A stack as a module: its cdk.tf.json, or its cdk.tf (`cdktf synth --hcl`), without the blocks
 * only a root module may hold.
 */
function moduleFile(dir: string): [name: string, text: string] {
  const jsonFile = path.join(dir, "cdk.tf.json");
  if (!fs.existsSync(jsonFile)) return ["cdk.tf", withoutRootBlocks(fs.readFileSync(path.join(dir, "cdk.tf"), "utf8"))];
  const json = JSON.parse(fs.readFileSync(jsonFile, "utf8"));
  delete json.import;
  delete json.terraform?.backend;
  delete json.terraform?.cloud;
  return ["cdk.tf.json", JSON.stringify(json)];
}

/** cdktf's HCL without its backend, cloud and import blocks: each opens on a line of its own, and ends where its braces balance. */
function withoutRootBlocks(hcl: string): string {
  const kept: string[] = [];
  let depth = 0;
  for (const line of hcl.split("\n")) {
    if (depth === 0 && !/^\s*(backend "[\w-]+"|cloud|import) \{$/.test(line)) {
      kept.push(line);
      continue;
    }
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
  }
  return kept.join("\n");
}

/**
 * `terraform validate` of many synthesized stacks (JSON or `--hcl`) in one Terraform run, each a module of one root.
 * A validate starts the AWS provider twice (for its schema, then for the walk), about 3 s of CPU
 * however small the stack, so the suites' fifty stacks cost a minute of CPU and this costs seconds.
 * Terraform takes a backend and `import` blocks only in a root module: the modules' copies leave
 * them out. The backend is what `terraform init` checks, and a suite validates at least one
 * cluster's stacks as roots of their own, import blocks and all.
 */
export async function validateAsModules(stacks: readonly StackToValidate[]): Promise<ValidateOutcome[]> {
  const root = tempDir("upi-validate-");
  try {
    const modules: Record<string, { source: string }> = {};
    stacks.forEach((stack, i) => {
      const [name, text] = moduleFile(stack.dir);
      fs.mkdirSync(path.join(root, "modules", `m${i}`), { recursive: true });
      fs.writeFileSync(path.join(root, "modules", `m${i}`, name), text);
      modules[`m${i}`] = { source: `./modules/m${i}` };
    });
    fs.writeFileSync(path.join(root, "main.tf.json"), JSON.stringify({ module: modules }));
    const init = await terraform(root, ["init", "-input=false", "-backend=false"]);
    if (init.code !== 0) throw new Error(`terraform init of the modules' root failed:\n${init.stderr}${init.stdout.slice(-2000)}`);
    const validate = await terraform(root, ["validate", "-json"]);
    const report = JSON.parse(validate.stdout || "{}");
    if (!Array.isArray(report.diagnostics)) throw new Error(`terraform validate printed no report:\n${validate.stderr}${validate.stdout.slice(-2000)}`);
    const diagnostics = (severity: string): { file?: string; text: string }[] =>
      report.diagnostics
        .filter((d: any) => d.severity === severity)
        .map((d: any) => ({ file: d.range?.filename, text: `${d.range ? `${d.range.filename}:${d.range.start.line}: ` : ""}${d.summary}: ${d.detail ?? ""}` }));
    const [errors, warnings] = [diagnostics("error"), diagnostics("warning")];
    // A diagnostic without a place (a provider's, say) belongs to every stack.
    const ofModule = (list: typeof errors, i: number) => list.filter((e) => !e.file || e.file.split(/[\\/]/).slice(0, 2).join("/") === `modules/m${i}`).map((e) => e.text);
    return stacks.map((stack, i) => ({ name: stack.name, errors: ofModule(errors, i), warnings: ofModule(warnings, i) }));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
