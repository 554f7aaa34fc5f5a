import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import * as https from "node:https";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import { explainOwnStateRead, get, HcpApiError, hcpToken, trustedCas } from "../../src/plan/hcp";
import { proxyFor, tunnelingAgent } from "../../src/plan/proxy";
import { backendSinceInit } from "../../src/plan/terraform";
import { makeCertificates } from "../../test-support/hcp-double";
import { tempDir } from "../../test-support/paths";

/** A HOME with `terraform login`'s credentials file, and a CLI config file; what Terraform would read. */
function home(loginToken?: string, cliConfig?: string) {
  const dir = tempDir();
  if (loginToken) {
    fs.mkdirSync(path.join(dir, ".terraform.d"));
    fs.writeFileSync(path.join(dir, ".terraform.d", "credentials.tfrc.json"), JSON.stringify({ credentials: { "tfe.example.com": { token: loginToken } } }));
  }
  const config = path.join(dir, "cli.tfrc");
  if (cliConfig) fs.writeFileSync(config, cliConfig);
  return { HOME: dir, TF_CLI_CONFIG_FILE: cliConfig ? config : "" };
}

describe("hcpToken: Terraform's own order", () => {
  test("TF_TOKEN_<host> first (dots as _, hyphens as __), then the CLI config's credentials block, then terraform login's file", () => {
    const cli = `plugin_cache_dir = "/tmp"\ncredentials "tfe.example.com" {\n  token = "from-cli-config"\n}\n`;
    const env = home("from-login", cli);
    expect(hcpToken("tfe.example.com", { ...env, TF_TOKEN_tfe_example_com: "from-env" })).toBe("from-env");
    expect(hcpToken("my-tfe.example.com", { ...env, TF_TOKEN_my__tfe_example_com: "hyphen" })).toBe("hyphen");
    expect(hcpToken("TFE.example.com", env)).toBe("from-cli-config");
    expect(hcpToken("tfe.example.com", { ...env, TF_CLI_CONFIG_FILE: "" })).toBe("from-login");
    expect(hcpToken("app.terraform.io", env)).toBeUndefined();
  });

  test("a JSON CLI config file is read as JSON", () => {
    const env = home(undefined, JSON.stringify({ credentials: { "tfe.example.com": { token: "json" } } }));
    expect(hcpToken("tfe.example.com", env)).toBe("json");
  });
});

describe("a stack folder initialized for HCP Terraform", () => {
  /** `.terraform/terraform.tfstate` as Terraform 1.11.4's init wrote it for a cloud block. */
  const recorded = (name: string) => ({
    version: 3,
    terraform_version: "1.11.4",
    backend: { type: "cloud", config: { hostname: "tfe.example.com", organization: "acme", token: null, workspaces: { name, project: "p", tags: null } }, hash: 3429299341 },
  });
  const folder = (name: string) => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, ".terraform"));
    fs.writeFileSync(path.join(dir, ".terraform", "terraform.tfstate"), JSON.stringify(recorded(name)));
    return dir;
  };
  const stack = { terraform: { cloud: { hostname: "tfe.example.com", organization: "acme", workspaces: { name: "demo-network", project: "p" } } } };

  test("records the stack's cloud block: the same backend; another workspace or an S3 backend: changed", () => {
    expect(backendSinceInit(folder("demo-network"), stack)).toBe("same");
    expect(backendSinceInit(folder("x-demo-network"), stack)).toBe("changed");
    expect(backendSinceInit(folder("demo-network"), { terraform: { backend: { s3: { bucket: "b", key: "k" } } } })).toBe("changed");
  });
});

describe("explainOwnStateRead", () => {
  test("the own-state guard's read of a workspace without state is said as the guard says it; other errors pass through", () => {
    const unread = "data.terraform_remote_state.own-state[0]: Unable to find remote state: No stored state was found for the given workspace in the given backend.";
    expect(explainOwnStateRead(unread, "demo-network", "tfe.example.com/acme/workspaces/demo-network")).toBe(
      "demo-network: objects this stack creates already live in AWS but its state at tfe.example.com/acme/workspaces/demo-network holds nothing: " +
        "they are managed by another Terraform state (an earlier backend setting, or another checkout's). Nothing was changed. Move that state here, or adopt the objects with terraform import",
    );
    const upstream = "data.terraform_remote_state.cross-stack-reference-input-demo-network: Unable to find remote state: No stored state was found.";
    expect(explainOwnStateRead(upstream, "demo-infra", "x")).toBe(upstream);
  });
});

