import * as path from "node:path";
import { conditionListsAsBlocks } from "../../src/output/hcl";
import { synthesize } from "../../src/synth";
import { ROOT, tempDir } from "../../test-support/paths";
import { requireTerraform, terraform } from "../../test-support/terraform";

/** The rewrite of cdktf's HCL, on the forms cdktf writes (the whole output is validated by Terraform in hcl.terraform-validate.test.ts). */
describe("cdktf's HCL rewritten for Terraform", () => {
  test("a precondition list becomes one block per condition", () => {
    const hcl = ["lifecycle {", "  precondition = [", "{", 'condition = "${length(x) <= 1}"', 'error_message = "too many: ${join(", ", x)}"', "},", "]", "}"].join("\n");
    expect(conditionListsAsBlocks(hcl, "cdk.tf").split("\n")).toEqual([
      "lifecycle {",
      "  precondition {",
      '    condition = "${length(x) <= 1}"',
      '    error_message = "too many: ${join(", ", x)}"',
      "  }",
      "}",
    ]);
  });

  test("quotes and backslashes of an interpolated string are escaped, its expressions kept", () => {
    const line = 'policy = "{"Resource":"${aws_s3_bucket.b.arn}/${lookup(m, "k", "d")}","Re":"a\\\\b"}"';
    expect(conditionListsAsBlocks(line, "cdk.tf")).toBe('policy = "{\\"Resource\\":\\"${aws_s3_bucket.b.arn}/${lookup(m, "k", "d")}\\",\\"Re\\":\\"a\\\\\\\\b\\"}"');
  });

  test("references cdktf quotes are written bare", () => {
    expect(conditionListsAsBlocks(["depends_on = [", '"aws_vpc.v",', "]"].join("\n"), "cdk.tf")).toBe(["depends_on = [", "aws_vpc.v,", "]"].join("\n"));
  });

  test("a provider reference cdktf quotes is written bare", () => {
    expect(conditionListsAsBlocks(['data "aws_route53_zone" "z" {', 'provider = "aws.assumed_role"', "}"].join("\n"), "cdk.tf")).toBe(
      ['data "aws_route53_zone" "z" {', "provider = aws.assumed_role", "}"].join("\n"),
    );
  });

  test("a list in another form is refused, naming the file and line", () => {
    expect(() => conditionListsAsBlocks(["  precondition = [", "{", "condition = true", "},", "]"].join("\n"), "stacks/x/cdk.tf")).toThrow(
      "stacks/x/cdk.tf:3: cdktf's HCL for a precondition list is not in the form this product rewrites; synthesize without --hcl (JSON)",
    );
  });
});

describe("synth --hcl of a cloud cluster", () => {
  /**
   * The set-up stack is an app of its own, synthesized after the cluster stacks: its cdk.tf is
   * rewritten too. `terraform validate` needs the hashicorp/tfe provider, which the tests' mirror
   * lacks; `terraform fmt` parses the file with no provider, and refuses what does not parse.
   */
  test("the set-up stack's cdk.tf parses, as the cluster stacks' do", async () => {
    requireTerraform();
    const outdir = path.join(tempDir("upi-hcl-"), "cdktf.out");
    const previous = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = "true";
    try {
      synthesize(path.join(ROOT, "examples", "cloud", "cluster.yaml"), outdir);
    } finally {
      if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = previous;
    }
    const files = [path.join(outdir, "hcp", "stacks", "demo-hcp", "cdk.tf"), path.join(outdir, "stacks", "demo-infra", "cdk.tf")];
    const outcomes: Record<string, number | null> = {};
    for (const file of files) outcomes[path.relative(outdir, file)] = (await terraform(path.dirname(file), ["fmt", "-write=false", "-no-color", "cdk.tf"])).code;
    expect(outcomes).toEqual(Object.fromEntries(files.map((f) => [path.relative(outdir, f), 0])));
  });
});
