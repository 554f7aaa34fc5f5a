/**
 * `npm run plan -- --check-run <run-id>`: an HCP Terraform run's JSON plan, read through the API
 * (the local HCP double, over HTTPS with its own CA), judged by the PLAN rules.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { runNpmScript } from "../../test-support/cli";
import { documented, runDocumented } from "../../test-support/documented-commands";
import { HcpDouble } from "../../test-support/hcp-double";
import { tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";

const ORG = "acme";
let hcp: HcpDouble;
let clusterFile: string;

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", `${name}.json`), "utf8");
const checkRun = (runId: string, env: Record<string, string> = hcp.env(), file = clusterFile) =>
  runDocumented(documented("npm-run-plan-check-run", { runId, clusterFile: file }), { env });
const findings = (stdout: string) => stdout.split("\n").filter((l) => /^(warning: )?\[PLAN-/.test(l));

function writeCluster(overrides: Record<string, unknown>): string {
  const file = path.join(tempDir(), "cluster.yaml");
  fs.writeFileSync(file, stringify(baseCluster(overrides)));
  return file;
}

beforeAll(async () => {
  hcp = await HcpDouble.start({ organization: ORG });
  clusterFile = writeCluster({ backend: { type: "cloud", cloud: { organization: ORG, hostname: hcp.hostname, workspacePrefix: "p-" } } });
});
afterAll(() => hcp?.stop());

describe("npm run plan -- --check-run <run-id>", () => {
  test("a run whose plan replaces the masters fails, naming each; an unchanged one passes", async () => {
    const unsafe = hcp.addRun("p-demo-machines", fixture("machines-root-volume-key"));
    const r = await checkRun(unsafe.id);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    expect(findings(r.stdout).length).toBeGreaterThan(0);
    expect(findings(r.stdout).every((l) => l.startsWith("[PLAN-EC2-"))).toBe(true);
    expect(r.stdout).toContain(`run ${unsafe.id}`);

    const safe = hcp.addRun("p-demo-network", fixture("network-unchanged"));
    const ok = await checkRun(safe.id);
    expect(ok.code).toBe(0);
    expect(findings(ok.stdout)).toEqual([]);
  });

  test("a private CA given as NODE_EXTRA_CA_CERTS, as Node users do, is trusted too (scripts/run hands it on), and without it the host is not", async () => {
    const run = hcp.addRun("p-demo-network", fixture("network-unchanged"));
    const { SSL_CERT_FILE: caFile, ...noCa } = hcp.env();
    expect((await checkRun(run.id, { ...noCa, SSL_CERT_FILE: "", NODE_EXTRA_CA_CERTS: caFile })).code).toBe(0);
    const untrusted = await checkRun(run.id, { ...noCa, SSL_CERT_FILE: "" });
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/certificate/);
  });

  test("acknowledgements come from the same cluster file", async () => {
    const acknowledged = writeCluster({
      backend: { type: "cloud", cloud: { organization: ORG, hostname: hcp.hostname, workspacePrefix: "p-" } },
      guardrails: {
        acknowledge: [
          { rule: "PLAN-EC2-1", reason: "new root volume key, masters rebuilt one by one" },
          { rule: "PLAN-EC2-2", reason: "same" },
        ],
      },
    });
    const run = hcp.addRun("p-demo-machines", fixture("machines-root-volume-key"));
    // As the synth summary prints it, the cluster named.
    const r = await runDocumented(documented("npm-run-plan-check-run-cluster", { runId: run.id, cluster: "demo", clusterFile: acknowledged }), { env: hcp.env() });
    expect(findings(r.stdout).every((l) => l.startsWith("warning: "))).toBe(true);
    expect(r.code).toBe(0);
  });

  test("what the user can fix is one line: no token, a refused token, no such run, a run of a workspace the token may not read, a non-cloud cluster", async () => {
    const run = hcp.addRun("p-demo-network", fixture("network-unchanged"));
    const lastLine = async (p: Promise<{ code: number | null; stderr: string }>) => {
      const r = await p;
      return { code: r.code, message: r.stderr.trim().split("\n").at(-1) };
    };
    const noToken = path.join(tempDir(), "none.rc");
    fs.writeFileSync(noToken, "");
    expect(await lastLine(checkRun(run.id, { ...hcp.env(), TF_CLI_CONFIG_FILE: noToken, HOME: tempDir() }))).toEqual({
      code: 1,
      // TF_TOKEN_<host> cannot spell a port: only terraform login is offered.
      message: `--check-run: no token for ${hcp.hostname}; run terraform login ${hcp.hostname}`,
    });
    const badToken = path.join(tempDir(), "bad.rc");
    fs.writeFileSync(badToken, `credentials "${hcp.hostname}" {\n  token = "wrong"\n}\n`);
    expect(await lastLine(checkRun(run.id, { ...hcp.env(), TF_CLI_CONFIG_FILE: badToken }))).toEqual({
      code: 1,
      message: `run ${run.id}: the token for ${hcp.hostname} was refused (401); run terraform login ${hcp.hostname}`,
    });
    expect(await lastLine(checkRun("run-nosuchrun"))).toEqual({
      code: 1,
      message: `run run-nosuchrun: not found on ${hcp.hostname} (404: it does not exist, or the token for ${hcp.hostname} may not read it)`,
    });
    expect(await lastLine(checkRun(run.id, hcp.env(hcp.runToken("p-demo-infra"))))).toEqual({
      code: 1,
      message: `run ${run.id}: not found on ${hcp.hostname} (404: it does not exist, or the token for ${hcp.hostname} may not read it)`,
    });
    // Another cluster's run (its acknowledgements are not this cluster's), and a name one cluster's prefix merely starts.
    for (const workspace of ["p-demo-eu-network", "q-demo-network"]) {
      const other = hcp.addRun(workspace, fixture("network-unchanged"));
      expect(await lastLine(checkRun(other.id))).toEqual({
        code: 1,
        message: `run ${other.id} is of workspace ${ORG}/${workspace}, not one of cluster demo's (${ORG}/p-demo-network to p-demo-ingress); give the cluster file (CLUSTER_CONFIG) and cluster name it belongs to`,
      });
    }
    expect(await lastLine(checkRun("not-a-run"))).toEqual({ code: 1, message: `--check-run: "not-a-run" is not an HCP run id (run-<letters and digits>, as in the run's URL)` });
    const local = writeCluster({});
    expect(await lastLine(checkRun(run.id, hcp.env(), local))).toEqual({
      code: 1,
      message: `--check-run reads an HCP Terraform run: cluster demo in ${local} has backend.type local, not cloud`,
    });
  });
});

describe("npm run plan on a cloud cluster with remote or agent execution", () => {
  test("refuses at once, in one line, saying what to run instead; nothing is synthesized", async () => {
    for (const executionMode of ["remote", "agent"]) {
      const outdir = path.join(tempDir(), "cdktf.out");
      const file = writeCluster({
        backend: { type: "cloud", cloud: { organization: ORG, hostname: hcp.hostname, executionMode, ...(executionMode === "agent" ? { agentPoolId: "apool-123" } : {}) } },
      });
      const r = await runNpmScript("plan", [], { CLUSTER_CONFIG: file, CDKTF_OUTDIR: outdir, ...hcp.env() });
      expect({ status: r.status, stderr: r.stderr }).toEqual({
        status: 1,
        stderr:
          `demo: backend.cloud.executionMode is ${executionMode}, so plans run in HCP Terraform and npm run plan cannot read them; ` +
          "judge each run's plan with npm run plan -- --check-run <run-id> demo (the run ID is in its URL), or plan here with executionMode: local\n",
      });
      expect(fs.existsSync(outdir)).toBe(false);
    }
  });
});