describe("the API's GETs: trust and redirects", () => {
  const certs = makeCertificates(tempDir("upi-hcp-get-"));
  const servers: https.Server[] = [];
  /** What each request carried: the server's name and its Authorization header. */
  const seen: { server: string; authorization?: string }[] = [];
  async function serve(name: string, answer: (path: string, res: import("node:http").ServerResponse) => void): Promise<string> {
    const server = https.createServer({ key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) }, (req, res) => {
      seen.push({ server: name, authorization: req.headers.authorization });
      answer(req.url ?? "/", res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `localhost:${(server.address() as AddressInfo).port}`;
  }
  const redirect = (res: import("node:http").ServerResponse, location: string) => res.writeHead(307, { Location: location }).end();
  let api: string;
  let archive: string;
  beforeAll(async () => {
    archive = await serve("archive", (_, res) => res.end("plan"));
    const redirects: Record<string, string> = { "/same": "/final", "/other": `https://${archive}/plan`, "/plain": `http://${archive}/plan` };
    api = await serve("api", (p, res) => (redirects[p] ? redirect(res, redirects[p]) : res.end("final")));
  });
  afterAll(() => servers.forEach((s) => s.close()));
  beforeEach(() => (seen.length = 0));
  const ca = (env: NodeJS.ProcessEnv = {}) => ({ ca: [fs.readFileSync(certs.ca)], env });

  test("the token goes along a redirect on the same host, and not at all to another host", async () => {
    expect(await get(`https://${api}/same`, "tok", ca())).toEqual({ status: 200, body: "final" });
    expect(await get(`https://${api}/other`, "tok", ca())).toEqual({ status: 200, body: "plan" });
    expect(seen).toEqual([
      { server: "api", authorization: "Bearer tok" },
      { server: "api", authorization: "Bearer tok" },
      { server: "api", authorization: "Bearer tok" },
      { server: "archive", authorization: undefined },
    ]);
  });

  test("a redirect away from HTTPS is refused in one line", async () => {
    const refused = get(`https://${api}/plain`, "tok", ca());
    await expect(refused).rejects.toThrow(HcpApiError);
    await expect(refused).rejects.toThrow(`https://${api}/plain: redirects to http://${archive}, not HTTPS; refused`);
    expect(seen.map((s) => s.server)).toEqual(["api"]);
  });

  test("SSL_CERT_FILE adds its CAs to Node's default roots (an archive host on a public CA stays trusted)", () => {
    const cas = trustedCas({ SSL_CERT_FILE: certs.ca })!.map(String);
    expect(cas).toEqual(expect.arrayContaining([...tls.rootCertificates, fs.readFileSync(certs.ca, "utf8")]));
    expect(trustedCas({})).toBeUndefined();
  });
});

describe("the API through the proxy Terraform would use (HTTPS_PROXY, NO_PROXY)", () => {
  test("which hosts go through it: Go's rules (loopback never; NO_PROXY by name, subdomain, port, IP, CIDR or *)", () => {
    const through = (host: string, noProxy = "") => proxyFor(host, { HTTPS_PROXY: "proxy.corp:3128", NO_PROXY: noProxy })?.toString();
    expect(through("app.terraform.io")).toBe("http://proxy.corp:3128/");
    expect(proxyFor("app.terraform.io", { https_proxy: "http://p:8080" })?.host).toBe("p:8080");
    expect(proxyFor("app.terraform.io", {})).toBeUndefined();
    expect([through("localhost:8443"), through("127.0.0.1"), through("[::1]:443")]).toEqual([undefined, undefined, undefined]);
    const rows: [string, string, boolean][] = [
      ["tfe.corp.example", "corp.example", false],
      ["corp.example", "corp.example", false],
      ["corp.example", ".corp.example", true],
      ["tfe.corp.example", ".corp.example", false],
      ["tfe.corp.example", "*.corp.example", false],
      ["notcorp.example", "corp.example", true],
      ["tfe.corp.example:8443", "tfe.corp.example:443", true],
      ["tfe.corp.example:8443", "tfe.corp.example:8443", false],
      ["app.terraform.io", "app.terraform.io:443", false],
      ["app.terraform.io", "app.terraform.io:8443", true],
      ["10.1.2.3", "10.0.0.0/8", false],
      ["11.1.2.3", "10.0.0.0/8", true],
      ["app.terraform.io", "*", false],
      ["app.terraform.io", " other.example , APP.terraform.io ", false],
    ];
    expect(rows.map(([host, noProxy]) => [host, noProxy, through(host, noProxy) !== undefined])).toEqual(rows);
    expect(() => proxyFor("app.terraform.io", { https_proxy: "socks5://u:secret@p:1080" })).toThrow(
      /^https_proxy: a socks5:\/\/ proxy; only an http:\/\/ proxy is supported here$/,
    );
    expect(() => proxyFor("app.terraform.io", { HTTPS_PROXY: "http://u%4:1@p:1080" })).toThrow(/^HTTPS_PROXY: not a proxy URL \(http:\/\/\[user:password@\]host:port\)$/);
  });

  const certs = makeCertificates(tempDir("upi-hcp-proxy-"));
  /** A host name only the proxy resolves: reached at all, it was through the proxy. */
  const NAME = "hcp.internal.test";
  let port: number;
  let proxyUrl: string;
  const connects: { target: string; auth?: string }[] = [];
  const servers: net.Server[] = [];
  beforeAll(async () => {
    const api = https.createServer({ key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) }, (_, res) => res.end("through"));
    const proxy = http.createServer((_, res) => res.writeHead(405).end());
    proxy.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      connects.push({ target: req.url ?? "", auth: req.headers["proxy-authorization"] });
      if (req.headers["proxy-authorization"] !== `Basic ${Buffer.from("u:p w").toString("base64")}`) {
        client.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
        return;
      }
      const [host, p] = (req.url ?? "").split(":");
      const upstream = net.connect(Number(p), host === NAME ? "127.0.0.1" : host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
    });
    for (const server of [api, proxy]) {
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    }
    port = (api.address() as AddressInfo).port;
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(() => servers.forEach((s) => s.close()));
  const via = (env: NodeJS.ProcessEnv) => ({ ca: [fs.readFileSync(certs.ca)], env });

  test("a host reached through the proxy's CONNECT tunnel, TLS with the host itself, the proxy's credentials from its URL", async () => {
    const proxy = proxyUrl.replace("//", "//u:p%20w@");
    expect(await get(`https://${NAME}:${port}/x`, "tok", via({ HTTPS_PROXY: proxy }))).toEqual({ status: 200, body: "through" });
    expect(connects.at(-1)?.target).toBe(`${NAME}:${port}`);
  });

  test("a proxy that takes the connection and never answers CONNECT: the request fails at the CONNECT timeout, not never", async () => {
    const silent = net.createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const agent = tunnelingAgent(new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`), [fs.readFileSync(certs.ca)], 300);
    const asked = new Promise((resolve, reject) => https.get(`https://${NAME}:${port}/x`, { agent }, resolve).on("error", reject));
    await expect(asked).rejects.toThrow("no answer to CONNECT within 0.3 s");
  });

  test("a proxy that refuses the tunnel, and a host named in NO_PROXY (then reached directly, where it does not resolve): one line each", async () => {
    await expect(get(`https://${NAME}:${port}/x`, "tok", via({ HTTPS_PROXY: proxyUrl }))).rejects.toThrow(
      new HcpApiError(`https://${NAME}:${port}: proxy 127.0.0.1:${proxyUrl.split(":").pop()} answered 407 to CONNECT ${NAME}:${port}`),
    );
    const before = connects.length;
    await expect(get(`https://${NAME}:${port}/x`, "tok", via({ HTTPS_PROXY: proxyUrl, NO_PROXY: ".internal.test" }))).rejects.toThrow(/ENOTFOUND|EAI_AGAIN/);
    expect(connects.length).toBe(before);
  });
});
