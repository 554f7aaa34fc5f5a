/**
 * A local HCP Terraform (Terraform Cloud / Enterprise) API test double, started by the tests as
 * moto is: HTTPS on 127.0.0.1 and a free port, with a throwaway CA made by the `openssl` CLI and
 * handed through SSL_CERT_FILE to Terraform (Go reads it on Linux) and to `npm run plan --
 * --check-run`, which trusts what Terraform trusts. Terraform is given the host's token in a CLI
 * config `credentials` block (TF_TOKEN_<host> cannot spell the host's port).
 *
 * It implements what Terraform 1.11's `cloud` block (internal/cloud: backend.go Configure,
 * StateMgr, Operation; state.go) and `remote` backend (internal/backend/remote: backend.go,
 * backend_state.go, used by every terraform_remote_state) call through go-tfe v1.70.0 (the version
 * Terraform 1.11.4's go.mod pins), with go-tfe's paths and JSON:API shapes (tfe.go, workspace.go,
 * state_version.go, state_version_output.go, project.go, organization.go, run.go, plan.go) and
 * HCP's API documentation (developer.hashicorp.com/terraform/cloud-docs/api-docs):
 *
 *   GET  /.well-known/terraform.json                     service discovery: tfe.v2 (cloud), tfe.v2.1 (remote)
 *   GET  /api/v2/ping                                     TFP-API-Version, TFP-AppName headers (go-tfe NewClient)
 *   GET  /api/v2/organizations/:org                       organization
 *   GET  /api/v2/organizations/:org/entitlement-set       entitlements (both backends' Configure)
 *   GET  /api/v2/organizations/:org/projects              filter[names] (cloud block `project`)
 *   POST /api/v2/organizations/:org/projects              create (cloud StateMgr, project not found)
 *   GET  /api/v2/organizations/:org/workspaces            list: search[name], filter[project][id], pages
 *   GET  /api/v2/organizations/:org/workspaces/:name      read by name
 *   POST /api/v2/organizations/:org/workspaces            create on init, as both backends do
 *   GET|PATCH /api/v2/workspaces/:id                      read, update (terraform-version after create)
 *   POST /api/v2/workspaces/:id/actions/lock|unlock|force-unlock       409 as go-tfe expects
 *   GET  /api/v2/workspaces/:id/current-state-version     404 while the workspace has no state
 *   POST /api/v2/workspaces/:id/state-versions            with `state` (compatibility) or without, then
 *   PUT  <hosted-state-upload-url>, <hosted-json-state-upload-url>     (StateVersions.Upload)
 *   GET  /api/v2/state-versions/:id, <hosted-state-download-url>
 *   GET  /api/v2/workspaces/:id/current-state-version-outputs, /api/v2/state-version-outputs/:id
 *   GET  /api/v2/runs/:id, /api/v2/plans/:id, /api/v2/plans/:id/json-output (307 to its archive URL)
 *
 * HCP behaviour it reproduces: tokens (401 without a valid one); a user token (what `terraform
 * login` stores, used by local execution) reads and writes every workspace; a run token (what a
 * remote or agent run carries: `runToken(workspace)`) works on its own workspace and reads another
 * workspace's state only when that workspace shares it (global-remote-state, or the reader is in
 * its remote-state-consumers), otherwise the workspace is hidden: 404, HCP's answer for what a
 * token may not see, and Terraform's remote backend then fails creating it ("Error creating
 * workspace <name>: resource not found"). A state version is created only by the holder of the
 * workspace's lock, with a matching md5 (HCP's documented preconditions). New workspaces take the
 * organization's default execution mode (remote, as HCP's) and Terraform version `latest`.
 *
 * What it does not reproduce: remote or agent execution (configuration versions, creating and
 * running runs: a remote operation fails on the missing endpoint), policy, run tasks, run triggers
 * firing (they are recorded), variables reaching runs (recorded), teams and fine-grained
 * permissions, tags, rate limits, pagination beyond one page, and the asynchronous processing of
 * state versions (each is processed at once).
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { tempDir } from "./paths";

export interface StateVersionRecord {
  readonly id: string;
  readonly serial: number;
  readonly lineage: string;
  readonly md5: string;
  /** The raw state file, once uploaded. */
  state?: Buffer;
  jsonState?: Buffer;
  readonly outputs: Record<string, { value: unknown; type: unknown; sensitive: boolean }>;
  readonly createdAt: string;
}

