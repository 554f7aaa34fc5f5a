/**
 * The HCP Terraform API double, driven by real Terraform (the `cloud` block and the `remote`
 * backend of terraform_remote_state): what the cloud end-to-end suite relies on it for.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { fetchRunPlanJson } from "../../src/plan/hcp";
import { HcpDouble } from "../../test-support/hcp-double";
import { tempDir } from "../../test-support/paths";
import { setupStackFolder } from "../../src/hcp/names";
import { baseCluster, synthCluster } from "../../test-support/synth";
import { requireTerraform, terraform } from "../../test-support/terraform";

const ORG = "acme";
let hcp: HcpDouble;

/**
 * The set-up stack's shape (E1's brief): a project by name, a workspace per stack, settings with
 * remote_state_consumer_ids, run triggers, variables; `down` reads `up`, when `share` says so.
 */
function setupStack(share: boolean) {
  return {
    data: { tfe_project: { project: { name: "openshift", organization: ORG } } },
    resource: {
      tfe_workspace: {
        up: { name: "up", organization: ORG, project_id: "${data.tfe_project.project.id}" },
        down: { name: "down", organization: ORG, project_id: "${data.tfe_project.project.id}" },
      },
      tfe_workspace_settings: {
        "up-settings": {
          workspace_id: "${tfe_workspace.up.id}",
          execution_mode: "local",
          global_remote_state: false,
          remote_state_consumer_ids: share ? ["${tfe_workspace.down.id}"] : [],
        },
        "down-settings": { workspace_id: "${tfe_workspace.down.id}", execution_mode: "local", global_remote_state: false, remote_state_consumer_ids: [] },
      },
      tfe_run_trigger: { "down-after-up": { workspace_id: "${tfe_workspace.down.id}", sourceable_id: "${tfe_workspace.up.id}" } },
      tfe_variable: { "down-auth": { workspace_id: "${tfe_workspace.down.id}", key: "TFC_AWS_PROVIDER_AUTH", value: "true", category: "env" } },
    },
  };
}

function cloudBlock(workspace: string, project?: string): object {
  return { cloud: { hostname: hcp.hostname, organization: ORG, workspaces: { name: workspace, ...(project ? { project } : {}) } } };
}

/** A configuration folder: `up` has outputs, `down` reads them through terraform_remote_state. */
function config(name: "up" | "down", value = "vpc-0123"): string {
  const dir = tempDir(`hcp-${name}-`);
  const json =
    name === "up"
      ? { terraform: cloudBlock("up", "openshift"), output: { vpc_id: { value }, secret: { value: "s3cr3t", sensitive: true } } }
      : {
          terraform: cloudBlock("down", "openshift"),
          data: { terraform_remote_state: { up: { backend: "remote", config: { hostname: hcp.hostname, organization: ORG, workspaces: { name: "up" } } } } },
          output: { upstream_vpc: { value: "${data.terraform_remote_state.up.outputs.vpc_id}" } },
        };
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json));
  return dir;
}

/** Terraform's run, its output's line wrapping undone (messages are matched whole). */
const tf = async (dir: string, args: string[], token?: string) => {
  const r = await terraform(dir, args, hcp.env(token));
  return { ...r, stderr: r.stderr.replace(/\s+/g, " ").trim() };
};
const applied = async (dir: string, token?: string) => {
  const init = await tf(dir, ["init", "-input=false"], token);
  if (init.code !== 0) return init;
  return tf(dir, ["apply", "-auto-approve", "-input=false"], token);
};

beforeAll(async () => {
  requireTerraform();
  hcp = await HcpDouble.start({ organization: ORG });
});
afterAll(() => hcp?.stop());

