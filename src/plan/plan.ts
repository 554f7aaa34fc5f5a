import * as fs from "node:fs";
import * as path from "node:path";
import { checkPlan, PlanFinding } from "./check";
import { limiter, visitInOrder } from "./graph";
import { parsePlanJson } from "./plan-json";
import { planRefusal, StackToPlan } from "./preflight";
import { countChanges, Report, StackOutcome } from "./report";
import { lastLines, needsInit, planToFile, showPlan, terraform } from "./terraform";
import { crossStackInputs, UpstreamState, waitsOn } from "./waits";

/** The plan file kept in each stack folder, for `terraform apply upi.tfplan`. */
export const PLAN_FILE = "upi.tfplan";

export interface PlanStacksOptions {
  readonly stacks: readonly StackToPlan[];
  /** Each stack's upstream stacks (cdktf's manifest). */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  /** Terraform processes at once. */
  readonly concurrency: number;
  /** @default planRefusal */
  readonly mayPlan?: (stack: StackToPlan) => Promise<string | undefined>;
  /** Progress, one line at a time. @default none */
  readonly progress?: (line: string) => void;
}

/**
 * Plans every stack in dependency order, side by side where the graph allows: `terraform init`
 * when the folder needs it, `terraform plan -out=upi.tfplan`, then `terraform show -json` for the
 * checker and the table. A stack that reads an upstream output which the upstream's plan
 * changes (or that the upstream's state lacks) is not planned and waits on that stack.
 */
export async function planStacks(options: PlanStacksOptions): Promise<Report> {
  const { stacks, progress = () => undefined, mayPlan = planRefusal } = options;
  const run = limiter(options.concurrency);
  const outcomes = new Map<string, StackOutcome>();
  const findings = new Map<string, PlanFinding[]>();
  const shows: Promise<void>[] = [];
  const byName = new Map(stacks.map((s) => [s.name, s]));

  const planOne = async (name: string, upstream: ReadonlyMap<string, UpstreamState>): Promise<UpstreamState> => {
    const stack = byName.get(name)!;
    const started = Date.now();
    const stackJson = JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8"));
    // A plan file left from an earlier run must never sit beside a stack that is not planned now.
    fs.rmSync(path.join(stack.dir, PLAN_FILE), { force: true });
    const fail = (status: "refused" | "failed", reason: string): UpstreamState => {
      outcomes.set(name, { stack: name, status, reason });
      progress(`${name}: ${status}`);
      return { planned: false };
    };

    const on = waitsOn(crossStackInputs(stackJson), upstream);
    if (on.length) {
      outcomes.set(name, { stack: name, status: "waiting", on });
      progress(`${name}: waits on ${on.join(", ")}`);
      return { planned: false };
    }
    const refusal = await mayPlan(stack);
    if (refusal) return fail("refused", refusal);
    if (needsInit(stack.dir, stackJson)) {
      progress(`${name}: terraform init`);
      const init = await run(() => terraform(stack.dir, ["init", "-input=false", "-no-color"]));
      if (init.code !== 0) return fail("failed", `terraform init failed:\n${indent(lastLines(init.stderr || init.stdout))}`);
    }
    progress(`${name}: terraform plan`);
    const plan = await run(() => planToFile(stack.dir, PLAN_FILE));
    if (!plan.ok) return fail("failed", `terraform plan failed:\n${indent(plan.errors.join("\n"))}`);

    // Downstream stacks start now; the JSON plan is read meanwhile.
    shows.push(
      run(() => showPlan(stack.dir, PLAN_FILE)).then(
        (text) => {
          const planJson = parsePlanJson(text, path.join(stack.dir, PLAN_FILE));
          outcomes.set(name, { stack: name, status: "planned", counts: countChanges(planJson), planFile: PLAN_FILE, stackDir: stack.dir });
          findings.set(name, checkPlan(planJson, name, { acknowledge: stack.cluster.guardrails.acknowledge }));
          progress(`${name}: planned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        },
        (e) => void fail("failed", (e as Error).message),
      ),
    );
    return { planned: true, outputs: plan.outputs! };
  };

  await visitInOrder(
    stacks.map((s) => s.name),
    options.dependencies,
    planOne,
  );
  await Promise.all(shows);
  return {
    outcomes: stacks.map((s) => outcomes.get(s.name)!),
    findings: stacks.flatMap((s) => findings.get(s.name) ?? []),
  };
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
