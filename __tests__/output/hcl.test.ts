import { conditionListsAsBlocks } from "../../src/output/hcl";

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

  test("a list in another form is refused, naming the file and line", () => {
    expect(() => conditionListsAsBlocks(["  precondition = [", "{", "condition = true", "},", "]"].join("\n"), "stacks/x/cdk.tf")).toThrow(
      "stacks/x/cdk.tf:3: cdktf's HCL for a precondition list is not in the form this product rewrites; synthesize without --hcl (JSON)",
    );
  });
});
