import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "./paths";
import { terraform } from "./terraform";

/** A synthesized stack to validate: a name for the report and its folder. */
export interface StackToValidate {
  readonly name: string;
  readonly dir: string;
}

/** A stack's `terraform validate` errors (none: valid). */
export interface ValidateOutcome {
  readonly name: string;
  readonly errors: string[];
}

/**
 * `terraform validate` of many synthesized stacks in one Terraform run, each a module of one root.
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
      const json = JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8"));
      delete json.import;
      delete json.terraform?.backend;
      delete json.terraform?.cloud;
      fs.mkdirSync(path.join(root, "modules", `m${i}`), { recursive: true });
      fs.writeFileSync(path.join(root, "modules", `m${i}`, "cdk.tf.json"), JSON.stringify(json));
      modules[`m${i}`] = { source: `./modules/m${i}` };
    });
    fs.writeFileSync(path.join(root, "main.tf.json"), JSON.stringify({ module: modules }));
    const init = await terraform(root, ["init", "-input=false", "-backend=false"]);
    if (init.code !== 0) throw new Error(`terraform init of the modules' root failed:\n${init.stderr}${init.stdout.slice(-2000)}`);
    const validate = await terraform(root, ["validate", "-json"]);
    const report = JSON.parse(validate.stdout || "{}");
    if (!Array.isArray(report.diagnostics)) throw new Error(`terraform validate printed no report:\n${validate.stderr}${validate.stdout.slice(-2000)}`);
    const errors: { file?: string; text: string }[] = report.diagnostics
      .filter((d: any) => d.severity === "error")
      .map((d: any) => ({ file: d.range?.filename, text: `${d.range ? `${d.range.filename}:${d.range.start.line}: ` : ""}${d.summary}: ${d.detail ?? ""}` }));
    // An error without a place (a provider's, say) belongs to every stack.
    const ofModule = (i: number) => errors.filter((e) => !e.file || e.file.split(/[\\/]/).slice(0, 2).join("/") === `modules/m${i}`).map((e) => e.text);
    return stacks.map((stack, i) => ({ name: stack.name, errors: ofModule(i) }));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
