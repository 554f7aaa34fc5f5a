import * as fs from "node:fs";
import * as path from "node:path";
import { App, IAspect, TerraformBackend, TerraformOutput, TerraformResource, TerraformStack } from "cdktf";
import { IConstruct, IValidation } from "constructs";
import { Rule, RULES, RuleContext, Subject } from "./rules";

export interface Acknowledgement {
  readonly rule: string;
  readonly reason: string;
}

export interface GuardrailFinding {
  readonly rule: Rule;
  readonly path: string;
  readonly what: string;
  /** Why it is accepted; absent for a finding that stops synth. */
  readonly acknowledged?: string;
}

export function formatFinding(f: GuardrailFinding): string {
  const line = `[${f.rule.id}] ${f.path}: ${f.what}`;
  return f.acknowledged ? `warning: ${line} (acknowledged: ${f.acknowledged})` : `${line} (fix: ${f.rule.fix})`;
}

/** Synth stopped: one line per finding, and nothing written. */
export class GuardrailError extends Error {
  constructor(readonly findings: readonly GuardrailFinding[]) {
    super(findings.map(formatFinding).join("\n"));
    this.name = "GuardrailError";
  }
}

export interface GuardrailsProps {
  readonly infraId: string;
  /** Rules whose findings are accepted wherever this pack applies, each with the reason. @default none */
  readonly acknowledge?: readonly Acknowledgement[];
  /** @default RULES */
  readonly rules?: readonly Rule[];
}

/** What the aspect saw of one construct; the rules see it with its synthesized JSON. */
type Visited = { readonly construct: IConstruct } & (
  | { readonly kind: "resource"; readonly type: string; readonly name: string; readonly taggable: boolean }
  | { readonly kind: "output"; readonly name: string }
  | { readonly kind: "backend" }
);

/**
 * Applies a rule pack to every resource, output and backend under the construct it is added to
 * (`Aspects.of(stack).add(new Guardrails({ infraId }))`; cdktf invokes aspects from each stack
 * down, so one added to the App itself never runs). It enforces itself: any `app.synth()` (so
 * `cdktf synth`, `deploy`, `diff`) stops with one line per finding that no acknowledgement covers.
 *
 * The aspect records each element as a stack is synthesized. The rules then run in an App-level
 * validation, which cdktf calls once every stack has been written and before the manifest is:
 * they see each stack's resolved Terraform JSON (what `terraform plan` will see), read back from
 * the file cdktf wrote, so no stack is resolved an extra time. (A stack-level validation runs
 * before the stack is resolved, and would have to resolve it once more.)
 */
export class Guardrails implements IAspect {
  /**
   * Accepts `ruleId`'s findings on `scope` and every construct under it (cdk-nag's suppressions),
   * from every rule pack: a finding is reported as a warning with `reason` instead of stopping synth.
   */
  static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    if (!ruleId.trim()) throw new Error(`Guardrails.acknowledge(${scope.node.path}): ruleId is empty; give the id of the rule whose findings are accepted`);
    if (!reason.trim()) throw new Error(`Guardrails.acknowledge(${scope.node.path}, "${ruleId}"): reason is empty; say why the finding is accepted`);
    const checks = validationOf(App.of(scope));
    const acks = checks.acknowledgements.get(scope) ?? [];
    acks.push({ rule: ruleId, reason });
    checks.acknowledgements.set(scope, acks);
  }

  /** Every finding of the app's last synth, from all its rule packs, in stack order. */
  static findingsOf(app: App): readonly GuardrailFinding[] {
    return existingValidation(app)?.findings ?? [];
  }

  /** This pack's findings in the last synth (acknowledged ones included). */
  findings: GuardrailFinding[] = [];
  private visited: Visited[] = [];
  private readonly registered = new WeakSet<App>();

  constructor(private readonly props: GuardrailsProps) {}

  get rules(): readonly Rule[] {
    return this.props.rules ?? RULES;
  }

  visit(node: IConstruct): void {
    let seen: Visited | undefined;
    if (node instanceof TerraformResource) {
      // Taggable resources expose a `tags` input on their generated class.
      seen = { construct: node, kind: "resource", type: node.terraformResourceType, name: node.friendlyUniqueId, taggable: "tagsInput" in node };
    } else if (node instanceof TerraformOutput) {
      seen = { construct: node, kind: "output", name: node.friendlyUniqueId };
    } else if (node instanceof TerraformBackend) {
      seen = { construct: node, kind: "backend" };
    }
    if (!seen) return;
    const app = App.of(node);
    if (!this.registered.has(app)) {
      validationOf(app).packs.push(this);
      this.registered.add(app);
    }
    this.visited.push(seen);
  }

  /** Findings that stop synth. */
  get blocking(): GuardrailFinding[] {
    return this.findings.filter((f) => !f.acknowledged);
  }

  /** Runs the rules on what the aspect visited, given each stack's synthesized JSON. */
  check(synthesized: (stack: TerraformStack) => any, acknowledged: (construct: IConstruct, rule: string) => string | undefined): GuardrailFinding[] {
    const contexts = new Map<TerraformStack, { json: any; ctx: RuleContext }>();
    const found: GuardrailFinding[] = [];
    for (const element of this.visited) {
      const stack = TerraformStack.of(element.construct);
      let entry = contexts.get(stack);
      if (!entry) {
        const json = synthesized(stack);
        const defaultTags = Object.assign({}, ...(json.provider?.aws ?? []).map((p: any) => p.default_tags?.[0]?.tags ?? {}));
        entry = { json, ctx: { infraId: this.props.infraId, defaultTags, resources: json.resource ?? {} } };
        contexts.set(stack, entry);
      }
      const subject = subjectOf(element, entry.json);
      if (!subject) continue;
      for (const rule of this.rules) {
        for (const what of rule.check(subject, entry.ctx)) {
          const reason = acknowledged(element.construct, rule.id) ?? this.props.acknowledge?.find((a) => a.rule === rule.id)?.reason;
          found.push({ rule, path: element.construct.node.path, what, acknowledged: reason });
        }
      }
    }
    // The next synth visits again.
    this.visited = [];
    this.findings = found;
    return found;
  }
}

