import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { runSynth } from "../../test-support/cli";
import { HcpDouble } from "../../test-support/hcp-double";
import { ROOT, tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";
import { requireTerraform, terraform } from "../../test-support/terraform";
import { StackToValidate, validateAsModules } from "../../test-support/validate";

jest.setTimeout(600_000);

/**
 * `cdktf synth --hcl` sets SYNTH_HCL_OUTPUT=true: each stack is written as cdk.tf. cdktf renders
 * the guards' preconditions as arguments, leaves quotes unescaped in interpolated strings, quotes
 * provider references and writes a cloud block as a backend; synth rewrites them, and Terraform
 * itself is the judge. Every stack of every example is validated in one run, each a module of one
 * root (test-support/validate.ts: a validate per stack would cost some 3 s of CPU each); what
 * only a root holds is checked by a real init: the default example's local backend, and a cloud
 * block against the HCP Terraform double.
 */
const EXAMPLES = [undefined, "restricted/govcloud.yaml", "restricted/private-only.yaml", "restricted/shared-vpc.yaml", "cloud/cluster.yaml"];

/** Synthesizes with --hcl into `outdir`; fails on an error (the shared-VPC example's warnings about its own profiles and groups are expected). */
function synthHcl(outdir: string, clusterFile?: string): string[] {
  const r = runSynth({ SYNTH_HCL_OUTPUT: "true", CDKTF_OUTDIR: outdir, ...(clusterFile && { CLUSTER_CONFIG: clusterFile }) });
  expect({ clusterFile, status: r.status, errors: r.stderr.split("\n").filter((l) => l && !/: warning: /.test(l)) }).toEqual({ clusterFile, status: 0, errors: [] });
  return fs.readdirSync(path.join(outdir, "stacks")).map((stack) => path.join(outdir, "stacks", stack));
}

test("every example's cdk.tf passes terraform validate with no warning; the default's holds the guards as blocks and passes a real init", async () => {
  requireTerraform();
  const dir = tempDir("upi-hcl-");
  try {
    const stacks: StackToValidate[] = EXAMPLES.flatMap((example) =>
      synthHcl(path.join(dir, example ?? "default"), example && path.join(ROOT, "examples", example)).map((stackDir) => ({
        name: `${example ?? "default"} ${path.basename(stackDir)}`,
        dir: stackDir,
      })),
    );
    expect(stacks.length).toBeGreaterThanOrEqual(20);
    // A quoted reference (`provider = "aws.assumed_role"`) is a warning: Terraform reads it, deprecated.
    expect(await validateAsModules(stacks)).toEqual(stacks.map((s) => ({ name: s.name, errors: [], warnings: [] })));

    const machines = stacks.find((s) => s.name === "default demo-machines")!.dir;
    const init = await terraform(machines, ["init", "-input=false", "-no-color"]);
    const validate = init.code === 0 ? await terraform(machines, ["validate", "-no-color"]) : init;
    expect(validate.code === 0 ? validate.stdout.trim() : `${validate.stderr}${validate.stdout}`).toBe("Success! The configuration is valid.");
    expect(fs.readFileSync(path.join(machines, "cdk.tf"), "utf8")).toMatch(/^\s*precondition \{$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a cloud cluster's cdk.tf holds its cloud block, project and all: terraform init on HCP Terraform (the double), then validate", async () => {
  requireTerraform();
  const dir = tempDir("upi-hcl-");
  const hcp = await HcpDouble.start({ organization: "acme", defaultExecutionMode: "local" });
  try {
    const file = path.join(dir, "cluster.yaml");
    fs.writeFileSync(
      file,
      stringify(baseCluster({ backend: { type: "cloud", cloud: { organization: "acme", hostname: hcp.hostname, workspacePrefix: "ocp-", project: "openshift" } } })),
    );
    const network = synthHcl(path.join(dir, "out"), file).find((s) => s.endsWith("demo-network"))!;
    const init = await terraform(network, ["init", "-input=false"], hcp.env());
    const validate = init.code === 0 ? await terraform(network, ["validate"], hcp.env()) : init;
    expect(validate.code === 0 ? validate.stdout.trim() : `${validate.stderr}${validate.stdout}`).toBe("Success! The configuration is valid.");
    // init made the workspace the block names, in the block's project.
    const workspace = hcp.workspaces.get("ocp-demo-network");
    expect(workspace && [...hcp.projects.values()].find((p) => p.id === workspace.projectId)?.name).toBe("openshift");
  } finally {
    await hcp.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
