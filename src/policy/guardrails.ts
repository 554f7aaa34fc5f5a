import * as fs from "node:fs";
import * as path from "node:path";
import { IAspect, TerraformBackend, TerraformOutput, TerraformResource, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
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
  /** Rules whose findings are accepted, each with the reason. @default none */
  readonly acknowledge?: readonly Acknowledgement[];
  /** @default RULES */
  readonly rules?: readonly Rule[];
}

/** What the aspect saw of one construct; the rules see it with its synthesized JSON. */
type Visited =
  | { readonly kind: "resource"; readonly path: string; readonly type: string; readonly name: string; readonly taggable: boolean }
  | { readonly kind: "output"; readonly path: string; readonly name: string }
  | { readonly kind: "backend"; readonly path: string };

/**
 * Applies the rule pack to every resource, output and backend of the stacks it is added to.
 * The aspect records each element as synthesis starts; the rules then run on the stack's
 * synthesized Terraform JSON (what `terraform plan` will see), so the stack is resolved once.
 */
export class Guardrails implements IAspect {
  readonly findings: GuardrailFinding[] = [];
  private readonly visited = new Map<TerraformStack, Visited[]>();

  constructor(private readonly props: GuardrailsProps) {}

  visit(node: IConstruct): void {
    let seen: Visited | undefined;
    if (node instanceof TerraformResource) {
      // Taggable resources expose a `tags` input on their generated class.
      seen = { kind: "resource", path: node.node.path, type: node.terraformResourceType, name: node.friendlyUniqueId, taggable: "tagsInput" in node };
    } else if (node instanceof TerraformOutput) {
      seen = { kind: "output", path: node.node.path, name: node.friendlyUniqueId };
    } else if (node instanceof TerraformBackend) {
      seen = { kind: "backend", path: node.node.path };
    }
    if (!seen) return;
    const stack = TerraformStack.of(node);
    const elements = this.visited.get(stack) ?? [];
    elements.push(seen);
    this.visited.set(stack, elements);
  }

  /** Runs the rules on every stack visited, given each stack's synthesized JSON; returns the new findings. */
  check(synthesized: (stack: TerraformStack) => any): GuardrailFinding[] {
    const found: GuardrailFinding[] = [];
    for (const [stack, elements] of this.visited) {
      const json = synthesized(stack);
      const defaultTags = Object.assign({}, ...(json.provider?.aws ?? []).map((p: any) => p.default_tags?.[0]?.tags ?? {}));
      const ctx: RuleContext = { infraId: this.props.infraId, defaultTags, resources: json.resource ?? {} };
      for (const element of elements) {
        const subject = subjectOf(element, json);
        if (!subject) continue;
        for (const rule of this.props.rules ?? RULES) {
          for (const what of rule.check(subject, ctx)) {
            const ack = this.props.acknowledge?.find((a) => a.rule === rule.id);
            found.push({ rule, path: element.path, what, acknowledged: ack?.reason });
          }
        }
      }
    }
    this.visited.clear();
    this.findings.push(...found);
    return found;
  }

  /** Findings that stop synth. */
  get blocking(): GuardrailFinding[] {
    return this.findings.filter((f) => !f.acknowledged);
  }
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

/** The JSON a synthesized app wrote for a stack (`<outdir>/stacks/<stack>/cdk.tf.json`), read once. */
export function readSynthesized(outdir: string): (stack: TerraformStack) => any {
  const cache = new Map<TerraformStack, any>();
  return (stack) => {
    if (!cache.has(stack)) cache.set(stack, JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8")));
    return cache.get(stack);
  };
}
