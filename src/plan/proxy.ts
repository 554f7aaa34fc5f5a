/**
 * HCP's API reached through the HTTPS proxy Terraform itself would use: Node 20 reads neither
 * HTTPS_PROXY nor NO_PROXY, and a plan that cannot ask HCP whether a workspace exists does not run.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";

/**
 * The proxy for `host` (`name[:port]`) by Go's rules, which Terraform follows
 * (golang.org/x/net/http/httpproxy): HTTPS_PROXY or https_proxy, not for a loopback host, nor one
 * NO_PROXY or no_proxy names (`*`, an IP or CIDR, or a domain: `example.com` and its subdomains,
 * `.example.com` its subdomains only, each with an optional port). Throws a one-line error, without
 * the proxy's credentials, for a value that is no http:// proxy URL.
 */
export function proxyFor(host: string, env: NodeJS.ProcessEnv): URL | undefined {
  const variable = env.HTTPS_PROXY ? "HTTPS_PROXY" : "https_proxy";
  const raw = env[variable];
  if (!raw) return undefined;
  // Go matches NO_PROXY against the host with its port, the scheme's default when the URL has none.
  const { name, port: given } = splitHost(host);
  const port = given || "443";
  if (name === "localhost" || (net.isIP(name) && isLoopback(name))) return undefined;
  for (const entry of (env.NO_PROXY || env.no_proxy || "").split(",").map((e) => e.trim().toLowerCase())) {
    if (!entry) continue;
    if (entry === "*") return undefined;
    if (entry.includes("/") && net.isIP(name)) {
      if (inCidr(name, entry)) return undefined;
      continue;
    }
    const bare = net.isIP(entry) ? { name: entry, port: "" } : splitHost(entry);
    if (bare.port && bare.port !== port) continue;
    const domain = bare.name.replace(/^\*\./, ".");
    if (name === domain || (domain.startsWith(".") ? name.endsWith(domain) : name.endsWith(`.${domain}`))) return undefined;
  }
  // Go reads a proxy given without a scheme as http://. Messages leave out the proxy's credentials.
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw new Error(`${variable}: not a proxy URL (http://[user:password@]host:port)`);
  }
  if (url.protocol !== "http:") throw new Error(`${variable}: a ${url.protocol}// proxy; only an http:// proxy is supported here`);
  return url;
}

/** An agent whose connections tunnel through `proxy` with CONNECT, TLS end to end with the host. */
export function tunnelingAgent(proxy: URL, ca: (string | Buffer)[] | undefined, connectTimeoutMs = 60_000): https.Agent {
  const agent = new https.Agent({ ca, keepAlive: false });
  const auth = proxy.username
    ? { "Proxy-Authorization": `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64")}` }
    : {};
  // Node's agent takes a connection from this callback when none is returned (http.Agent createSocket).
  (agent as unknown as { createConnection: (o: tls.ConnectionOptions, done: (e: Error | null, s?: tls.TLSSocket) => void) => undefined }).createConnection = (options, done) => {
    const target = `${net.isIPv6(options.host ?? "") ? `[${options.host}]` : options.host}:${options.port}`;
    const connect = http.request({ host: proxy.hostname.replace(/^\[(.*)\]$/, "$1"), port: proxy.port || 80, method: "CONNECT", path: target, headers: { Host: target, ...auth } });
    // get()'s timeout starts with the socket this callback hands over: a proxy silent on CONNECT is timed here.
    connect.setTimeout(connectTimeoutMs, () => connect.destroy(new Error(`no answer to CONNECT within ${connectTimeoutMs / 1000} s`)));
    connect.once("connect", (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done(new Error(`proxy ${proxy.host} answered ${res.statusCode} to CONNECT ${target}`));
        return;
      }
      // The agent's servername: the host's name, empty for an IP address (no SNI).
      done(null, tls.connect({ ...options, socket }));
    });
    connect.once("error", (e) => done(new Error(`proxy ${proxy.host}: ${e.message}`)));
    connect.end();
    return undefined;
  };
  return agent;
}

function splitHost(host: string): { name: string; port: string } {
  const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(host.toLowerCase());
  return { name: m?.[1] ?? host, port: m?.[2] ?? "" };
}

const isLoopback = (ip: string) => (net.isIPv4(ip) ? ip.startsWith("127.") : ip === "::1");

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const list = new net.BlockList();
  try {
    list.addSubnet(base, Number(bits), net.isIPv6(base) ? "ipv6" : "ipv4");
  } catch {
    return false;
  }
  return list.check(ip, net.isIPv6(ip) ? "ipv6" : "ipv4");
}
