import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { loadClusterFile } from "../../src/cluster-file";
import { newOutputRecord, writeOutputRecord } from "../../src/output/record";
import { hcpWorkspaceExists } from "../../src/plan/hcp";
import { planRefusal } from "../../src/plan/preflight";
import { writeMovedFromFolders } from "../../src/state/moves";
import { HcpDouble } from "../../test-support/hcp-double";
import { tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";
import { requireTerraform, terraformOk } from "../../test-support/terraform";

/**
 * `npm run plan`'s check before a stack's plan (src/plan/preflight.ts) with its state in HCP.
 * `terraform init` on a cloud block creates a missing workspace, bare, and the set-up stack's
 * apply (which creates the workspaces, or renames them after a workspacePrefix change) then fails
 * on that name: the check asks HCP's API whether each workspace exists before any init, reads a
 * moved stack's old workspace through its moved-from folder only when it exists, and plans no
 * stack whose workspace is missing. Real Terraform against the local HCP double, with a
 * terraform_data resource (Terraform's built-in provider: nothing to install).
 */
const ORG = "acme";
let hcp: HcpDouble;
const saved = { ...process.env };
const dir = tempDir("upi-hcp-moved-");
const outdir = path.join(dir, "cdktf.out");
const stackDir = path.join(outdir, "stacks", "demo-network");

const cloud = (workspace: string) => ({ cloud: { organization: ORG, hostname: hcp.hostname, workspaces: { name: workspace } } });
const location = (workspace: string) => `${hcp.hostname}/${ORG}/workspaces/${workspace}`;
const stackJson = (workspace: string) => ({ terraform: cloud(workspace), resource: { terraform_data: { marker: { input: "x" } } } });
/** What synth writes after a workspacePrefix change: the stack on the new workspace, the record and the moved-from folder on the old. */
function synthesizedMove(from: string, to: string): object {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(stackDir, { recursive: true });
  const json = stackJson(to);
  fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(json));
  const stacks = { "demo-network": { cluster: "demo", state: location(to), movedFrom: location(from), movedFromSettings: cloud(from) } };
  writeOutputRecord(outdir, newOutputRecord(stacks));
  writeMovedFromFolders(outdir, stacks);
  return json;
}
const clusterFile = path.join(dir, "cluster.yaml");
const refusal = (json: object) => planRefusal({ name: "demo-network", dir: stackDir, cluster: loadClusterFile(clusterFile).clusters[0] }, json);
const missing = (workspace: string) =>
  `HCP workspace ${ORG}/${workspace} does not exist on ${hcp.hostname} (or this token may not read it), and terraform init would create it bare (the organization's default execution mode, no state sharing): ` +
  `apply the set-up stack first, \`CDKTF_OUTDIR=${path.relative(process.cwd(), outdir)} npm run hcp-setup -- demo\``;
const workspacesCreated = () => hcp.requests.filter((r) => r.method === "POST" && /\/organizations\/[^/]+\/workspaces$/.test(r.path));

beforeAll(async () => {
  requireTerraform();
  hcp = await HcpDouble.start({ organization: ORG, defaultExecutionMode: "local" });
  // planRefusal runs Terraform with this process's environment, as npm run plan does with the shell's.
  Object.assign(process.env, hcp.env());
  fs.writeFileSync(clusterFile, stringify(baseCluster({ backend: { type: "cloud", cloud: { organization: ORG, hostname: hcp.hostname, workspacePrefix: "new-" } } })));
  // Applied in the old workspace (made as the set-up stack makes it), before the prefix changed.
  hcp.addWorkspace("old-demo-network", { executionMode: "local" });
  const applied = path.join(dir, "applied");
  fs.mkdirSync(applied);
  fs.writeFileSync(path.join(applied, "main.tf.json"), JSON.stringify(stackJson("old-demo-network")));
  await terraformOk(applied, ["init", "-input=false"], hcp.env());
  await terraformOk(applied, ["apply", "-input=false", "-auto-approve"], hcp.env());
  expect(hcp.currentState("old-demo-network").resources).toHaveLength(1);
}, 120_000);

