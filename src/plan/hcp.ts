/**
 * `npm run plan` on HCP Terraform. With remote or agent execution, `terraform plan` streams the
 * remote run's rendered log, which the PLAN rules cannot judge; the run's JSON plan is offered only
 * through HCP's API (GET /api/v2/runs/:id, then /api/v2/plans/:id/json-output), which
 * `--check-run <run-id>` reads with the same token Terraform uses for the host.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import type { StackJson } from "../cdktf/stack-json";
import { proxyFor, tunnelingAgent } from "./proxy";

/** An HCP API call that failed for a reason the user can act on: one line. */
export class HcpApiError extends Error {}

/**
 * The token Terraform would use for `hostname`, in Terraform's order (cliconfig/credentials.go
 * ForHost): TF_TOKEN_<host> (dots as `_`, hyphens as `__`), then a `credentials` block of the CLI
 * config file (TF_CLI_CONFIG_FILE, else ~/.terraformrc), then ~/.terraform.d/credentials.tfrc.json
 * (what `terraform login` writes).
 */
export function hcpToken(hostname: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = hostname.toLowerCase();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("TF_TOKEN_") || !value) continue;
    if (name.slice("TF_TOKEN_".length).replaceAll("__", "-").replaceAll("_", ".").toLowerCase() === host) return value;
  }
  const home = env.HOME || os.homedir();
  const files = [env.TF_CLI_CONFIG_FILE || path.join(home, ".terraformrc"), path.join(home, ".terraform.d", "credentials.tfrc.json")];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const token = credentialsIn(text, host);
    if (token) return token;
  }
  return undefined;
}

/**
 * A host's token in a CLI config file, JSON (`{"credentials": {"<host>": {"token": ...}}}`) or HCL
 * (`credentials "<host>" { token = "..." }`); only that block is read, so a pattern does.
 */
function credentialsIn(text: string, host: string): string | undefined {
  if (text.trimStart().startsWith("{")) {
    try {
      const credentials = (JSON.parse(text) as { credentials?: Record<string, { token?: string } | null> }).credentials ?? {};
      const key = Object.keys(credentials).find((k) => k.toLowerCase() === host);
      return key ? credentials[key]?.token : undefined;
    } catch {
      return undefined;
    }
  }
  for (const m of text.matchAll(/credentials\s+"([^"]+)"\s*\{([^}]*)\}/g)) {
    if (m[1].toLowerCase() !== host) continue;
    const token = m[2].match(/token\s*=\s*"([^"]*)"/);
    if (token) return token[1];
  }
  return undefined;
}

/**
 * The CAs the HCP API is read with, beside Node's default roots (a redirect may lead to an archive
 * host with a public certificate): the bundle Terraform trusts when SSL_CERT_FILE is set (a
 * Terraform Enterprise behind a private CA), and the user's NODE_EXTRA_CA_CERTS, which scripts/run
 * passes on as UPI_EXTRA_CA_CERTS (Node would otherwise parse it at every start).
 */
