import * as fs from "node:fs";
import * as path from "node:path";
import { loadClusterFile } from "../../src/cluster-file";
import { newOutputRecord, writeOutputRecord } from "../../src/output/record";
import { declaresResources, judgeStateMove, planRefusal, StateMove, stateFromPull } from "../../src/plan/preflight";
import { formatReport } from "../../src/plan/report";
import { ACKNOWLEDGEABLE_RULE_IDS } from "../../src/config/rule-ids";
import { tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";
import { stateMoveAdvice } from "../../src/state/moves";
import { documented, documentedEntry, runDocumentedOk } from "../../test-support/documented-commands";
import { requireTerraform, terraformOk } from "../../test-support/terraform";
import { stringify } from "yaml";

/**
 * PLAN-STATE-1: a stack whose state location changed (synth records `movedFrom`) is not planned
 * while the new location holds no state. The verdict is pure; planRefusal is run against real
 * Terraform on a local backend and a terraform_data resource (Terraform's built-in provider, so
 * nothing is installed).
 */
const move: StateMove = {
  stack: "demo-network",
  from: "s3://state/demo/demo-network.tfstate (us-east-1)",
  to: "s3://state/moved/demo-network.tfstate (us-east-1)",
  newState: "empty",
  migrate: "run `terraform -chdir=cdktf.out/stacks/demo-network init -migrate-state` (Terraform copies the state from the old backend: answer yes)",
};

describe("the verdict on a moved state", () => {
  test("an empty new location: refused, naming both locations and the command that moves the state", () => {
    expect(judgeStateMove(move)).toEqual({
      refusal:
        "[PLAN-STATE-1] demo-network: the state moved from s3://state/demo/demo-network.tfstate (us-east-1) to s3://state/moved/demo-network.tfstate (us-east-1) " +
        "and the state there holds nothing yet: a plan there would build a second copy of everything the stack owns " +
        "(fix: run `terraform -chdir=cdktf.out/stacks/demo-network init -migrate-state` (Terraform copies the state from the old backend: answer yes); " +
        "acknowledge PLAN-STATE-1 only for a stack that was never applied there)",
    });
  });

  test("the old location read: refused while it holds resources, planned when it holds nothing, refused saying why when unreadable", () => {
    expect(judgeStateMove({ ...move, oldState: "present" }).refusal).toContain("holds nothing yet, while the old one holds resources: a plan there");
    expect(judgeStateMove({ ...move, oldState: "empty" })).toEqual({});
    expect(judgeStateMove({ ...move, oldState: { unreadable: "Error: No valid credential sources found" } }).refusal).toContain(
      "holds nothing yet, and the old one could not be read to tell whether it holds resources (Error: No valid credential sources found): ",
    );
  });

  test("a folder still initialized for the old location: refused the same way", () => {
    expect(judgeStateMove({ ...move, newState: "not initialized" }).refusal).toMatch(
      /^\[PLAN-STATE-1\] demo-network: the state moved from .* and this folder is still initialized for the old location: .*init -migrate-state/,
    );
  });

  test("a state at the new location (migrated): planned", () => {
    expect(judgeStateMove({ ...move, newState: "present" })).toEqual({});
  });

  test("acknowledged: planned, with a warning that says why", () => {
    expect(judgeStateMove({ ...move, acknowledged: "stack never applied before the move" })).toEqual({
      warning: expect.stringMatching(/^warning: \[PLAN-STATE-1\] demo-network: the state moved from .* \(acknowledged: stack never applied before the move\)$/),
    });
  });

  test("guardrails.acknowledge accepts PLAN-STATE-1", () => {
    expect(ACKNOWLEDGEABLE_RULE_IDS).toContain("PLAN-STATE-1");
  });

  test("a stack that declares no resource cannot build a second copy of anything", () => {
    expect(declaresResources({ terraform: {}, output: { x: { value: 1 } } })).toBe(false);
    expect(declaresResources({ resource: { aws_vpc: {} } })).toBe(false);
    expect(declaresResources({ resource: { aws_vpc: { vpc: {} } } })).toBe(true);
  });

  test("terraform state pull: nothing, or a state without resources or outputs, is empty", () => {
    expect(stateFromPull("")).toBe("empty");
    expect(stateFromPull("\n")).toBe("empty");
    // What the S3 backend prints for a key that holds no state yet.
    expect(stateFromPull(JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 0, lineage: "", outputs: {}, resources: [], check_results: null }))).toBe("empty");
    // A state holding data sources only.
    expect(stateFromPull(JSON.stringify({ version: 4, serial: 1, outputs: {}, resources: [{ mode: "data", type: "aws_vpcs", name: "live" }] }))).toBe("empty");
    expect(stateFromPull(JSON.stringify({ version: 4, serial: 3, outputs: {}, resources: [{ mode: "managed", type: "aws_vpc", name: "vpc" }] }))).toBe("present");
    // An emptied stack that was applied (bootstrap removed) keeps its outputs.
    expect(stateFromPull(JSON.stringify({ version: 4, serial: 9, outputs: { StateOwner: { value: "demo-bootstrap" } }, resources: [] }))).toBe("present");
  });

  test("the report lists a refusal below the table, in the findings' form, and says not to apply", () => {
    const text = formatReport({ outcomes: [{ stack: "demo-network", status: "refused", reason: judgeStateMove(move).refusal! }], findings: [] });
    expect(text.split("\n")).toEqual([
      "  stack          create   update  replace   delete  status",
      "  demo-network        -        -        -        -  refused (below)",
      "",
      judgeStateMove(move).refusal,
      "",
      "Not safe to apply: fix or acknowledge the findings above.",
    ]);
  });
});

