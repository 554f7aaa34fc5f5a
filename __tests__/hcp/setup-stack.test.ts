import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { HcpSetupStack, HcpSetupStackProps } from "../../src/hcp/setup-stack";
import { setupStackFolder } from "../../src/hcp/names";
import { oidcProviderChoice } from "../../src/plan/hcp-setup";
import { tempDir } from "../../test-support/paths";
import { refusal } from "../../test-support/refusal";
import { baseCluster, StackJson, synthCluster, Synthesized } from "../../test-support/synth";

/**
 * The `<cluster>-hcp` set-up stack's JSON, against the workload stacks synthesized beside it:
 * names as the stacks' cloud blocks, sharing and triggers exactly along the cross-stack reads
 * that the stacks' terraform_remote_state data sources make, and the credentials variables.
 * (Its tfe provider is not in the tests' mirror: `terraform validate` cannot run on it here.)
 */

const cloud = (settings: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) =>
  baseCluster({ backend: { type: "cloud", cloud: { organization: "acme", workspacePrefix: "ocp-", project: "openshift", ...settings } }, ...overrides });

function setupJson(s: Synthesized): StackJson & { variable?: Record<string, any> } {
  const cluster = s.clusters[0].clusterName;
  return JSON.parse(fs.readFileSync(path.join(setupStackFolder(s.outdir, cluster), "cdk.tf.json"), "utf8"));
}

const byType = (json: StackJson, type: string): Record<string, any> => json.resource?.[type] ?? {};

/** `${tfe_workspace.<id>.id}` to the workspace's name. */
function workspaceNames(setup: StackJson): (ref: string) => string {
  const workspaces = byType(setup, "tfe_workspace");
  return (ref) => {
    const id = /^\$\{tfe_workspace\.([^.]+)\.id\}$/.exec(ref)?.[1];
    if (!id || !workspaces[id]) throw new Error(`not a workspace reference: ${ref}`);
    return workspaces[id].name;
  };
}

/** Every cross-stack read the workload stacks make: [reader's workspace, read workspace]. */
function crossStackReads(s: Synthesized): [string, string][] {
  return Object.values(s.json).flatMap((stack) => {
    const own = stack.terraform.cloud.workspaces.name;
    return Object.values<any>(stack.data?.terraform_remote_state ?? {})
      .map((source): [string, string] => [own, source.config.workspaces.name])
      .filter(([reader, read]) => reader !== read);
  });
}

const sorted = <T>(pairs: T[]) => pairs.map((p) => JSON.stringify(p)).sort();

