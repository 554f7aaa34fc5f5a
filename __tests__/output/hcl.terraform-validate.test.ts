import * as fs from "node:fs";
import * as path from "node:path";
import { runSynth } from "../../test-support/cli";
import { tempDir } from "../../test-support/paths";
import { requireTerraform, terraform } from "../../test-support/terraform";

jest.setTimeout(600_000);

/**
 * `cdktf synth --hcl` sets SYNTH_HCL_OUTPUT=true: each stack is written as cdk.tf. cdktf renders
 * the guards' preconditions as arguments and leaves quotes unescaped in interpolated strings;
 * synth rewrites both, and Terraform itself is the judge: init (the real one, with the default
 * example's local backend) and validate, for every stack.
 */
test("cdk.tf of every stack passes terraform init and validate", async () => {
  requireTerraform();
  const dir = tempDir("upi-hcl-");
  try {
    const r = runSynth({ SYNTH_HCL_OUTPUT: "true", CDKTF_OUTDIR: path.join(dir, "out") });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const stacks = fs.readdirSync(path.join(dir, "out", "stacks"));
    expect(stacks.length).toBeGreaterThanOrEqual(4);
    const outcomes: Record<string, string> = {};
    for (const stack of stacks) {
      const stackDir = path.join(dir, "out", "stacks", stack);
      expect(fs.readdirSync(stackDir)).toContain("cdk.tf");
      const init = await terraform(stackDir, ["init", "-input=false", "-no-color"]);
      const validate = init.code === 0 ? await terraform(stackDir, ["validate", "-no-color"]) : init;
      outcomes[stack] = validate.code === 0 ? validate.stdout.trim() : `${validate.stderr}${validate.stdout}`.trim();
    }
    expect(outcomes).toEqual(Object.fromEntries(stacks.map((s) => [s, "Success! The configuration is valid."])));
    // The guards are in it, as blocks.
    expect(
      fs.readFileSync(
        path.join(
          dir,
          "out",
          "stacks",
          stacks.find((s) => s.endsWith("-machines"))!,
          "cdk.tf",
        ),
        "utf8",
      ),
    ).toMatch(/^\s*precondition \{$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