describe("planRefusal against real Terraform (local backend)", () => {
  const dir = tempDir();
  const outdir = path.join(dir, "cdktf.out");
  const stackDir = path.join(outdir, "stacks", "demo-network");
  const clusterFile = path.join(dir, "cluster.yaml");
  const stackJson = (statePath: string, resources = true) => ({
    terraform: { backend: { local: { path: statePath } } },
    ...(resources ? { resource: { terraform_data: { marker: { input: "x" } } } } : {}),
  });
  const writeStack = (json: object) => fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(json));
  const record = (movedFrom?: string) =>
    writeOutputRecord(outdir, newOutputRecord({ "demo-network": { cluster: "demo", state: "new.tfstate", ...(movedFrom ? { movedFrom } : {}) } }));
  const cluster = (acknowledge: object[] = []) => {
    fs.writeFileSync(clusterFile, stringify(baseCluster({ guardrails: { acknowledge } })));
    return loadClusterFile(clusterFile).clusters[0];
  };
  const refusal = async (json: object, acknowledge: object[] = []) => planRefusal({ name: "demo-network", dir: stackDir, cluster: cluster(acknowledge) }, json);

  beforeAll(async () => {
    requireTerraform();
    fs.mkdirSync(stackDir, { recursive: true });
    // Applied at the old location.
    writeStack(stackJson("old.tfstate"));
    await terraformOk(stackDir, ["init", "-input=false"]);
    await terraformOk(stackDir, ["apply", "-input=false", "-auto-approve"]);
  });

  test("no recorded move: no check, whatever the folder holds", async () => {
    record();
    writeStack(stackJson("new.tfstate"));
    expect(await refusal(stackJson("new.tfstate"))).toEqual({});
  });

  test("moved, not yet re-initialized: refused", async () => {
    record("old.tfstate");
    expect((await refusal(stackJson("new.tfstate"))).refusal).toContain("this folder is still initialized for the old location");
  });

  test("moved, not yet re-initialized, even a stack that declares nothing: refused (a plain init fails there)", async () => {
    expect((await refusal(stackJson("new.tfstate", false))).refusal).toContain("this folder is still initialized for the old location");
  });

  test("after init -migrate-state: planned", async () => {
    await terraformOk(stackDir, ["init", "-input=false", "-migrate-state", "-force-copy"]);
    expect(fs.existsSync(path.join(stackDir, "new.tfstate"))).toBe(true);
    expect(await refusal(stackJson("new.tfstate"))).toEqual({});
  });

  test("after init -reconfigure onto an empty location: refused, unless acknowledged", async () => {
    writeOutputRecord(outdir, newOutputRecord({ "demo-network": { cluster: "demo", state: "empty.tfstate", movedFrom: "new.tfstate" } }));
    writeStack(stackJson("empty.tfstate"));
    await terraformOk(stackDir, ["init", "-input=false", "-reconfigure"]);
    expect((await refusal(stackJson("empty.tfstate"))).refusal).toContain("the state moved from new.tfstate to empty.tfstate and the state there holds nothing yet");
    // One that declares nothing cannot build a second copy of anything (an ingress stack turned off, never applied).
    expect(await refusal(stackJson("empty.tfstate", false))).toEqual({});
    const acknowledged = await refusal(stackJson("empty.tfstate"), [{ rule: "PLAN-STATE-1", reason: "new stack" }]);
    expect(acknowledged).toEqual({ warning: expect.stringContaining("(acknowledged: new stack)") });
  });

  describe("the old location read through the moved-from folder synth writes (src/state/moves.ts)", () => {
    const movedFrom = path.join(stackDir, "moved-from");
    const recordMove = (from: string) =>
      writeOutputRecord(
        outdir,
        newOutputRecord({ "demo-network": { cluster: "demo", state: "fresh.tfstate", movedFrom: from, movedFromSettings: { backend: { local: { path: from } } } } }),
      );
    const writeMovedFrom = (from: string) => {
      fs.mkdirSync(movedFrom, { recursive: true });
      fs.writeFileSync(path.join(movedFrom, "main.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: `../${from}` } } } }));
      fs.rmSync(path.join(movedFrom, ".terraform"), { recursive: true, force: true });
    };
    beforeAll(async () => {
      writeStack(stackJson("fresh.tfstate"));
      await terraformOk(stackDir, ["init", "-input=false", "-reconfigure"]);
    });

    test("it holds resources: refused, saying so", async () => {
      recordMove("new.tfstate");
      writeMovedFrom("new.tfstate");
      expect((await refusal(stackJson("fresh.tfstate"))).refusal).toContain("holds nothing yet, while the old one holds resources");
    });

    test("it holds nothing (never applied there): planned", async () => {
      recordMove("never.tfstate");
      writeMovedFrom("never.tfstate");
      expect(await refusal(stackJson("fresh.tfstate"))).toEqual({});
    });

    test("the pull-and-push the advice (and docs/deploying.md) gives between HCP workspaces copies the state, shown here between two local states", async () => {
      recordMove("new.tfstate");
      writeMovedFrom("new.tfstate");
      const [init, copy] = stateMoveAdvice("cloud", "cloud", "cdktf.out/stacks/demo-network").commands;
      expect([init, copy]).toEqual([documentedEntry("terraform-state-copy-init").forms[0], documentedEntry("terraform-state-copy").forms[0]]);
      await runDocumentedOk([documented("terraform-state-copy-init", { stackDir }), documented("terraform-state-copy", { stackDir })]);
      const copied = JSON.parse(fs.readFileSync(path.join(stackDir, "fresh.tfstate"), "utf8"));
      expect(copied.resources.map((r: { type: string }) => r.type)).toEqual(["terraform_data"]);
    });

    test("copied: planned", async () => {
      expect(await refusal(stackJson("fresh.tfstate"))).toEqual({});
    });

    test("an output recorded before moved-from folders: the product's own local place is read where it always was", async () => {
      fs.rmSync(movedFrom, { recursive: true, force: true });
      fs.rmSync(path.join(stackDir, "fresh.tfstate"));
      const legacy = "terraform.demo-network.tfstate beside the output folder";
      writeOutputRecord(outdir, newOutputRecord({ "demo-network": { cluster: "demo", state: "fresh.tfstate", movedFrom: legacy } }));
      // Never applied there (issue 25: an example synthesized, then one's own file): planned.
      expect(await refusal(stackJson("fresh.tfstate"))).toEqual({});
      fs.copyFileSync(path.join(stackDir, "new.tfstate"), path.join(dir, "terraform.demo-network.tfstate"));
      expect((await refusal(stackJson("fresh.tfstate"))).refusal).toContain(
        "the state moved from ../../../terraform.demo-network.tfstate (relative to the stack folder) to fresh.tfstate and the state there holds nothing yet, while the old one holds resources",
      );
    });
  });
});
