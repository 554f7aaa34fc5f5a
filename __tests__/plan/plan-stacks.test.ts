import * as fs from "node:fs";
import * as path from "node:path";
import { loadClusterFile } from "../../src/config/load";
import { planStacks } from "../../src/plan/plan";
import { StackToPlan } from "../../src/plan/preflight";
import { DEFAULT_CLUSTER_FILE, tempDir } from "../../test-support/paths";

/**
 * A refusal concerns the stack itself: a downstream stack refused before its plan is reported as
 * refused, not as waiting on its (also refused) upstream, so one run names every stack to fix.
 * No Terraform runs here: every stack is refused.
 */
test("every refused stack is named, downstream ones too", async () => {
  const cluster = loadClusterFile(DEFAULT_CLUSTER_FILE).clusters[0];
  const dir = tempDir();
  const stack = (name: string, json: object): StackToPlan => {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "cdk.tf.json"), JSON.stringify(json));
    return { name, dir: path.join(dir, name), cluster };
  };
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
