import { Fn, IResolvable, Lazy, Op, ref, TerraformElement, TerraformOutput, TerraformRemoteState, TerraformResource, TerraformStack, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";

/** App context: each stack's previous state location, for a stack whose backend settings changed. */
export const MOVED_FROM_CONTEXT = "upi:movedFrom";

/**
 * A stack's own state, read back at plan time (its outputs only). From AWS alone, two cases look
 * the same: a live object that this state lost (an apply interrupted while the object was being
 * created, after which the state has been applied before) and one that another state manages (a
 * changed backend, another checkout: this state was never applied). This tells them apart.
 *
 * Terraform fails to read a state that does not exist yet, so the state is read only when a
 * guarded object already lives in AWS: a new cluster's first plan reads nothing, and a stack
 * whose backend now points at an empty location stops there, before anything is created.
 */
export class OwnState {
  private static readonly byStack = new WeakMap<TerraformStack, OwnState>();
  private readonly lookups: string[][] = [];
  private source?: TerraformRemoteState;
  private exists?: IResolvable;
  /** Where the stack's state was before its backend settings last changed, when known. */
  movedFrom?: string;

  static of(scope: IConstruct): OwnState {
    const stack = TerraformStack.of(scope);
    let own = OwnState.byStack.get(stack);
    if (!own) OwnState.byStack.set(stack, (own = new OwnState(stack)));
    return own;
  }

  private constructor(private readonly stack: TerraformStack) {}

  /**
   * How to tell that the state exists, where the backend allows it (a local file, an S3 object):
   * then a live object beside a missing state stops on the guard's own message, naming the
   * likely owner, rather than on Terraform's "Unable to find remote state".
   */
  knowExistenceBy(expression: IResolvable): void {
    this.exists = expression;
  }

  /** A lookup of live objects the stack creates once each; any hit makes the state worth reading. */
  watch(liveIds: string[]): void {
    this.lookups.push(liveIds);
  }

  /**
   * True when the stack's state holds any output, that is when an apply has started. The data
   * source is added on first resolve, when the stack's backend is certain (a user's app may add
   * its backend after the constructs) and every lookup is known.
   */
  get applied(): IResolvable {
    return Lazy.anyValue({
      produce: () => ref(`anytrue([for s in data.terraform_remote_state.${this.ensureSource().friendlyUniqueId} : length(s.outputs) >= 1])`, this.stack),
    });
  }

  /**
   * The expression (without `${}`) of the outputs the state recorded at its last apply, an object,
   * empty while nothing lives in AWS (the state is then not read): what the guards compare the
   * configuration with. Call it while resolving, once every lookup is known.
   */
  outputsExpression(): string {
    return `try(data.terraform_remote_state.${this.ensureSource().friendlyUniqueId}[0].outputs, {})`;
  }

  private ensureSource(): TerraformRemoteState {
    if (!this.source) {
      // A constant output is written to the state as soon as an apply starts, even one
      // interrupted before anything else finished: what makes a state "applied" here.
      new TerraformOutput(this.stack, "StateOwner", {
        value: this.stack.node.path,
        description: "The stack this state belongs to; read back by its guards against a second copy of the cluster",
      });
      this.source = this.stack.ensureBackendExists().getRemoteStateDataSource(this.stack, "own-state", this.stack.node.path);
      const live = Fn.sum(this.lookups.map((ids) => Fn.lengthOf(ids))) as number;
      // Written out: cdktf renders a literal 0 operand of its operators as `undefined`.
      this.source.addOverride("count", this.exists ? ref(`min(1, ${live}, ${Token.asString(this.exists)} ? 1 : 0)`) : Fn.min([1, live]));
    }
    return this.source;
  }
}

/** A Terraform `import` block with for_each (Terraform >= 1.7): adopts what `ids` lists into `to`. */
class ImportEach extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly to: TerraformResource,
    private readonly ids: unknown,
  ) {
    super(scope, id);
  }

  toTerraform(): Record<string, unknown> {
    return { import: [{ for_each: this.ids, to: `${this.to.terraformResourceType}.${this.to.friendlyUniqueId}`, id: "${each.value}" }] };
  }
}

export interface SingularObjectProps {
  /** What it is, for the messages: `VPC demo-x7k2p-vpc`. */
  readonly what: string;
  /**
   * The live objects that carry this object's name (and, where AWS can filter on it, the
   * cluster's owned tag), as `terraform import` takes them (ids, ARNs or names).
   */
  readonly liveIds: string[];
}

/**
 * Guards an object that exists once per cluster against being created twice: the plan stops when
 * two live objects carry its name; a live one this state lost is imported (adopted); and a live
 * one while this state has never been applied stops the plan, since another state manages it and
 * a second cluster would be built beside the first.
 */
export function adoptOrStop(resource: TerraformResource, props: SingularObjectProps): void {
  const own = OwnState.of(resource);
  own.watch(props.liveIds);
  const address = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
  const live = props.liveIds;
  const elsewhere = own.movedFrom
    ? `the state at ${own.movedFrom} (this stack's backend before the last change)`
    : "another Terraform state (an earlier backend setting, or another checkout's)";
  resource.lifecycle = {
    ...resource.lifecycle,
    precondition: [
      ...(resource.lifecycle?.precondition ?? []),
      {
        condition: Op.lte(Fn.lengthOf(live), 1),
        errorMessage: `More than one live ${props.what} exists (${Fn.join(", ", live)}); delete the one that is not in the Terraform state.`,
      },
      {
        condition: Op.or(Op.lt(Fn.lengthOf(live), 1), own.applied),
        errorMessage:
          `${props.what} already exists (${Fn.join(", ", live)}) but this stack's state has never been applied: it is managed by ${elsewhere}. ` +
          `Nothing was changed. Move that state here (terraform init -migrate-state with the previous backend settings in place), ` +
          `or adopt the object: terraform import '${address}' ${Fn.element(Fn.concat([live, ["<id>"]]), 0)}`,
      },
    ],
  };
  new ImportEach(resource.node.scope!, `${resource.node.id}-adopt`, resource, Fn.conditional(own.applied, Fn.toset(live), Fn.toset([])));
}
