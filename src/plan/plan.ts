import * as fs from "node:fs";
import * as path from "node:path";
import { stateLocation } from "../backend/backend";
import { readStackJson } from "../cdktf/stack-json";
import { checkPlan, PlanFinding } from "./check";
import { limiter, visitInOrder } from "./graph";
import { explainOwnStateRead } from "./hcp";
import { parsePlanJson } from "./plan-json";
import { planRefusal, Preflight, StackToPlan } from "./preflight";
import { countChanges, PlanCounts, Report, StackOutcome } from "./report";
import { lastLines, needsInit, planToFile, showPlan, terraform } from "./terraform";
import { crossStackInputs, OutputAction, UpstreamState, waitsOn } from "./waits";

/** A guard's precondition error, as readPlanLog gives it (Terraform names no address): `<summary>: [<rule>] <message>`. */
const GUARD_REFUSAL = /^Resource precondition failed: \[(PLAN-[A-Z0-9]+-\d+)\] (.*)$/;

/** The plan file kept in each stack folder, for `terraform apply upi.tfplan`. */
export const PLAN_FILE = "upi.tfplan";

export interface PlanStacksOptions {
  readonly stacks: readonly StackToPlan[];
  /** Each stack's upstream stacks (cdktf's manifest). */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  /** Terraform processes at once. */
  readonly concurrency: number;
  /** @default planRefusal */
  readonly mayPlan?: (stack: StackToPlan, stackJson: unknown, run: <T>(fn: () => Promise<T>) => Promise<T>) => Promise<Preflight>;
  /** Progress, one line at a time. @default none */
  readonly progress?: (line: string) => void;
}

/** What running Terraform in one stack folder gave. */
type Attempt =
  | { readonly status: "refused" | "failed"; readonly reason: string }
  | { readonly status: "planned"; readonly outputs: ReadonlyMap<string, OutputAction>; readonly unchanged: boolean };

/**
 * Plans every stack: `terraform init` when the folder needs it, `terraform plan -out=upi.tfplan`,
 * then, unless the plan's log says nothing changes, `terraform show -json` for the checker and the
 * table. Whether a stack's plan counts is
 * decided in dependency order: a stack that reads an upstream output which the upstream's plan
 * changes (or that the upstream's state lacks) waits on that stack, and its plan is dropped.
 * Planning never writes a state, so every stack is planned at once (at most `concurrency`
 * Terraform processes, upstream stacks first): on an unchanged cluster the time is that of the
 * slowest stack, not the sum along the dependency chain.
 */
export async function planStacks(options: PlanStacksOptions): Promise<Report> {
  const { stacks, progress = () => undefined, mayPlan = planRefusal } = options;
  const run = limiter(options.concurrency);
  const outcomes = new Map<string, StackOutcome>();
  const findings = new Map<string, PlanFinding[]>();
  const shows: Promise<void>[] = [];
  const warnings = new Map<string, string>();
  const order = stacks.map((s) => s.name);
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  const attempt = async (stack: StackToPlan, stackJson: unknown): Promise<Attempt> => {
    const { refusal, warning, failure } = await mayPlan(stack, stackJson, run);
    if (refusal) return { status: "refused", reason: refusal };
    if (failure) return { status: "failed", reason: failure };
    if (warning) warnings.set(stack.name, warning);
    if (needsInit(stack.dir, stackJson)) {
      const init = await run(() => (progress(`${stack.name}: terraform init`), terraform(stack.dir, ["init", "-input=false", "-no-color"])));
      if (init.code !== 0) return { status: "failed", reason: `terraform init failed:\n${indent(lastLines(init.stderr || init.stdout))}` };
    }
    const plan = await run(() => (progress(`${stack.name}: terraform plan`), planToFile(stack.dir, PLAN_FILE)));
    if (!plan.ok) {
      // Terraform saves an errored plan too (it refuses to apply it): none may sit beside a stack not planned.
      fs.rmSync(path.join(stack.dir, PLAN_FILE), { force: true });
      // The stack's own guards (src/guards) refused the plan: their messages are the findings.
      const guarded = plan.errors.map((e) => GUARD_REFUSAL.exec(e)).filter((m): m is RegExpExecArray => m !== null);
      if (guarded.length) return { status: "refused", reason: guarded.map((m) => `[${m[1]}] ${stack.name}: ${m[2]}`).join("\n") };
      const { location } = stateLocation(stack.cluster, stack.name);
      return { status: "failed", reason: `terraform plan failed:\n${indent(plan.errors.map((e) => explainOwnStateRead(e, stack.name, location)).join("\n"))}` };
    }
    return { status: "planned", outputs: plan.outputs, unchanged: plan.unchanged };
  };

  const prepared = new Map(
    stacks.map((stack) => {
      const stackJson = readStackJson(path.join(stack.dir, "cdk.tf.json"));
      // A plan file left from an earlier run must never sit beside a stack that is not planned now.
      fs.rmSync(path.join(stack.dir, PLAN_FILE), { force: true });
      const attempted = attempt(stack, stackJson);
      // Awaited in dependency order; an error is raised from there, never as an unhandled rejection.
      attempted.catch(() => undefined);
      return [stack.name, { stack, inputs: crossStackInputs(stackJson), attempt: attempted }];
    }),
  );

  const decide = async (name: string, upstream: ReadonlyMap<string, UpstreamState>): Promise<UpstreamState> => {
    const { stack, inputs, attempt } = prepared.get(name)!;
    const result = await attempt;
    // A refusal concerns the stack itself, whatever its upstream does: every refused stack is named at once.
    if (result.status === "refused") {
      outcomes.set(name, { stack: name, ...result });
      progress(`${name}: refused`);
      return { planned: false };
    }
    const on = waitsOn(inputs, upstream).sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (on.length) {
      fs.rmSync(path.join(stack.dir, PLAN_FILE), { force: true });
      outcomes.set(name, { stack: name, status: "waiting", on });
      progress(`${name}: waits on ${on.join(", ")}`);
      return { planned: false };
    }
    if (result.status !== "planned") {
      outcomes.set(name, { stack: name, ...result });
      progress(`${name}: ${result.status}`);
      return { planned: false };
    }
    const planned = (counts: PlanCounts) => outcomes.set(name, { stack: name, status: "planned", counts, planFile: PLAN_FILE, stackDir: stack.dir });
    if (result.unchanged) {
      // Nothing changes: the JSON plan would have nothing to count or check.
      planned(countChanges({ format_version: "1.2" }));
      progress(`${name}: no changes (${seconds()})`);
      return { planned: true, outputs: result.outputs };
    }
    shows.push(
      run(() => showPlan(stack.dir, PLAN_FILE)).then(
        (text) => {
          const planJson = parsePlanJson(text, path.join(stack.dir, PLAN_FILE));
          planned(countChanges(planJson));
          findings.set(name, checkPlan(planJson, name, { acknowledge: stack.cluster.guardrails.acknowledge }));
          progress(`${name}: planned (${seconds()})`);
        },
        (e) => void outcomes.set(name, { stack: name, status: "failed", reason: (e as Error).message }),
      ),
    );
    return { planned: true, outputs: result.outputs };
  };

  await visitInOrder(order, options.dependencies, decide);
  await Promise.all(shows);
  return {
    outcomes: stacks.map((s) => outcomes.get(s.name)!),
    findings: stacks.flatMap((s) => findings.get(s.name) ?? []),
    warnings: stacks.flatMap((s) => warnings.get(s.name) ?? []),
  };
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