export function trustedCas(env: NodeJS.ProcessEnv): (string | Buffer)[] | undefined {
  const files = (["SSL_CERT_FILE", "UPI_EXTRA_CA_CERTS", "NODE_EXTRA_CA_CERTS"] as const).filter((name) => env[name]).map((name) => [name, env[name]!] as const);
  if (files.length === 0) return undefined;
  return [
    ...tls.rootCertificates,
    ...files.map(([name, file]) => {
      try {
        return fs.readFileSync(file);
      } catch (e) {
        throw new HcpApiError(
          `${name === "UPI_EXTRA_CA_CERTS" ? "NODE_EXTRA_CA_CERTS" : name}=${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
    }),
  ];
}

/** How the API is reached: the CAs trusted, and the environment that names a proxy. */
interface Connection {
  readonly ca: (string | Buffer)[] | undefined;
  readonly env: NodeJS.ProcessEnv;
}

const connection = (env: NodeJS.ProcessEnv): Connection => ({ ca: trustedCas(env), env });

/**
 * A GET with the token, following up to 3 redirects: the JSON plan redirects to a pre-signed
 * archive URL, often on another host, which gets no Authorization header at all; a redirect away
 * from HTTPS is refused (the answer would come unauthenticated and in the clear). Through the
 * proxy Terraform would use for the host (./proxy.ts).
 */
export function get(url: string, token: string | undefined, via: Connection, redirects = 3): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = { Accept: "application/vnd.api+json", ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    let agent: https.Agent | undefined;
    try {
      const proxy = proxyFor(u.host, via.env);
      agent = proxy && tunnelingAgent(proxy, via.ca);
    } catch (e) {
      reject(new HcpApiError((e as Error).message));
      return;
    }
    const req = https.get(u, { headers, ca: via.ca, agent, timeout: 60_000 }, (res) => {
      const location = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location && redirects > 0) {
        res.resume();
        let next: URL;
        try {
          next = new URL(location, u);
        } catch {
          reject(new HcpApiError(`https://${u.host}${u.pathname}: redirects to ${JSON.stringify(location)}, which is not a URL`));
          return;
        }
        if (next.protocol !== "https:") {
          reject(new HcpApiError(`https://${u.host}${u.pathname}: redirects to ${next.protocol}//${next.host}, not HTTPS; refused`));
          return;
        }
        resolve(get(next.toString(), next.host === u.host ? token : undefined, via, redirects - 1));
        return;
      }
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 60 s")));
    req.on("error", (e) => reject(new HcpApiError(`https://${u.host}: ${e.message}`)));
  });
}

/** What a status means for the user, in HCP's terms (it answers 404 for what a token may not see). */
function explain(status: number, what: string, hostname: string): string {
  if (status === 401) return `${what}: the token for ${hostname} was refused (401); run terraform login ${hostname}`;
  if (status === 404) return `${what}: not found on ${hostname} (404: it does not exist, or the token for ${hostname} may not read it)`;
  return `${what}: ${hostname} answered ${status}`;
}

/** The workspaces a run must belong to: the cluster's, by name, in its organization. */
export interface RunOwner {
  readonly clusterName: string;
  readonly organization: string;
  readonly workspaces: readonly string[];
}

/**
 * The JSON plan (`terraform show -json` shape, sensitive values redacted) of HCP run `runId` on
 * `hostname`, through the API with Terraform's token for the host; refused unless the run is of
 * one of `owner`'s workspaces (another cluster's plan would be judged by this one's acknowledgements).
 */
export async function fetchRunPlanJson(hostname: string, runId: string, owner: RunOwner, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (!/^run-[A-Za-z0-9]+$/.test(runId)) throw new HcpApiError(`--check-run: ${JSON.stringify(runId)} is not an HCP run id (run-<letters and digits>, as in the run's URL)`);
  const token = hcpToken(hostname, env);
  if (!token) {
    // An environment variable's name cannot spell a port.
    const variable = hostname.includes(":") ? "" : ` or set TF_TOKEN_${hostname.replaceAll("-", "__").replaceAll(".", "_")}`;
    throw new HcpApiError(`--check-run: no token for ${hostname}; run terraform login ${hostname}${variable}`);
  }
  const via = connection(env);
  const api = `https://${hostname}/api/v2`;
  const run = await get(`${api}/runs/${runId}`, token, via);
  if (run.status !== 200) throw new HcpApiError(explain(run.status, `run ${runId}`, hostname));
  let data: ApiResource | undefined;
  try {
    data = (JSON.parse(run.body) as { data?: ApiResource }).data;
  } catch {
    throw new HcpApiError(`run ${runId}: ${hostname} answered with something that is not JSON`);
  }
  await checkRunOwner(api, token, via, hostname, runId, data?.relationships?.workspace?.data?.id, owner);
  const planId = data?.relationships?.plan?.data?.id;
  const status = data?.attributes?.status;
  if (!planId) throw new HcpApiError(`run ${runId} has no plan yet (status ${status ?? "unknown"})`);
  const plan = await get(`${api}/plans/${planId}/json-output`, token, via);
  if (plan.status === 204) throw new HcpApiError(`run ${runId}: its plan has no JSON output yet (status ${status}); wait for the plan to finish`);
  if (plan.status !== 200) throw new HcpApiError(explain(plan.status, `the JSON plan of run ${runId}`, hostname));
  return plan.body;
}

/** A JSON:API resource of HCP Terraform's API, as far as this code reads it. */
interface ApiResource {
  readonly attributes?: { readonly status?: string; readonly name?: string };
  readonly relationships?: Readonly<Record<string, { readonly data?: { readonly id?: string } } | undefined>>;
}

/** Refuses a run whose workspace (read by its ID) is not one of the cluster's. */
async function checkRunOwner(api: string, token: string, via: Connection, hostname: string, runId: string, workspaceId: unknown, owner: RunOwner) {
  if (typeof workspaceId !== "string" || !/^ws-[A-Za-z0-9]+$/.test(workspaceId)) throw new HcpApiError(`run ${runId}: ${hostname} did not say which workspace it belongs to`);
  const ws = await get(`${api}/workspaces/${workspaceId}`, token, via);
  if (ws.status !== 200) throw new HcpApiError(explain(ws.status, `workspace ${workspaceId} of run ${runId}`, hostname));
  let workspace: ApiResource | undefined;
  try {
    workspace = (JSON.parse(ws.body) as { data?: ApiResource }).data;
  } catch {
    throw new HcpApiError(`workspace ${workspaceId}: ${hostname} answered with something that is not JSON`);
  }
  const name = workspace?.attributes?.name;
  const organization = workspace?.relationships?.organization?.data?.id;
  if (organization !== owner.organization || !(name !== undefined && owner.workspaces.includes(name))) {
    throw new HcpApiError(
      `run ${runId} is of workspace ${organization}/${name}, not one of cluster ${owner.clusterName}'s (${owner.organization}/${owner.workspaces[0]} to ${owner.workspaces.at(-1)}); ` +
        "give the cluster file (CLUSTER_CONFIG) and cluster name it belongs to",
    );
  }
}

const OWN_STATE_UNREAD = /^data\.terraform_remote_state\.own-state(\[\d+\])?: Unable to find remote state\b/;

/**
 * The own-state guard (src/state/own-state.ts) reads a stack's own state once objects it creates
 * live in AWS. Where Terraform cannot tell beforehand whether that state exists (an HCP workspace:
 * no provider here can ask HCP's API), a workspace holding none fails that read with Terraform's
 * "Unable to find remote state"; said here as the guard says it.
 */
export function explainOwnStateRead(error: string, stack: string, location: string): string {
  if (!OWN_STATE_UNREAD.test(error)) return error;
  return (
    `${stack}: objects this stack creates already live in AWS but its state at ${location} holds nothing: they are managed by another Terraform state ` +
    `(an earlier backend setting, or another checkout's). Nothing was changed. Move that state here, or adopt the objects with terraform import`
  );
}

/** A stack's `terraform.cloud` block, as synthesized (src/backend/backend.ts). */
export interface CloudBlockSettings {
  readonly organization: string;
  /** @default "app.terraform.io" */
  readonly hostname?: string;
  readonly workspaces: { readonly name: string };
}

/** The cloud block of a stack's (or moved-from folder's) Terraform JSON; undefined for any other backend. */
export function cloudBlockOf(json: unknown): CloudBlockSettings | undefined {
  const cloud = (json as StackJson | null | undefined)?.terraform?.cloud as Partial<CloudBlockSettings> | undefined;
  return typeof cloud?.organization === "string" && typeof cloud?.workspaces?.name === "string" ? (cloud as CloudBlockSettings) : undefined;
}

/**
 * Whether the cloud block's workspace exists, asked of HCP's API (GET
 * /api/v2/organizations/:org/workspaces/:name) with Terraform's token for the host. `terraform
 * init` on a cloud block creates a missing workspace, bare (the organization's default execution
 * mode, no sharing, no credentials), and a later apply of the set-up stack then fails on its name:
 * what only reads must ask first. A 404 is "absent": HCP answers it too for a workspace the
 * token may not see, which Terraform could not read either.
 */
export async function hcpWorkspaceExists(cloud: CloudBlockSettings, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const hostname = cloud.hostname ?? "app.terraform.io";
  const token = hcpToken(hostname, env);
  if (!token) throw new HcpApiError(`no token for ${hostname}; run terraform login ${hostname}`);
  const what = `workspace ${cloud.organization}/${cloud.workspaces.name}`;
  const r = await get(
    `https://${hostname}/api/v2/organizations/${encodeURIComponent(cloud.organization)}/workspaces/${encodeURIComponent(cloud.workspaces.name)}`,
    token,
    connection(env),
  );
  if (r.status === 200) return true;
  if (r.status === 404) return false;
  throw new HcpApiError(explain(r.status, what, hostname));
}
