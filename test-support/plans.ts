import * as fs from "node:fs";
import * as path from "node:path";
import { kindOf, parsePlanJson, PlanJson } from "../src/plan/plan-json";

/**
 * Real JSON plans, trimmed (test-support/trim-plan.cjs): each made by `terraform show -json` on a
 * one-AZ default cluster deployed on the emulator, after the edit its name says
 * (__tests__/plan/fixtures/README.md).
 */
export function planFixture(name: string): PlanJson {
  const file = path.join(__dirname, "..", "__tests__", "plan", "fixtures", `${name}.json`);
  return parsePlanJson(fs.readFileSync(file, "utf8"), file);
}

/** `{address: action}` of every change that does something ("create", "update", "replace", "delete"). */
export function actionsByAddress(plan: PlanJson): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rc of plan.resource_changes ?? []) {
    const kind = kindOf(rc.change.actions);
    if (rc.mode === "managed" && kind !== "none") out[rc.address] = kind;
  }
  return out;
}

/**
 * `{address: action}` of every managed change in a `terraform plan -json` log (its planned_change
 * messages): the same actions as `terraform show -json` gives, without a second Terraform run.
 */
export function actionsFromPlanLog(log: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of log.split("\n")) {
    if (!line.startsWith("{")) continue;
    const m = JSON.parse(line);
    const addr: string | undefined = m.change?.resource?.addr;
    if (m.type === "planned_change" && addr && !/^(data\.|.*\.data\.)/.test(addr) && m.change.action !== "noop") out[addr] = m.change.action;
  }
  return out;
}
