import { TerraformResource, TerraformResourceLifecycle } from "cdktf";
import { Construct } from "constructs";

/**
 * Terraform's built-in terraform_data (Terraform >= 1.4, which the product requires anyway). Not
 * cdktf's DataResource: that one checks the Terraform version at synth by running `terraform
 * version` once per resource, which would make synth slow and need Terraform on the machine.
 */
export class TerraformData extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly input: Record<string, unknown> | undefined,
    lifecycle: TerraformResourceLifecycle,
  ) {
    super(scope, id, { terraformResourceType: "terraform_data", terraformGeneratorMetadata: { providerName: "terraform" }, lifecycle });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return this.input === undefined ? {} : { input: this.input };
  }
}
