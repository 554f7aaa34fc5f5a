import * as fs from "node:fs";
import * as path from "node:path";
import { loadClusterFile } from "../../src/cluster-file";
import { planStacks } from "../../src/plan/plan";
import { StackToPlan } from "../../src/plan/preflight";
import { DEFAULT_CLUSTER_FILE, tempDir } from "../../test-support/paths";

/** A stack folder of the default cluster holding `json`, in a folder of its own per test. */
function stackMaker(): (name: string, json: object) => StackToPlan {
  const cluster = loadClusterFile(DEFAULT_CLUSTER_FILE).clusters[0];
  const dir = tempDir();
  return (name, json) => {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "cdk.tf.json"), JSON.stringify(json));
    return { name, dir: path.join(dir, name), cluster };
  };
}

/**
 * A refusal concerns the stack itself: a downstream stack refused before its plan is reported as
 * refused, not as waiting on its (also refused) upstream, so one run names every stack to fix.
 * No Terraform runs here: every stack is refused.
 */
test("every refused stack is named, downstream ones too", async () => {
  const stack = stackMaker();
  const network = stack("demo-network", { output: { VpcId: { value: "vpc" } } });
  const infra = stack("demo-infra", { locals: { vpc: "${data.terraform_remote_state.cross-stack-reference-input-demo-network.outputs.VpcId}" } });
  const report = await planStacks({
    stacks: [network, infra],
    dependencies: new Map([["demo-infra", ["demo-network"]]]),
    concurrency: 2,
    mayPlan: async (s) => ({ refusal: `[PLAN-STATE-1] ${s.name}: moved` }),
  });
  expect(report.outcomes).toEqual([
    { stack: "demo-network", status: "refused", reason: "[PLAN-STATE-1] demo-network: moved" },
    { stack: "demo-infra", status: "refused", reason: "[PLAN-STATE-1] demo-infra: moved" },
  ]);
});

/**
 * A stack's own guard (src/guards) refusing its plan in real Terraform: the stack is refused, its
 * message the finding, and the stack that reads its outputs waits. terraform_data needs no provider.
 */
test("a guard's refusal in terraform plan is the stack's refusal, in the findings' form", async () => {
  const stack = stackMaker();
  const guard = {
    lifecycle: {
      precondition: [
        {
          condition: "${length(local.findings) == 0}",
          error_message: "[PLAN-VPC-1] the VPC and its subnets stay: this plan deletes the subnet 10.0.32.0/20. Nothing was changed.",
        },
      ],
    },
  };
  const network = stack("demo-network", {
    locals: { findings: ["deletes the subnet"] },
    resource: { terraform_data: { "guard-PLAN-VPC-1": guard } },
    output: { VpcId: { value: "vpc" } },
  });
  const infra = stack("demo-infra", { locals: { vpc: "${data.terraform_remote_state.cross-stack-reference-input-demo-network.outputs.VpcId}" } });
  const report = await planStacks({ stacks: [network, infra], dependencies: new Map([["demo-infra", ["demo-network"]]]), concurrency: 1, mayPlan: async () => ({}) });
  expect(report.outcomes).toEqual([
    {
      stack: "demo-network",
      status: "refused",
      reason: "[PLAN-VPC-1] demo-network: the VPC and its subnets stay: this plan deletes the subnet 10.0.32.0/20. Nothing was changed.",
    },
    { stack: "demo-infra", status: "waiting", on: ["demo-network"] },
  ]);
  // Terraform saves the errored plan; it is not left beside a stack that was not planned.
  expect(fs.existsSync(path.join(network.dir, "upi.tfplan"))).toBe(false);
});