export interface WorkspaceRecord {
  readonly id: string;
  readonly name: string;
  projectId: string;
  executionMode: "remote" | "local" | "agent";
  agentPoolId?: string;
  terraformVersion: string;
  globalRemoteState: boolean;
  /** Names of the workspaces that may read this one's state. */
  readonly consumers: Set<string>;
  /** Token holding the lock, if locked. */
  lockedBy?: string;
  readonly stateVersions: StateVersionRecord[];
  readonly variables: { key: string; value: string; category: string; sensitive: boolean }[];
}

export interface RunRecord {
  readonly id: string;
  readonly planId: string;
  readonly workspaceId: string;
  readonly planJson: string;
  readonly status: string;
}

export interface HcpDoubleOptions {
  readonly organization: string;
  /** The organization's default execution mode for workspaces Terraform creates. @default "remote" */
  readonly defaultExecutionMode?: "remote" | "local" | "agent";
}

/** A request as received, for tests that check what Terraform called. */
export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly token?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const JSONAPI = "application/vnd.api+json";
const randomId = (prefix: string) => `${prefix}-${crypto.randomBytes(8).toString("hex")}`;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const md5 = (data: Buffer) => crypto.createHash("md5").update(data).digest("hex");

/** A throwaway CA and a certificate for localhost and 127.0.0.1 signed by it, in `dir`. */
export function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const p = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=upi test HCP double CA",
    "-keyout",
    p("ca.key"),
    "-out",
    p("ca.pem"),
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", p("server.key"), "-out", p("server.csr")]);
  fs.writeFileSync(p("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:hcp.internal.test\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
  openssl([
    "x509",
    "-req",
    "-in",
    p("server.csr"),
    "-CA",
    p("ca.pem"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    p("server.pem"),
    "-extfile",
    p("server.ext"),
  ]);
  return { ca: p("ca.pem"), key: p("server.key"), cert: p("server.pem") };
}

/** Resolves `${tfe_workspace.<name>.id}` style references in a synthesized value to those names. */
function referencedNames(value: unknown, type: string): string[] {
  const text = JSON.stringify(value ?? "");
  return [...text.matchAll(new RegExp(`${type}\\.([A-Za-z0-9_-]+)\\.id`, "g"))].map((m) => m[1]);
}

export class HcpDouble {
  /** `localhost:<port>`: what the cloud block's and remote_state's `hostname` take. */
  readonly hostname: string;
  readonly url: string;
  readonly userToken = `user.${crypto.randomBytes(16).toString("hex")}`;
  readonly caFile: string;
  readonly requests: RequestRecord[] = [];
  readonly workspaces = new Map<string, WorkspaceRecord>();
  readonly projects = new Map<string, { id: string; name: string }>();
  readonly runTriggers: { workspace: string; sourceable: string }[] = [];
  /** While set, every request is answered with this status, as HCP does when rate-limiting (429) or unavailable (503). */
  failing: number | undefined;
  private readonly runs = new Map<string, RunRecord>();
  private readonly runTokens = new Map<string, string>();
  private readonly archiveSecret = crypto.randomBytes(12).toString("hex");
  private readonly dir: string;

  private constructor(
    private readonly server: https.Server,
    readonly organization: string,
    private readonly defaultExecutionMode: "remote" | "local" | "agent",
    caFile: string,
    dir: string,
  ) {
    const { port } = server.address() as AddressInfo;
    this.hostname = `localhost:${port}`;
    this.url = `https://${this.hostname}`;
    this.caFile = caFile;
    this.dir = dir;
    this.projects.set("prj-default", { id: "prj-default", name: "Default Project" });
  }

  static async start(options: HcpDoubleOptions): Promise<HcpDouble> {
    const dir = tempDir("upi-hcp-");
    const certs = makeCertificates(dir);
    const server = https.createServer({ key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const double = new HcpDouble(server, options.organization, options.defaultExecutionMode ?? "remote", certs.ca, dir);
    server.on("request", (req, res) => void double.handle(req, res));
    return double;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /**
   * The token an HCP run in `workspace` carries (remote or agent execution): it reads other
   * workspaces' state only where they share it.
   */
  runToken(workspace: string): string {
    let token = [...this.runTokens].find(([, ws]) => ws === workspace)?.[0];
    if (!token) this.runTokens.set((token = `run.${crypto.randomBytes(16).toString("hex")}`), workspace);
    return token;
  }

  /**
   * The environment Terraform (and `npm run plan -- --check-run`) needs to reach the
   * double with `token` (default: the user token): the CA, and a CLI config with the host's
   * credentials and the provider mirror when TERRAFORM_PROVIDER_MIRROR is set.
   */
  env(token: string = this.userToken): Record<string, string> {
    const file = path.join(this.dir, `terraform-${crypto.createHash("sha1").update(token).digest("hex").slice(0, 8)}.rc`);
    if (!fs.existsSync(file)) {
      const mirror = process.env.TERRAFORM_PROVIDER_MIRROR;
      // The mirror block as test-support/terraform.ts writes it: this file replaces that one.
      const installation = mirror
        ? `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`
        : "";
      fs.writeFileSync(file, `credentials ${JSON.stringify(this.hostname)} {\n  token = ${JSON.stringify(token)}\n}\n${installation}`);
    }
    return { SSL_CERT_FILE: this.caFile, TF_CLI_CONFIG_FILE: file };
  }

  /** Creates a workspace as HCP's UI or the tfe provider would. */
  addWorkspace(name: string, settings: Partial<Omit<WorkspaceRecord, "id" | "name" | "consumers" | "stateVersions" | "variables">> = {}): WorkspaceRecord {
    if (this.workspaces.has(name)) throw new Error(`workspace ${name} already exists in the HCP double`);
    const ws: WorkspaceRecord = {
      id: randomId("ws"),
      name,
      projectId: "prj-default",
      executionMode: this.defaultExecutionMode,
      terraformVersion: "latest",
      globalRemoteState: false,
      consumers: new Set(),
      stateVersions: [],
      variables: [],
      ...settings,
    };
    this.workspaces.set(name, ws);
    return ws;
  }

  /**
   * Applies the set-up stack's synthesized tfe_* resources (its cdk.tf.json) as the tfe provider
   * would: projects by name, workspaces, their settings (execution mode, agent pool, sharing),
   * run triggers and variables. References between them (`${tfe_workspace.<id>.id}`) are
   * resolved by the referenced resource's logical name.
   */
  configureFrom(stackJson: { resource?: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>> }): void {
    const resource = stackJson.resource ?? {};
    const projectByRef = new Map<string, string>();
    for (const [ref, project] of Object.entries(stackJson.data?.tfe_project ?? {})) {
      const existing = [...this.projects.values()].find((p) => p.name === project.name);
      const id = existing?.id ?? randomId("prj");
      if (!existing) this.projects.set(id, { id, name: project.name });
      projectByRef.set(ref, id);
    }
    const byRef = new Map<string, WorkspaceRecord>();
    for (const [ref, w] of Object.entries(resource.tfe_workspace ?? {})) {
      if (w.organization !== undefined && w.organization !== this.organization)
        throw new Error(`tfe_workspace.${ref}: organization ${w.organization} is not the double's ${this.organization}`);
      const project = referencedNames(w.project_id, "data.tfe_project")[0];
      byRef.set(
        ref,
        this.addWorkspace(w.name, {
          projectId: project ? projectByRef.get(project)! : (w.project_id ?? "prj-default"),
          terraformVersion: w.terraform_version ?? "latest",
          ...(w.execution_mode ? { executionMode: w.execution_mode } : {}),
        }),
      );
    }
    const workspaceOf = (value: unknown, what: string) => {
      const refs = referencedNames(value, "tfe_workspace");
      if (refs.length !== 1 || !byRef.has(refs[0])) throw new Error(`${what}: ${JSON.stringify(value)} does not name one tfe_workspace of the stack`);
      return byRef.get(refs[0])!;
    };
    for (const [ref, s] of Object.entries(resource.tfe_workspace_settings ?? {})) {
      const ws = workspaceOf(s.workspace_id, `tfe_workspace_settings.${ref}.workspace_id`);
      if (s.execution_mode) ws.executionMode = s.execution_mode;
      if (s.agent_pool_id) ws.agentPoolId = s.agent_pool_id;
      ws.globalRemoteState = s.global_remote_state === true;
      for (const consumer of referencedNames(s.remote_state_consumer_ids, "tfe_workspace")) ws.consumers.add(byRef.get(consumer)!.name);
    }
    for (const [ref, t] of Object.entries(resource.tfe_run_trigger ?? {})) {
      this.runTriggers.push({
        workspace: workspaceOf(t.workspace_id, `tfe_run_trigger.${ref}.workspace_id`).name,
        sourceable: workspaceOf(t.sourceable_id, `tfe_run_trigger.${ref}.sourceable_id`).name,
      });
    }
    for (const [ref, v] of Object.entries(resource.tfe_variable ?? {})) {
      workspaceOf(v.workspace_id, `tfe_variable.${ref}.workspace_id`).variables.push({
        key: v.key,
        value: String(v.value ?? ""),
        category: v.category,
        sensitive: v.sensitive === true,
      });
    }
  }

  /** A finished run in `workspace` whose plan's JSON (`terraform show -json`) is `planJson`. */
  addRun(workspace: string, planJson: string, status = "planned"): RunRecord {
    const ws = this.workspaces.get(workspace) ?? this.addWorkspace(workspace);
    const run: RunRecord = { id: randomId("run"), planId: randomId("plan"), workspaceId: ws.id, planJson, status };
    this.runs.set(run.id, run);
    return run;
  }

  /** The raw state a workspace holds now, parsed; undefined while it has none. */
  currentState(workspace: string): any {
    const sv = this.current(this.workspaces.get(workspace));
    return sv?.state ? JSON.parse(sv.state.toString("utf8")) : undefined;
  }

  private current(ws: WorkspaceRecord | undefined): StateVersionRecord | undefined {
    return ws?.stateVersions.filter((s) => s.state).at(-1);
  }

  private byId(id: string): WorkspaceRecord {
    const ws = [...this.workspaces.values()].find((w) => w.id === id);
    if (!ws) throw new HttpError(404, "not found");
    return ws;
  }

  /** What `token` may do with `ws`: a user token everything; a run token its own workspace, and read shared state. */
  private allowed(token: string, ws: WorkspaceRecord, access: "read-state" | "write"): boolean {
    if (token === this.userToken) return true;
    const own = this.runTokens.get(token);
    if (own === ws.name) return true;
    return access === "read-state" && own !== undefined && (ws.globalRemoteState || ws.consumers.has(own));
  }

  private visible(token: string, ws: WorkspaceRecord, access: "read-state" | "write" = "read-state"): WorkspaceRecord {
    if (!this.allowed(token, ws, access)) throw new HttpError(404, "not found");
    return ws;
  }

  private workspaceJson(ws: WorkspaceRecord, token: string) {
    const write = this.allowed(token, ws, "write");
    const current = this.current(ws);
    return {
      id: ws.id,
      type: "workspaces",
      attributes: {
        name: ws.name,
        "execution-mode": ws.executionMode,
        operations: ws.executionMode !== "local",
        "terraform-version": ws.terraformVersion,
        "global-remote-state": ws.globalRemoteState,
        locked: ws.lockedBy !== undefined,
        "auto-apply": false,
        "created-at": now(),
        "updated-at": now(),
        "tag-names": [],
        "working-directory": "",
        "resource-count": 0,
        actions: { "is-destroyable": write },
        permissions: {
          "can-update": write,
          "can-destroy": write,
          "can-queue-run": write,
          "can-read-state-versions": true,
          "can-create-state-versions": write,
          "can-lock": write,
          "can-unlock": write,
          "can-force-unlock": write,
          "can-read-settings": write,
        },
      },
      relationships: {
        organization: { data: { id: this.organization, type: "organizations" } },
        project: { data: { id: ws.projectId, type: "projects" } },
        ...(ws.agentPoolId ? { "agent-pool": { data: { id: ws.agentPoolId, type: "agent-pools" } } } : {}),
        ...(current ? { "current-state-version": { data: { id: current.id, type: "state-versions" } } } : {}),
      },
    };
  }

  private stateVersionJson(sv: StateVersionRecord) {
    const archive = `${this.url}/_archivist/${this.archiveSecret}/${sv.id}`;
    return {
      id: sv.id,
      type: "state-versions",
      attributes: {
        serial: sv.serial,
        "created-at": sv.createdAt,
        status: sv.state ? "finalized" : "pending",
        "resources-processed": true,
        "hosted-state-download-url": `${archive}/state`,
        "hosted-state-upload-url": `${archive}/state`,
        "hosted-json-state-download-url": `${archive}/json-state`,
        "hosted-json-state-upload-url": `${archive}/json-state`,
      },
      relationships: {
        outputs: { data: Object.keys(sv.outputs).map((name) => ({ id: this.outputId(sv, name), type: "state-version-outputs" })) },
      },
    };
  }

  private outputId(sv: StateVersionRecord, name: string): string {
    return `wsout-${sv.id.slice(3)}-${Buffer.from(name).toString("hex")}`;
  }

  private outputJson(sv: StateVersionRecord, name: string, withSensitiveValue: boolean) {
    const o = sv.outputs[name];
    return {
      id: this.outputId(sv, name),
      type: "state-version-outputs",
      attributes: {
        name,
        sensitive: o.sensitive,
        type: typeof o.value === "object" ? "array" : typeof o.value,
        value: o.sensitive && !withSensitiveValue ? null : o.value,
        "detailed-type": o.type,
      },
    };
  }

  private async handle(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", this.url);
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "") || undefined;
    let status = 200;
    const send = (code: number, payload?: unknown, headers: Record<string, string> = {}) => {
      status = code;
      const text = payload === undefined ? "" : Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
      res.writeHead(code, { "Content-Type": Buffer.isBuffer(payload) ? "application/octet-stream" : JSONAPI, ...headers });
      res.end(text);
    };
    try {
      if (this.failing) throw new HttpError(this.failing, "unavailable");
      await this.route(req.method ?? "GET", url, body, token, send);
    } catch (e) {
      const code = e instanceof HttpError ? e.status : 500;
      send(code, {
        errors: [{ status: String(code), title: code === 404 ? "not found" : e instanceof Error ? e.message : String(e), detail: e instanceof Error ? e.message : String(e) }],
      });
    }
    this.requests.push({ method: req.method ?? "GET", path: url.pathname, status, token });
  }

  private async route(
    method: string,
    url: URL,
    body: Buffer,
    token: string | undefined,
    send: (code: number, payload?: unknown, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const p = url.pathname;
    const api = `${this.url}/api/v2/`;
    if (p === "/.well-known/terraform.json")
      return send(200, { "tfe.v2": api, "tfe.v2.1": api, "tfe.v2.2": api, "motd.v1": `${this.url}/api/terraform/motd` }, { "Content-Type": "application/json" });

    // Archive URLs are pre-signed, as HCP's archivist's: no token.
    const archive = p.match(new RegExp(`^/_archivist/${this.archiveSecret}/(sv-[0-9a-f]+|plan-[0-9a-f]+)/(state|json-state|json-plan)$`));
    if (archive) return this.archive(method, archive[1], archive[2], body, send);

    if (!token || (token !== this.userToken && !this.runTokens.has(token))) throw new HttpError(401, "unauthorized");
    if (p === "/api/v2/ping") return send(204, undefined, { "TFP-API-Version": "2.6", "TFP-AppName": "HCP Terraform" });
    if (p === "/api/terraform/motd") return send(204);

    let m: RegExpMatchArray | null;
    if ((m = p.match(/^\/api\/v2\/organizations\/([^/]+)(\/.*)?$/))) {
      if (decodeURIComponent(m[1]) !== this.organization) throw new HttpError(404, "not found");
      return this.organizationRoute(method, m[2] ?? "", url, body, token, send);
    }
    if ((m = p.match(/^\/api\/v2\/workspaces\/([^/]+)(\/.*)?$/))) return this.workspaceRoute(method, this.byId(m[1]), m[2] ?? "", body, token, send);
    if ((m = p.match(/^\/api\/v2\/state-versions\/(sv-[0-9a-f]+)$/)) && method === "GET") {
      const [ws, sv] = this.stateVersion(m[1]);
      this.visible(token, ws);
      return send(200, { data: this.stateVersionJson(sv) });
    }
    if ((m = p.match(/^\/api\/v2\/state-version-outputs\/wsout-([0-9a-f]+)-([0-9a-f]+)$/)) && method === "GET") {
      const [ws, sv] = this.stateVersion(`sv-${m[1]}`);
      this.visible(token, ws);
      const name = Buffer.from(m[2], "hex").toString();
      if (!(name in sv.outputs)) throw new HttpError(404, "not found");
      return send(200, { data: this.outputJson(sv, name, true) });
    }
    if ((m = p.match(/^\/api\/v2\/runs\/([^/]+)$/)) && method === "GET") {
      const run = this.runs.get(m[1]);
      if (!run) throw new HttpError(404, "not found");
      this.visible(token, this.byId(run.workspaceId), "write");
      return send(200, {
        data: {
          id: run.id,
          type: "runs",
          attributes: { status: run.status, "created-at": now(), "has-changes": true, "plan-only": false },
          relationships: { plan: { data: { id: run.planId, type: "plans" } }, workspace: { data: { id: run.workspaceId, type: "workspaces" } } },
        },
      });
    }
    if ((m = p.match(/^\/api\/v2\/plans\/([^/]+)(\/json-output)?$/)) && method === "GET") {
      const run = [...this.runs.values()].find((r) => r.planId === m![1]);
      if (!run) throw new HttpError(404, "not found");
      this.visible(token, this.byId(run.workspaceId), "write");
      // HCP answers with a temporary redirect to the archive (API docs: plans, "Retrieve the JSON execution plan").
      if (m[2]) return send(307, undefined, { Location: `${this.url}/_archivist/${this.archiveSecret}/${run.planId}/json-plan` });
      return send(200, { data: { id: run.planId, type: "plans", attributes: { status: "finished", "has-changes": true } } });
    }
    throw new HttpError(404, "not found");
  }

  private organizationRoute(method: string, rest: string, url: URL, body: Buffer, token: string, send: (code: number, payload?: unknown) => void): void {
    const org = this.organization;
    if (rest === "" && method === "GET")
      return send(200, { data: { id: org, type: "organizations", attributes: { name: org, "default-execution-mode": this.defaultExecutionMode } } });
    if (rest === "/entitlement-set" && method === "GET") {
      return send(200, {
        data: {
          id: `org-${org}`,
          type: "entitlement-sets",
          attributes: { operations: true, "state-storage": true, "private-module-registry": true, teams: false, agents: true, "run-tasks": false, sso: false },
        },
      });
    }
    if (rest === "/projects" && method === "GET") {
      const names = url.searchParams.get("filter[names]");
      const items = [...this.projects.values()].filter((p) => !names || names.split(",").includes(p.name));
      return send(200, { data: items.map((p) => ({ id: p.id, type: "projects", attributes: { name: p.name } })), meta: this.pagination(items.length) });
    }
    if (rest === "/projects" && method === "POST") {
      if (token !== this.userToken) throw new HttpError(404, "not found");
      const name = JSON.parse(body.toString()).data?.attributes?.name;
      if ([...this.projects.values()].some((p) => p.name === name)) throw new HttpError(422, `project ${name} already exists`);
      const project = { id: randomId("prj"), name };
      this.projects.set(project.id, project);
      return send(201, { data: { id: project.id, type: "projects", attributes: { name } } });
    }
    if (rest === "/workspaces" && method === "GET") {
      const search = url.searchParams.get("search[name]");
      const project = url.searchParams.get("filter[project][id]");
      const items = [...this.workspaces.values()].filter(
        (w) => this.allowed(token, w, "read-state") && (!search || w.name.includes(search)) && (!project || w.projectId === project),
      );
      return send(200, { data: items.map((w) => this.workspaceJson(w, token)), meta: this.pagination(items.length) });
    }
    if (rest === "/workspaces" && method === "POST") {
      // A run token cannot create workspaces; HCP hides what a token may not do behind a 404.
      if (token !== this.userToken) throw new HttpError(404, "not found");
      const data = JSON.parse(body.toString()).data ?? {};
      const name = data.attributes?.name;
      if (typeof name !== "string" || !/^[A-Za-z0-9_-]+$/.test(name)) throw new HttpError(422, `invalid workspace name ${name}`);
      if (this.workspaces.has(name)) throw new HttpError(422, `Name has already been taken`);
      const projectId = data.relationships?.project?.data?.id;
      if (projectId && !this.projects.has(projectId)) throw new HttpError(404, "not found");
      const ws = this.addWorkspace(name, {
        ...(projectId ? { projectId } : {}),
        ...(data.attributes["terraform-version"] ? { terraformVersion: data.attributes["terraform-version"] } : {}),
        ...(data.attributes["execution-mode"] ? { executionMode: data.attributes["execution-mode"] } : {}),
      });
      return send(201, { data: this.workspaceJson(ws, token) });
    }
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^\/workspaces\/([^/]+)$/)) && method === "GET") {
      const ws = this.workspaces.get(decodeURIComponent(m[1]));
      if (!ws) throw new HttpError(404, "not found");
      return send(200, { data: this.workspaceJson(this.visible(token, ws), token) });
    }
    throw new HttpError(404, "not found");
  }

  private workspaceRoute(method: string, ws: WorkspaceRecord, rest: string, body: Buffer, token: string, send: (code: number, payload?: unknown) => void): void {
    if (rest === "" && method === "GET") return send(200, { data: this.workspaceJson(this.visible(token, ws), token) });
    if (rest === "" && method === "PATCH") {
      this.visible(token, ws, "write");
      const a = JSON.parse(body.toString()).data?.attributes ?? {};
      if (a["terraform-version"]) ws.terraformVersion = a["terraform-version"];
      if (a["execution-mode"]) ws.executionMode = a["execution-mode"];
      if (a["global-remote-state"] !== undefined) ws.globalRemoteState = a["global-remote-state"];
      return send(200, { data: this.workspaceJson(ws, token) });
    }
    if (rest === "/actions/lock" && method === "POST") {
      this.visible(token, ws, "write");
      if (ws.lockedBy) throw new HttpError(409, "Unable to lock workspace: it is already locked");
      ws.lockedBy = token;
      return send(200, { data: this.workspaceJson(ws, token) });
    }
    if (rest === "/actions/unlock" && method === "POST") {
      this.visible(token, ws, "write");
      if (!ws.lockedBy) throw new HttpError(409, "Unable to unlock workspace: it is already unlocked");
      if (ws.lockedBy !== token) throw new HttpError(409, "Unable to unlock workspace: it is locked by User");
      ws.lockedBy = undefined;
      return send(200, { data: this.workspaceJson(ws, token) });
    }
    if (rest === "/actions/force-unlock" && method === "POST") {
      this.visible(token, ws, "write");
      if (!ws.lockedBy) throw new HttpError(409, "Unable to unlock workspace: it is already unlocked");
      ws.lockedBy = undefined;
      return send(200, { data: this.workspaceJson(ws, token) });
    }
    if (rest === "/current-state-version" && method === "GET") {
      const sv = this.current(this.visible(token, ws));
      if (!sv) throw new HttpError(404, "not found");
      return send(200, { data: this.stateVersionJson(sv) });
    }
    if (rest === "/current-state-version-outputs" && method === "GET") {
      const sv = this.current(this.visible(token, ws));
      if (!sv) throw new HttpError(404, "not found");
      return send(200, { data: Object.keys(sv.outputs).map((name) => this.outputJson(sv, name, false)), meta: this.pagination(Object.keys(sv.outputs).length) });
    }
    if (rest === "/state-versions" && method === "POST") {
      this.visible(token, ws, "write");
      // HCP: "Creating state versions requires the workspace to be locked" by the caller.
      if (ws.lockedBy !== token) throw new HttpError(409, "The workspace must be locked by the user creating a state version");
      const a = JSON.parse(body.toString()).data?.attributes ?? {};
      if (typeof a.serial !== "number" || typeof a.md5 !== "string") throw new HttpError(422, "serial and md5 are required");
      const sv: StateVersionRecord = {
        id: randomId("sv"),
        serial: a.serial,
        lineage: a.lineage ?? "",
        md5: a.md5,
        outputs: a["json-state-outputs"] ? JSON.parse(Buffer.from(a["json-state-outputs"], "base64").toString("utf8")) : {},
        createdAt: now(),
      };
      const current = this.current(ws);
      if (current && !a.force && (sv.serial <= current.serial || (sv.lineage && current.lineage && sv.lineage !== current.lineage))) {
        throw new HttpError(409, `serial ${sv.serial} / lineage ${sv.lineage} does not follow the current state's (${current.serial} / ${current.lineage})`);
      }
      if (a.state) this.storeState(sv, Buffer.from(a.state, "base64"));
      if (a["json-state"]) sv.jsonState = Buffer.from(a["json-state"], "base64");
      ws.stateVersions.push(sv);
      return send(201, { data: this.stateVersionJson(sv) });
    }
    throw new HttpError(404, "not found");
  }

  private storeState(sv: StateVersionRecord, state: Buffer): void {
    if (md5(state) !== sv.md5) throw new HttpError(422, `state md5 ${md5(state)} is not the declared ${sv.md5}`);
    sv.state = state;
  }

  private stateVersion(id: string): [WorkspaceRecord, StateVersionRecord] {
    for (const ws of this.workspaces.values()) {
      const sv = ws.stateVersions.find((s) => s.id === id);
      if (sv) return [ws, sv];
    }
    throw new HttpError(404, "not found");
  }

  private archive(method: string, id: string, kind: string, body: Buffer, send: (code: number, payload?: unknown, headers?: Record<string, string>) => void): void {
    if (kind === "json-plan") {
      const run = [...this.runs.values()].find((r) => r.planId === id);
      if (!run || method !== "GET") throw new HttpError(404, "not found");
      return send(200, Buffer.from(run.planJson), { "Content-Type": "application/json" });
    }
    const [, sv] = this.stateVersion(id);
    if (method === "PUT") {
      if (kind === "state") {
        if (sv.state) throw new HttpError(409, "state already uploaded");
        this.storeState(sv, body);
      } else sv.jsonState = body;
      return send(200);
    }
    const data = kind === "state" ? sv.state : sv.jsonState;
    if (method !== "GET" || !data) throw new HttpError(404, "not found");
    return send(200, data, { "Content-Type": "application/json" });
  }

  private pagination(count: number) {
    return { pagination: { "current-page": 1, "page-size": 100, "prev-page": null, "next-page": null, "total-pages": 1, "total-count": count } };
  }
}