/**
 * `app.synth()`, with a guardrail stop thrown as a GuardrailError (one line per finding) rather
 * than cdktf's validation error wrapped around them.
 */
export function synthWithGuardrails(app: App): void {
  try {
    app.synth();
  } catch (e) {
    const blocking = Guardrails.findingsOf(app).filter((f) => !f.acknowledged);
    if (blocking.length) throw new GuardrailError(blocking);
    throw e;
  }
}

/** The app's guardrail validation: its rule packs and scoped acknowledgements. One per app. */
class GuardrailValidation implements IValidation {
  readonly packs: Guardrails[] = [];
  readonly acknowledgements = new Map<IConstruct, Acknowledgement[]>();
  findings: GuardrailFinding[] = [];
  reader?: (stack: TerraformStack) => any;

  constructor(private readonly app: App) {}

  validate(): string[] {
    this.reader = newReader(this.app);
    const acknowledged = (construct: IConstruct, rule: string) => {
      for (const scope of construct.node.scopes.reverse()) {
        const ack = this.acknowledgements.get(scope)?.find((a) => a.rule === rule);
        if (ack) return ack.reason;
      }
      return undefined;
    };
    // A construct under two packs (a stack's and a cluster's) is reported once; it stops synth if
    // either pack does not accept it.
    const byKey = new Map<string, GuardrailFinding>();
    for (const pack of this.packs) {
      for (const f of pack.check(this.reader, acknowledged)) {
        const key = `${f.rule.id}\n${f.path}\n${f.what}`;
        const seen = byKey.get(key);
        if (!seen || (seen.acknowledged && !f.acknowledged)) byKey.set(key, f);
      }
    }
    this.findings = [...byKey.values()];
    const errors = this.findings.filter((f) => !f.acknowledged).map(formatFinding);
    // An acknowledgement of a rule no pack has is a typo that would hide nothing.
    if (this.packs.length) {
      const ids = new Set(this.packs.flatMap((p) => p.rules.map((r) => r.id)));
      for (const [scope, acks] of this.acknowledgements) {
        for (const a of acks) {
          if (!ids.has(a.rule)) errors.push(`Guardrails.acknowledge(${scope.node.path || "<app>"}, "${a.rule}"): no rule pack has this rule (rules: ${[...ids].join(", ")})`);
        }
      }
    }
    return errors;
  }
}

// On the app under a global symbol, so that two copies of this package in one app share it.
const VALIDATION = Symbol.for("openshift-upi-aws-cdktf.guardrails");

function existingValidation(app: App): GuardrailValidation | undefined {
  return (app as unknown as { [VALIDATION]?: GuardrailValidation })[VALIDATION];
}

function validationOf(app: App): GuardrailValidation {
  let validation = existingValidation(app);
  if (!validation) {
    validation = new GuardrailValidation(app);
    Object.defineProperty(app, VALIDATION, { value: validation });
    app.node.addValidation(validation);
  }
  return validation;
}

function subjectOf(element: Visited, json: any): Subject | undefined {
  switch (element.kind) {
    case "resource": {
      const attrs = json.resource?.[element.type]?.[element.name];
      return attrs && { kind: "resource", type: element.type, name: element.name, attrs, taggable: element.taggable };
    }
    case "output": {
      const output = json.output?.[element.name];
      return output && { kind: "output", name: element.name, value: output.value };
    }
    case "backend": {
      const backend = json.terraform?.backend ?? {};
      const [type] = Object.keys(backend);
      return type ? { kind: "backend", type, config: backend[type] } : undefined;
    }
  }
}

/**
 * Each stack's Terraform JSON from the app's last synth, read once per stack: the file cdktf's
 * manifest names for it, or, when that file is HCL (`cdktf synth --hcl`), the stack resolved once
 * more. The guardrails' own reader when they ran in that synth, so nothing is read twice.
 */
export function readSynthesized(app: App): (stack: TerraformStack) => any {
  return existingValidation(app)?.reader ?? newReader(app);
}

function newReader(app: App): (stack: TerraformStack) => any {
  const cache = new Map<TerraformStack, any>();
  return (stack) => {
    let json = cache.get(stack);
    if (json === undefined) {
      const file = app.manifest.forStack(stack).synthesizedStackPath;
      json = file.endsWith(".json") ? JSON.parse(fs.readFileSync(path.join(app.outdir, file), "utf8")) : stack.toTerraform();
      cache.set(stack, json);
    }
    return json;
  };
}
