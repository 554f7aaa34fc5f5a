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

/**
 * Applies the rule pack to every resource, output and backend of the stacks it is added to,
 * on the stack's resolved Terraform JSON (what `terraform plan` will see).
 */
export class Guardrails implements IAspect {
  readonly findings: GuardrailFinding[] = [];
  private readonly stacks = new Map<TerraformStack, { json: any; ctx: RuleContext }>();

  constructor(private readonly props: GuardrailsProps) {}

  visit(node: IConstruct): void {
    const subject = this.subjectOf(node);
    if (!subject) return;
    const { ctx } = this.stackOf(node);
    for (const rule of this.props.rules ?? RULES) {
      for (const what of rule.check(subject, ctx)) {
        const ack = this.props.acknowledge?.find((a) => a.rule === rule.id);
        this.findings.push({ rule, path: node.node.path, what, acknowledged: ack?.reason });
      }
    }
  }

  /** Findings that stop synth. */
  get blocking(): GuardrailFinding[] {
    return this.findings.filter((f) => !f.acknowledged);
  }

  private stackOf(node: IConstruct) {
    const stack = TerraformStack.of(node);
    let entry = this.stacks.get(stack);
    if (!entry) {
      const json = stack.toTerraform();
      const defaultTags = Object.assign({}, ...(json.provider?.aws ?? []).map((p: any) => p.default_tags?.[0]?.tags ?? {}));
      entry = { json, ctx: { infraId: this.props.infraId, defaultTags, resources: json.resource ?? {} } };
      this.stacks.set(stack, entry);
    }
    return entry;
  }

  private subjectOf(node: IConstruct): Subject | undefined {
    if (node instanceof TerraformResource) {
      const { json } = this.stackOf(node);
      const attrs = json.resource?.[node.terraformResourceType]?.[node.friendlyUniqueId];
      // Taggable resources expose a `tags` input on their generated class.
      return attrs && { kind: "resource", type: node.terraformResourceType, name: node.friendlyUniqueId, attrs, taggable: "tagsInput" in node };
    }
    if (node instanceof TerraformOutput) {
      const { json } = this.stackOf(node);
      const output = json.output?.[node.friendlyUniqueId];
      return output && { kind: "output", name: node.friendlyUniqueId, value: output.value };
    }
    if (node instanceof TerraformBackend) {
      const backend = this.stackOf(node).json.terraform?.backend ?? {};
      const [type] = Object.keys(backend);
      return type ? { kind: "backend", type, config: backend[type] } : undefined;
    }
    return undefined;
  }
}