describe("HCP double", () => {
  test("the cloud block stores state in the configured workspace; terraform output reads it back", async () => {
    hcp.configureFrom(setupStack(false));
    expect(hcp.workspaces.get("up")).toMatchObject({ executionMode: "local", globalRemoteState: false });
    expect([...hcp.workspaces.get("up")!.consumers]).toEqual([]);
    expect(hcp.runTriggers).toEqual([{ workspace: "down", sourceable: "up" }]);
    expect(hcp.workspaces.get("down")!.variables).toEqual([expect.objectContaining({ key: "TFC_AWS_PROVIDER_AUTH", value: "true", category: "env" })]);

    const up = config("up");
    const r = await applied(up);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(hcp.currentState("up").outputs.vpc_id.value).toBe("vpc-0123");
    expect(hcp.workspaces.get("up")!.lockedBy).toBeUndefined();
    // Read back through the cloud backend (current-state-version-outputs, the sensitive one by id).
    const out = await tf(up, ["output", "-json"]);
    expect(JSON.parse(out.stdout)).toMatchObject({ vpc_id: { value: "vpc-0123" }, secret: { value: "s3cr3t", sensitive: true } });
    // The requests Terraform made: discovery, ping, entitlements, workspace, project, lock, state.
    const calls = new Set(hcp.requests.map((q) => `${q.method} ${q.path.replace(/(ws|sv)-[0-9a-f]+/g, ":id")}`));
    for (const c of [
      "GET /.well-known/terraform.json",
      "GET /api/v2/ping",
      `GET /api/v2/organizations/${ORG}/entitlement-set`,
      `GET /api/v2/organizations/${ORG}/workspaces/up`,
      `GET /api/v2/organizations/${ORG}/projects`,
      "POST /api/v2/workspaces/:id/actions/lock",
      "POST /api/v2/workspaces/:id/state-versions",
      "POST /api/v2/workspaces/:id/actions/unlock",
      "GET /api/v2/workspaces/:id/current-state-version-outputs",
    ]) {
      expect(calls).toContain(c);
    }
  }, 120_000);

  test("a run token reads another workspace's state only when that one shares it (else HCP's 404, and nothing is written)", async () => {
    const down = config("down");
    const refused = await applied(down, hcp.runToken("down"));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error loading the remote state: Error creating workspace up: resource not found/);
    expect(hcp.currentState("down")).toBeUndefined();
    expect(hcp.workspaces.get("down")!.lockedBy).toBeUndefined();

    // A user token (local execution after `terraform login`) reads every workspace it can see.
    expect((await applied(config("down"))).code).toBe(0);

    hcp.workspaces.get("up")!.consumers.add("down");
    const shared = await applied(config("down"), hcp.runToken("down"));
    expect(shared.stderr).toBe("");
    expect(hcp.currentState("down").outputs.upstream_vpc.value).toBe("vpc-0123");

    // Sharing is with the workspace named, not with every run token.
    hcp.addWorkspace("other", { executionMode: "local" });
    const other = config("down");
    fs.writeFileSync(path.join(other, "main.tf.json"), fs.readFileSync(path.join(other, "main.tf.json"), "utf8").replace('"name":"down"', '"name":"other"'));
    const stranger = await applied(other, hcp.runToken("other"));
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/Error creating workspace up: resource not found/);
  }, 180_000);

  test("a workspace locked by someone else stops Terraform; force-unlock releases it", async () => {
    const ws = hcp.workspaces.get("up")!;
    const api = (p: string, token: string, method = "POST") =>
      new Promise<number>((resolve, reject) => {
        const req = https.request(`${hcp.url}/api/v2/${p}`, { method, ca: fs.readFileSync(hcp.caFile), headers: { Authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on("error", reject);
        req.end();
      });
    const other = hcp.runToken("up");
    expect(await api(`workspaces/${ws.id}/actions/lock`, other)).toBe(200);
    expect(await api(`workspaces/${ws.id}/actions/lock`, hcp.userToken)).toBe(409);
    expect(await api(`workspaces/${ws.id}/actions/unlock`, hcp.userToken)).toBe(409);
    const r = await applied(config("up", "vpc-0456"));
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/workspace already locked|Error acquiring the state lock/);
    expect(hcp.currentState("up").outputs.vpc_id.value).toBe("vpc-0123");
    expect(await api(`workspaces/${ws.id}/actions/force-unlock`, hcp.userToken)).toBe(200);
    expect(await api(`workspaces/${ws.id}/actions/force-unlock`, hcp.userToken)).toBe(409);
    expect(await api(`workspaces/${ws.id}`, "not-a-token", "GET")).toBe(401);
  }, 120_000);

  test("an unknown organization stops init with Terraform's own message", async () => {
    const dir = tempDir("hcp-org-");
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { cloud: { hostname: hcp.hostname, organization: "nope", workspaces: { name: "x" } } } }));
    const r = await tf(dir, ["init", "-input=false"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/organization "nope" at host localhost:\d+ not found/);
  });

  test("a run's JSON plan is served through runs/:id and plans/:id/json-output, to its own workspace's token", async () => {
    const planJson = fs.readFileSync(path.join(__dirname, "..", "plan", "fixtures", "network-unchanged.json"), "utf8");
    const run = hcp.addRun("up", planJson);
    const env = { ...process.env, ...hcp.env(), TF_TOKEN_localhost: "" };
    const owner = { clusterName: "up", organization: hcp.organization, workspaces: ["up"] };
    expect(await fetchRunPlanJson(hcp.hostname, run.id, owner, env)).toBe(planJson);
    await expect(fetchRunPlanJson(hcp.hostname, run.id, owner, { ...env, ...hcp.env(hcp.runToken("down")) })).rejects.toThrow(
      `run ${run.id}: not found on ${hcp.hostname} (404: it does not exist, or the token for ${hcp.hostname} may not read it)`,
    );
    await expect(fetchRunPlanJson(hcp.hostname, "run-doesnotexist", owner, env)).rejects.toThrow(/run run-doesnotexist: not found/);
  });

  test("configured from the set-up stack as synthesized: every workload workspace, its sharing, triggers and credentials variables", () => {
    const synth = synthCluster(
      baseCluster({ backend: { type: "cloud", cloud: { organization: ORG, hostname: hcp.hostname, workspacePrefix: "x-", runTriggers: true, awsCredentials: "dynamic" } } }),
    );
    const before = hcp.runTriggers.length;
    hcp.configureFrom(JSON.parse(fs.readFileSync(path.join(setupStackFolder(synth.outdir, "demo"), "cdk.tf.json"), "utf8")));
    const stacks = Object.keys(synth.json);
    // Who reads whom, from the workload stacks' own terraform_remote_state blocks.
    const readers = (upstream: string) =>
      stacks.filter((s) => s !== upstream && Object.values<any>(synth.json[s].data?.terraform_remote_state ?? {}).some((r) => r.config?.workspaces?.name === `x-${upstream}`));
    for (const stack of stacks) {
      const ws = hcp.workspaces.get(`x-${stack}`)!;
      expect(ws).toMatchObject({ executionMode: "remote", globalRemoteState: false });
      expect([...ws.consumers].sort()).toEqual(
        readers(stack)
          .map((r) => `x-${r}`)
          .sort(),
      );
      expect(ws.variables.map((v) => v.key).sort()).toEqual(["TFC_AWS_PROVIDER_AUTH", "TFC_AWS_RUN_ROLE_ARN"]);
    }
    const triggers = hcp.runTriggers.slice(before);
    expect(triggers.length).toBe(stacks.reduce((n, s) => n + readers(s).length, 0));
    for (const t of triggers) expect(readers(t.sourceable.slice(2))).toContain(t.workspace.slice(2));
  });
});
