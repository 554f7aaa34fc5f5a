import { Fn, IResolvable, Lazy, Op, ref, TerraformElement, TerraformRemoteState, TerraformResource, TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";

/**
 * A stack's own state, read back at plan time (its outputs only). From AWS alone, two cases look
 * the same: a live object that this state lost (an apply interrupted while the object was being
 * created, after which the state has been applied before) and one that another state manages (a
 * changed backend, another checkout: this state was never applied). This tells them apart.
 */
export class OwnState {
  private static readonly byStack = new WeakMap<TerraformStack, OwnState>();
  private source?: TerraformRemoteState;

  static of(scope: IConstruct): OwnState {
    const stack = TerraformStack.of(scope);
    let own = OwnState.byStack.get(stack);
    if (!own) OwnState.byStack.set(stack, (own = new OwnState(stack)));
    return own;
  }

  private constructor(private readonly stack: TerraformStack) {}

  /**
   * True once the stack's state holds any output, that is once it has been applied. The data
   * source is added when first resolved, when the stack's backend is known for certain (a user's
   * app may add its backend after the constructs).
   */
  get applied(): IResolvable {
    return Lazy.anyValue({
      produce: () => {
        this.source ??= this.stack.ensureBackendExists().getRemoteStateDataSource(this.stack, "own-state", this.stack.node.path);
        // cdktf renders a literal 0 operand as `undefined`, hence ">= 1" and "< 1".
        return Op.gte(Fn.lengthOf(ref(`data.terraform_remote_state.${this.source.friendlyUniqueId}.outputs`, this.stack)), 1);
      },
    });
  }
}

/** A Terraform `import` block with for_each (Terraform >= 1.7): adopts what `ids` lists into `to`. */
class ImportEach extends TerraformElement {
  constructor(scope: Construct, id: string, private readonly to: TerraformResource, private readonly ids: unknown) {
    super(scope, id);
  }

  toTerraform(): any {
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
  /** Where the stack's state was before, when the backend settings changed. @default not known */
  readonly previousState?: string;
}

/**
 * Guards an object that exists once per cluster against being created twice: the plan stops when
 * two live objects carry its name; a live one this state lost is imported (adopted); and a live
 * one while this state has never been applied stops the plan, since another state manages it and
 * a second cluster would be built beside the first.
 */
export function adoptOrStop(resource: TerraformResource, props: SingularObjectProps): void {
  const own = OwnState.of(resource);
  const address = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
  const live = props.liveIds;
  const elsewhere = props.previousState
    ? `the state at ${props.previousState} (this stack's backend before the last change)`
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