describe("the set-up stack <cluster>-hcp", () => {
  let plain: Synthesized;
  let setup: ReturnType<typeof setupJson>;
  beforeAll(() => {
    plain = synthCluster(cloud({ terraformVersion: "1.11.4" }));
    setup = setupJson(plain);
  });

  test("is synthesized beside the workload stacks, outside the app cdktf deploy '*' reads, its state beside the output folder", () => {
    expect(Object.keys(plain.json)).not.toContain("demo-hcp");
    const manifest = JSON.parse(fs.readFileSync(path.join(plain.outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks)).not.toContain("demo-hcp");
    expect(plain.setupStacks).toEqual([{ name: "demo-hcp", resources: expect.any(Number) }]);
    const folder = setupStackFolder(plain.outdir, "demo");
    expect(path.resolve(folder, setup.terraform.backend.local.path)).toBe(path.join(path.dirname(plain.outdir), "terraform.demo-hcp.tfstate"));
    expect(setup.terraform.required_providers.tfe).toEqual({ source: "hashicorp/tfe", version: "0.71.0" });
    expect(setup.provider.tfe).toEqual([{ hostname: "app.terraform.io", organization: "acme" }]);
  });

  test("one workspace per workload stack, named and placed exactly as the stack's cloud block, with the pinned version", () => {
    const fromCloudBlocks = Object.values(plain.json).map((stack) => {
      const { organization, workspaces } = stack.terraform.cloud;
      return { name: workspaces.name, organization, project: workspaces.project };
    });
    const project = setup.data?.tfe_project?.project;
    expect(project).toMatchObject({ name: "openshift", organization: "acme" });
    const workspaces = Object.values(byType(setup, "tfe_workspace"));
    expect(
      workspaces
        .map((w) => ({ name: w.name, organization: w.organization, project: w.project_id === "${data.tfe_project.project.id}" ? "openshift" : w.project_id }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual(fromCloudBlocks.sort((a, b) => a.name.localeCompare(b.name)));
    for (const w of workspaces) {
      expect(w.terraform_version).toBe("1.11.4");
      // The VCS connection and auto-apply are set in HCP; re-applying the set-up stack keeps them.
      expect(w.lifecycle.ignore_changes).toEqual(expect.arrayContaining(["vcs_repo", "working_directory", "auto_apply", "auto_apply_run_trigger"]));
    }
  });

  test("each state is shared with exactly the workspaces that read it, never organization-wide", () => {
    const reads = crossStackReads(plain);
    // infra, bootstrap, machines read network; bootstrap, machines and ingress read infra.
    expect(reads.length).toBeGreaterThanOrEqual(5);
    const name = workspaceNames(setup);
    const settings = Object.values(byType(setup, "tfe_workspace_settings"));
    expect(settings).toHaveLength(5);
    const sharing = settings.flatMap((s) => {
      expect(s.global_remote_state).toBe(false);
      return s.remote_state_consumer_ids.map((consumer: string): [string, string] => [name(consumer), name(s.workspace_id)]);
    });
    expect(sorted(sharing)).toEqual(sorted(reads));
  });

  test("no run triggers unless asked for", () => {
    expect(byType(setup, "tfe_run_trigger")).toEqual({});
  });

  test("runTriggers: true gives a trigger along every cross-stack read, and no other", () => {
    const s = synthCluster(cloud({ runTriggers: true }));
    const json = setupJson(s);
    const name = workspaceNames(json);
    const triggers = Object.values(byType(json, "tfe_run_trigger")).map((t): [string, string] => [name(t.workspace_id), name(t.sourceable_id)]);
    expect(sorted(triggers)).toEqual(sorted(crossStackReads(s)));
  });

  test("sharing follows the reads the file makes: with the apps records on, ingress reads infra's outputs", () => {
    const s = synthCluster(cloud({}, { ingress: { routerLoadBalancerHostname: "router-lb.example.com" } }));
    const json = setupJson(s);
    const name = workspaceNames(json);
    const settings = Object.values(byType(json, "tfe_workspace_settings"));
    const sharing = settings.flatMap((x) => x.remote_state_consumer_ids.map((c: string): [string, string] => [name(c), name(x.workspace_id)]));
    expect(sorted(sharing)).toEqual(sorted(crossStackReads(s)));
    expect(sharing).toContainEqual(["ocp-demo-ingress", "ocp-demo-infra"]);
  });

  test("execution mode, and an agent pool with agent execution", () => {
    const remote = Object.values(byType(setup, "tfe_workspace_settings"));
    for (const s of remote) expect([s.execution_mode, s.agent_pool_id]).toEqual(["remote", undefined]);
    const agent = Object.values(byType(setupJson(synthCluster(cloud({ executionMode: "agent", agentPoolId: "apool-1a2b3c4d5e6f7g8h" }))), "tfe_workspace_settings"));
    for (const s of agent) expect([s.execution_mode, s.agent_pool_id]).toEqual(["agent", "apool-1a2b3c4d5e6f7g8h"]);
  });

  test("dynamic credentials: the two variables on every workload workspace, with the role the stack creates", () => {
    const name = workspaceNames(setup);
    const variables = Object.values(byType(setup, "tfe_variable")).map((v) => [name(v.workspace_id), v.category, v.key, v.value]);
    const expected = Object.values(byType(setup, "tfe_workspace")).flatMap((w) => [
      [w.name, "env", "TFC_AWS_PROVIDER_AUTH", "true"],
      [w.name, "env", "TFC_AWS_RUN_ROLE_ARN", "${aws_iam_role.run-role.arn}"],
    ]);
    expect(sorted(variables)).toEqual(sorted(expected));
    expect(Object.values(byType(setup, "aws_iam_role"))).toHaveLength(1);
    expect(byType(setup, "aws_iam_openid_connect_provider")["oidc-provider"]).toMatchObject({ url: "https://app.terraform.io", client_id_list: ["aws.workload.identity"] });
    // Not the cluster's ownership tag, which `openshift-install destroy cluster` deletes by.
    expect(JSON.stringify(setup.provider.aws)).not.toContain("kubernetes.io/cluster/");
    const tagged = setupJson(synthCluster(cloud({}, { tags: { team: "platform" } })));
    expect(tagged.provider.aws[0].default_tags).toEqual([{ tags: { team: "platform" } }]);
  });

  test("an existing role (awsRoleArn): its ARN in the variables, and nothing made in AWS", () => {
    const arn = "arn:aws:iam::123456789012:role/hcp-runs";
    const json = setupJson(synthCluster(cloud({ awsRoleArn: arn })));
    expect(
      Object.values(byType(json, "tfe_variable"))
        .filter((v) => v.key === "TFC_AWS_RUN_ROLE_ARN")
        .map((v) => v.value),
    ).toEqual(Array(5).fill(arn));
    expect(Object.keys(json.resource ?? {}).filter((t) => t.startsWith("aws_"))).toEqual([]);
    expect(json.provider.aws).toBeUndefined();
  });

  test.each(["variables", "none"])("awsCredentials: %s: no credentials variables and nothing made in AWS", (awsCredentials) => {
    const json = setupJson(synthCluster(cloud({ awsCredentials })));
    expect(byType(json, "tfe_variable")).toEqual({});
    expect(Object.keys(json.resource ?? {}).filter((t) => t.startsWith("aws_"))).toEqual([]);
  });

  test("local execution: no credentials by default (runs use the machine's own); dynamic when asked for", () => {
    const local = setupJson(synthCluster(cloud({ executionMode: "local" })));
    expect(byType(local, "tfe_variable")).toEqual({});
    expect(Object.keys(local.resource ?? {}).filter((t) => t.startsWith("aws_"))).toEqual([]);
    const dynamic = setupJson(synthCluster(cloud({ executionMode: "local", awsCredentials: "dynamic" })));
    expect(Object.keys(byType(dynamic, "tfe_variable"))).toHaveLength(10);
  });

  test("no project: the workspaces go to the organization's default project, and the trust names it", () => {
    const json = setupJson(synthCluster(cloud({ project: null })));
    expect(json.data?.tfe_project).toBeUndefined();
    for (const w of Object.values(byType(json, "tfe_workspace"))) expect(w.project_id).toBeUndefined();
    const trust = JSON.parse(Object.values(byType(json, "aws_iam_role"))[0].assume_role_policy);
    expect(trust.Statement[0].Condition.StringLike["app.terraform.io:sub"][0]).toBe("organization:acme:project:Default Project:workspace:ocp-demo-network:run_phase:*");
  });

  test("a fleet: one set-up stack per cloud cluster, each sharing only within its own cluster", () => {
    const s = synthCluster({
      ...cloud(),
      clusters: [{}, { clusterName: "web", infraId: "web-a1b2c" }, { clusterName: "lab", infraId: "lab-z9y8x", backend: { type: "local" } }],
    });
    expect(s.setupStacks.map((x) => x.name)).toEqual(["demo-hcp", "web-hcp"]);
    for (const cluster of ["demo", "web"]) {
      const json = JSON.parse(fs.readFileSync(path.join(setupStackFolder(s.outdir, cluster), "cdk.tf.json"), "utf8"));
      const names = Object.values(byType(json, "tfe_workspace")).map((w) => w.name);
      expect(names.sort()).toEqual(["bootstrap", "infra", "ingress", "machines", "network"].map((p) => `ocp-${cluster}-${p}`));
      const name = workspaceNames(json);
      for (const x of Object.values(byType(json, "tfe_workspace_settings"))) for (const c of x.remote_state_consumer_ids) expect(name(c)).toMatch(new RegExp(`^ocp-${cluster}-`));
    }
  });

  test("a local or S3 backend synthesizes no set-up stack", () => {
    const s = synthCluster(baseCluster());
    expect(s.setupStacks).toEqual([]);
    expect(fs.existsSync(path.join(s.outdir, "hcp"))).toBe(false);
  });
});

describe("the cloud contract's rules name the field", () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const rows: [string, Record<string, unknown>, string, RegExp][] = [
    ["agent without a pool", { executionMode: "agent" }, "backend.cloud.agentPoolId", /is required with executionMode: agent/],
    ["a pool without agent", { agentPoolId: "apool-1a2b3c4d5e6f7g8h" }, "backend.cloud.agentPoolId", /is used only with executionMode: agent \(got executionMode: remote\)/],
    ["a pool ID's form", { executionMode: "agent", agentPoolId: "pool-1" }, "backend.cloud.agentPoolId", /must be an agent pool ID .*\(got "pool-1"\)/],
    ["an execution mode", { executionMode: "cloud" }, "backend.cloud.executionMode", /one of remote, local, agent/],
    ["a version constraint", { terraformVersion: "~> 1.11" }, "backend.cloud.terraformVersion", /exact Terraform version such as 1.11.4 \(got "~> 1.11"\)/],
    ["a credentials mode", { awsCredentials: "static" }, "backend.cloud.awsCredentials", /one of dynamic, variables, none/],
    ["a role ARN's form", { awsRoleArn: "hcp-runs" }, "backend.cloud.awsRoleArn", /IAM role/],
    [
      "a role without dynamic credentials",
      { awsCredentials: "variables", awsRoleArn: "arn:aws:iam::123456789012:role/hcp-runs" },
      "backend.cloud.awsRoleArn",
      /only with awsCredentials: dynamic/,
    ],
    ["runTriggers a boolean", { runTriggers: "yes" }, "backend.cloud.runTriggers", /boolean/],
  ];
  test.each(rows)("%s", (_rule, settings, field, message) => {
    const { file, lines } = refusal(dir, cloud(settings));
    const line = lines.find((l) => l.startsWith(file) && l.includes(`: ${field}: `) && message.test(l));
    expect({ line, lines }).toEqual({ line: expect.any(String), lines });
  });
});

describe("HcpSetupStack checks its own props", () => {
  const workspaces = [
    { stack: "demo-network", workspace: "ocp-demo-network", reads: [], readBy: ["demo-infra"] },
    { stack: "demo-infra", workspace: "ocp-demo-infra", reads: ["demo-network"], readBy: [] },
  ];
  const props = { organization: "acme", hostname: "app.terraform.io", workspaces, executionMode: "remote" as const, statePath: "terraform.tfstate" };

  test("valid props synthesize", () => {
    expect(() => new HcpSetupStack(new App({ outdir: tempDir() }), "demo-hcp", props)).not.toThrow();
  });

  test.each([
    [{ organization: "my org" }, "demo-hcp: organization: must be an HCP Terraform organization name"],
    [{ executionMode: "agent" }, "demo-hcp: agentPoolId: is required with executionMode: agent"],
    [{ agentPoolId: "apool-1a2b" }, "demo-hcp: agentPoolId: is used only with executionMode: agent (got executionMode: remote)"],
    [{ terraformVersion: "latest" }, 'demo-hcp: terraformVersion: must be an exact Terraform version such as 1.11.4 (got "latest")'],
    [{ workspaces: [workspaces[1]] }, "demo-hcp: workspaces[0]: reads or is read by stacks that have no workspace here: demo-network"],
  ])("%o", (bad, message) => {
    expect(() => new HcpSetupStack(new App({ outdir: tempDir() }), "demo-hcp", { ...props, ...bad } as HcpSetupStackProps)).toThrow(message);
  });
});

describe("the set-up stack's folder across syntheses", () => {
  test("a second synth keeps its Terraform working files, and refuses a file of the user's in hcp/", () => {
    const dir = tempDir();
    const first = synthCluster(cloud(), dir);
    const folder = setupStackFolder(first.outdir, "demo");
    fs.mkdirSync(path.join(folder, ".terraform"));
    fs.writeFileSync(path.join(folder, ".terraform.lock.hcl"), "# lock\n");
    synthCluster(cloud({ runTriggers: true }), dir);
    expect(fs.readFileSync(path.join(folder, ".terraform.lock.hcl"), "utf8")).toBe("# lock\n");
    expect(fs.existsSync(path.join(folder, ".terraform"))).toBe(true);
    fs.writeFileSync(path.join(first.outdir, "hcp", "notes.txt"), "mine");
    expect(() => synthCluster(cloud(), dir)).toThrow(/hcp\/notes.txt: is not part of the synthesized output/);
    expect(fs.readFileSync(path.join(first.outdir, "hcp", "notes.txt"), "utf8")).toBe("mine");
  });
});

describe("what npm run hcp-setup reads of the set-up stack (src/plan/hcp-setup.ts)", () => {
  test("a run role created here: the OIDC provider it creates and the lookup it makes instead, both for the host", () => {
    expect(oidcProviderChoice(setupJson(synthCluster(cloud({ hostname: "tfe.example.com" }))))).toEqual({
      url: "https://tfe.example.com",
      existing: "data.aws_iam_openid_connect_provider.existing-oidc-provider",
    });
  });

  test.each([
    ["an existing role", { awsRoleArn: "arn:aws:iam::123456789012:role/hcp-runs" }],
    ["credentials set by hand", { awsCredentials: "variables" }],
    ["no credentials", { awsCredentials: "none" }],
  ])("%s: no choice to make, the stack is applied as it is", (_what, settings) => {
    expect(oidcProviderChoice(setupJson(synthCluster(cloud(settings))))).toBeUndefined();
  });
});