afterAll(async () => {
  process.env = saved;
  await hcp?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a stack moved between HCP workspaces, checked by npm run plan before its plan", () => {
  test("the new workspace not made yet, the old one holding resources: refused, and no workspace created", async () => {
    const before = workspacesCreated().length;
    const r = await refusal(synthesizedMove("old-demo-network", "new-demo-network"));
    expect(r.refusal).toContain(
      `[PLAN-STATE-1] demo-network: the state moved from ${location("old-demo-network")} to ${location("new-demo-network")} and the state there holds nothing yet, while the old one holds resources`,
    );
    expect(hcp.workspaces.has("new-demo-network")).toBe(false);
    expect(workspacesCreated().length).toBe(before);
  }, 60_000);

  test("neither workspace exists (never applied under either prefix): nothing to move, but not planned either, and neither is created", async () => {
    const before = workspacesCreated().length;
    expect(await refusal(synthesizedMove("gone-demo-network", "new-demo-network"))).toEqual({ failure: missing("new-demo-network") });
    expect([hcp.workspaces.has("gone-demo-network"), hcp.workspaces.has("new-demo-network")]).toEqual([false, false]);
    expect(workspacesCreated().length).toBe(before);
  }, 60_000);

  test("a stack that declares nothing (ingress until day 2), the new workspace not made yet: not planned, since its init would create it", async () => {
    const json = synthesizedMove("old-demo-network", "new-demo-network");
    expect(await refusal({ terraform: (json as { terraform: object }).terraform })).toEqual({ failure: missing("new-demo-network") });
    expect(hcp.workspaces.has("new-demo-network")).toBe(false);
  }, 60_000);

  test("the new workspace made by the set-up stack, empty: both read through Terraform, refused, nothing created", async () => {
    hcp.addWorkspace("new-demo-network", { executionMode: "local" });
    const before = workspacesCreated().length;
    const r = await refusal(synthesizedMove("old-demo-network", "new-demo-network"));
    expect(r.refusal).toContain("the state there holds nothing yet, while the old one holds resources");
    // Read by Terraform in both folders, the workspaces being there.
    expect([fs.existsSync(path.join(stackDir, ".terraform")), fs.existsSync(path.join(stackDir, "moved-from", ".terraform"))]).toEqual([true, true]);
    expect(workspacesCreated().length).toBe(before);
    expect(hcp.currentState("new-demo-network")).toBeUndefined();
  }, 60_000);
});

test("HCP not answering (429, 503): whether the workspace exists is unknown, so the stack is not planned and nothing is created", async () => {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(stackDir, { recursive: true });
  writeOutputRecord(outdir, newOutputRecord({ "demo-network": { cluster: "demo", state: location("busy-demo-network") } }));
  hcp.addWorkspace("busy-demo-network", { executionMode: "local" });
  for (const status of [429, 503]) {
    hcp.failing = status;
    try {
      const r = await refusal(stackJson("busy-demo-network"));
      expect(r.failure).toBe(
        `cannot tell whether HCP workspace ${ORG}/busy-demo-network exists (workspace ${ORG}/busy-demo-network: ${hcp.hostname} answered ${status}); not planned, since terraform init would create it bare`,
      );
    } finally {
      hcp.failing = undefined;
    }
  }
  expect(await refusal(stackJson("busy-demo-network"))).toEqual({});
}, 60_000);

describe("a stack that never moved", () => {
  test("its workspace not made yet (the set-up stack not applied): not planned, saying to apply the set-up stack; nothing created", async () => {
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(stackDir, { recursive: true });
    writeOutputRecord(outdir, newOutputRecord({ "demo-network": { cluster: "demo", state: location("fresh-demo-network") } }));
    const before = workspacesCreated().length;
    expect(await refusal(stackJson("fresh-demo-network"))).toEqual({ failure: missing("fresh-demo-network") });
    expect(workspacesCreated().length).toBe(before);
    // Once it exists, nothing stands in the plan's way.
    hcp.addWorkspace("fresh-demo-network", { executionMode: "local" });
    expect(await refusal(stackJson("fresh-demo-network"))).toEqual({});
  }, 60_000);
});

test("the API check: a workspace that exists, one that does not, and a token HCP refuses (one line, naming the fix)", async () => {
  const ask = (workspace: string, env: NodeJS.ProcessEnv = process.env) => hcpWorkspaceExists(cloud(workspace).cloud, env);
  expect([await ask("old-demo-network"), await ask("never-demo-network")]).toEqual([true, false]);
  const badToken = path.join(dir, "bad.rc");
  fs.writeFileSync(badToken, `credentials "${hcp.hostname}" {\n  token = "wrong"\n}\n`);
  await expect(ask("old-demo-network", { ...process.env, TF_CLI_CONFIG_FILE: badToken })).rejects.toThrow(
    `workspace ${ORG}/old-demo-network: the token for ${hcp.hostname} was refused (401); run terraform login ${hcp.hostname}`,
  );
});
