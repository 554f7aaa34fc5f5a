/**
 * The plan rules (src/plan/rules.ts) enforced by Terraform itself, so that they hold in every
 * path: `cdktf deploy`, plain `terraform plan`/`apply` and HCP Terraform runs, not only
 * `npm run plan`.
 *
 * A plan cannot see its own actions, and a precondition on a value known only after apply is
 * deferred to apply. What a plan does see is the state of the last apply: each guarded object
 * records, as an output of its stack, what it is and the inputs whose change replaces it (or stops
 * and starts it). At plan time the stack reads its own state back (OwnState) and a terraform_data
 * per rule compares the record with the configuration: a recorded object the configuration no
 * longer has is deleted, one whose replacement input differs is replaced. The precondition fails
 * before anything changes, naming the rule and how to acknowledge it.
 *
 * Each object's record refers to the object itself, so a targeted apply (`npm run roll`) updates
 * the records of the machines it targets and no other: Terraform keeps a root output in a
 * targeted run only when every resource it depends on is targeted.
 */
import { Lazy, TerraformLocal, TerraformOutput, TerraformResource, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { PLAN_RULES, PlanRule } from "../plan/rules";
import { OwnState } from "../state/own-state";
import { TerraformData } from "./terraform-data";

/** The rules that refuse a guarded object's replacement or deletion. */
const GONE_RULE_IDS = ["PLAN-EC2-1", "PLAN-ELB-1", "PLAN-DNS-1", "PLAN-VPC-1"] as const;
export type GoneRuleId = (typeof GONE_RULE_IDS)[number];
/** More than one master down in one apply, one of them stopped: judged over PLAN-EC2-1's objects. */
export const STOP_RULE_ID = "PLAN-EC2-2";
/** Every rule a guard enforces (each a rule of src/plan/rules.ts, whose title and fix it prints). */
export const GUARDED_RULE_IDS: readonly string[] = [...GONE_RULE_IDS, STOP_RULE_ID];

/** The prefix of the outputs that record guarded objects. */
export const RECORD_PREFIX = "Guard-";

/** An input value: a string, a token, or absent (the object keeps what it has). */
export type GuardInput = string | undefined;

export interface GuardedObjectProps {
  /** The rule that refuses its replacement or deletion. */
  readonly rule: GoneRuleId;
  /** What it is, for the messages: `control-plane instance demo-x7k2p-master-0`. */
  readonly what: string;
  /**
   * Its configured inputs whose change replaces it, by attribute name. An absent value (an
   * optional, computed attribute left unset) is compared only once set; a set is comma-joined,
   * and only the removal of an element replaces the object.
   */
  readonly replacedBy: Readonly<Record<string, GuardInput>>;
  /** Its inputs whose in-place change stops and starts it (PLAN-EC2-2, masters). @default none */
  readonly stoppedBy?: Readonly<Record<string, GuardInput>>;
}

const ruleOf = (id: string): PlanRule => {
  const rule = PLAN_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no plan rule ${id}`);
  return rule;
};

/** Literal text inside a Terraform template: `${` and `%{` would start a sequence. */
const literal = (text: string) => text.replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");

const inputs = (values: Readonly<Record<string, GuardInput>>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? ""]));

/**
 * A stack's guards: the records of its guarded objects and, per rule that no acknowledgement
 * lifts, the terraform_data whose precondition refuses the plan.
 */
export class StackGuards {
  private static readonly byStack = new WeakMap<TerraformStack, StackGuards>();
  private readonly acknowledged = new Set<string>();
  private readonly configured: Record<string, { replacedBy: Record<string, string>; stoppedBy?: Record<string, string> }> = {};
  private readonly rulesWritten = new Set<string>();
  private findings?: TerraformLocal;

  static of(scope: IConstruct): StackGuards {
    const stack = TerraformStack.of(scope);
    let guards = StackGuards.byStack.get(stack);
    if (!guards) StackGuards.byStack.set(stack, (guards = new StackGuards(stack)));
    return guards;
  }

  /** The cluster file acknowledges `rule`: the stack is written without its guard (records stay). */
  static acknowledge(scope: IConstruct, rule: string): void {
    StackGuards.of(scope).acknowledged.add(rule);
  }

  private constructor(private readonly stack: TerraformStack) {}

  /** Records `resource` in the state and refuses plans that replace or delete it (and stop it, with stoppedBy). */
  guard(resource: TerraformResource, props: GuardedObjectProps): void {
    const key = `${RECORD_PREFIX}${resource.terraformResourceType}-${resource.friendlyUniqueId}`;
    const record = { replacedBy: inputs(props.replacedBy), ...(props.stoppedBy ? { stoppedBy: inputs(props.stoppedBy) } : {}) };
    this.configured[key] = record;
    new TerraformOutput(this.stack, key, {
      staticId: true,
      // `id` ties the record to the object: a targeted apply updates it only with the object.
      value: { rule: props.rule, what: props.what, ...record, id: resource.getStringAttribute("id") },
      description: `What the ${props.rule} guard compares the next plan with (src/guards)`,
    });
    this.addRule(props.rule);
    if (props.stoppedBy) this.addRule(STOP_RULE_ID);
  }

  /**
   * Writes `rule`'s guard even where the configuration has no object left under it (the last
   * master removed): the records in the state are what it compares. The stack must read its state
   * when such objects live (OwnState.watch).
   */
  cover(rule: string): void {
    this.addRule(rule);
  }

  private addRule(id: string): void {
    if (this.rulesWritten.has(id)) return;
    this.rulesWritten.add(id);
    if (this.acknowledged.has(id)) return;
    const rule = ruleOf(id);
    const findings = this.findingsLocal();
    const list = `local.${findings}["${id}"]`;
    const condition = id === STOP_RULE_ID ? `length(${list}) == 0 || length(local.${findings}.down) <= 1` : `length(${list}) == 0`;
    new TerraformData(this.stack, `guard-${id}`, undefined, {
      precondition: [
        {
          condition: `\${${condition}}`,
          errorMessage:
            `[${id}] ${literal(rule.title)}: this plan \${join("; ", ${list})}. Nothing was changed. ` +
            `Fix: ${literal(rule.fix)}. If it is deliberate, acknowledge ${id} in the cluster file's guardrails.acknowledge (with the reason) ` +
            `and synthesize again: the stack is then written without this guard.`,
        },
      ],
    });
  }

  /**
   * `local.guard_findings`: per rule, what the plan would do to the recorded objects; `down` lists
   * the masters it replaces, deletes or stops.
   */
  private findingsLocal(): string {
    if (!this.findings) {
      const configured = new TerraformLocal(this.stack, "guard_configured", Lazy.anyValue({ produce: () => this.configured }));
      // Produced on resolve: the state is read once every live lookup of the stack is known.
      const recorded = () => `{ for k, r in ${OwnState.of(this.stack).outputsExpression()} : k => r if startswith(k, "${RECORD_PREFIX}") }`;
      // The configured value of the record's input f (the recorded v where there is none to
      // compare). An input differs when a recorded element (of a comma-joined set: subnets) is no
      // longer configured, since adding a subnet to a network load balancer does not replace it;
      // for a single value that is inequality. Unset ("") is compared only once set.
      const now = (group: string) => `try(local.${configured.friendlyUniqueId}[k].${group}[f], v)`;
      const differing = (group: string) =>
        `[for f, v in try(r.${group}, {}) : "\${f} \${v == "" ? "(unset)" : v} -> \${${now(group)}}" if !contains(["", v], ${now(group)}) && length(setsubtract(split(",", v), split(",", ${now(group)}))) > 0]`;
      const changes = new TerraformLocal(
        this.stack,
        "guard_changes",
        Lazy.stringValue({
          produce: () =>
            `\${{ for k, r in ${recorded()} : k => { rule = try(r.rule, ""), what = try(r.what, k), gone = !contains(keys(local.${configured.friendlyUniqueId}), k), replaced = ${differing("replacedBy")}, stopped = ${differing("stoppedBy")} } }}`,
        }),
      );
      const c = `local.${changes.friendlyUniqueId}`;
      const gone = (id: string) =>
        `[for k, c in ${c} : c.gone ? "deletes \${c.what}" : "replaces \${c.what} (\${join(", ", c.replaced)})" if c.rule == "${id}" && (c.gone || length(c.replaced) > 0)]`;
      const rules = GONE_RULE_IDS.map((id) => `"${id}" = ${gone(id)}`);
      const stops = `"${STOP_RULE_ID}" = [for k, c in ${c} : "stops and starts \${c.what} to change \${join(", ", c.stopped)}" if c.rule == "PLAN-EC2-1" && !c.gone && length(c.stopped) > 0]`;
      const down = `down = [for k, c in ${c} : k if c.rule == "PLAN-EC2-1" && (c.gone || length(c.replaced) + length(c.stopped) > 0)]`;
      this.findings = new TerraformLocal(this.stack, "guard_findings", `\${{ ${[...rules, stops, down].join(", ")} }}`);
    }
    return this.findings.friendlyUniqueId;
  }
}

/** Guards `resource` in its stack (see StackGuards.guard). */
export function guard(resource: TerraformResource, props: GuardedObjectProps): void {
  StackGuards.of(resource).guard(resource, props);
}
