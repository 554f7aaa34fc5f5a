import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { runNpmScript } from "../../test-support/cli";
import { HcpDouble } from "../../test-support/hcp-double";
import { tempDir } from "../../test-support/paths";
import { baseCluster, synthCluster } from "../../test-support/synth";
import { treeDigest } from "../../test-support/tree-digest";

/**
 * `npm run plan` on an output folder synthesized for HCP Terraform with remote execution (a
 * deployed cluster's, say): HCP runs those plans and streams only their rendered log, so it
 * refuses at once, in one line, before it synthesizes, runs Terraform or calls HCP (the double
 * records every request). In a fleet file with a local-execution cluster beside it, the
 * refusal names the remote one. With local execution and the set-up stack not applied yet, no
 * stack is planned: `terraform init` would create each workspace bare; nor is a machine rolled.
 */
const ORG = "acme";
let hcp: HcpDouble;
beforeAll(async () => {
  hcp = await HcpDouble.start({ organization: ORG });
});
afterAll(() => hcp?.stop());

const cloud = (executionMode: string) => ({ type: "cloud", cloud: { organization: ORG, hostname: hcp.hostname, workspacePrefix: "p-", executionMode } });
const refusal = (cluster: string) =>
  `${cluster}: backend.cloud.executionMode is remote, so plans run in HCP Terraform and npm run plan cannot read them; ` +
  `judge each run's plan with npm run plan -- --check-run <run-id> ${cluster} (the run ID is in its URL), or plan here with executionMode: local\n`;

test("a synthesized remote-execution cluster: refused in one line; no HCP request, no terraform init, the output folder untouched", async () => {
  const s = synthCluster(baseCluster({ backend: cloud("remote") }), tempDir("upi-hcp-remote-"));
  const before = treeDigest(s.outdir, { mtimes: true });
  const r = await runNpmScript("plan", [], { CLUSTER_CONFIG: s.file, CDKTF_OUTDIR: s.outdir, ...hcp.env() });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: refusal("demo") });
  expect(hcp.requests).toEqual([]);
  expect(treeDigest(s.outdir, { mtimes: true })).toBe(before);
  expect(fs.readdirSync(path.join(s.outdir, "stacks")).filter((stack) => fs.existsSync(path.join(s.outdir, "stacks", stack, ".terraform")))).toEqual([]);
}, 120_000);

test("a fleet with a local-execution cluster beside the remote one: the remote one is named", async () => {
  const dir = tempDir("upi-hcp-fleet-");
  const file = path.join(dir, "cluster.yaml");
  const local = baseCluster({ clusterName: "web", infraId: "web-a1b2c", backend: cloud("local") });
  const remote = baseCluster({ backend: cloud("remote") });
  fs.writeFileSync(file, stringify({ clusters: [local, remote] }));
  const r = await runNpmScript("plan", [], { CLUSTER_CONFIG: file, CDKTF_OUTDIR: path.join(dir, "cdktf.out"), ...hcp.env() });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: refusal("demo") });
  expect(fs.existsSync(path.join(dir, "cdktf.out"))).toBe(false);
  expect(hcp.requests).toEqual([]);
}, 120_000);

test("local execution, the set-up stack not applied: every stack stops before terraform init, naming the set-up command; no workspace is created", async () => {
  const s = synthCluster(baseCluster({ backend: cloud("local") }), tempDir("upi-hcp-nosetup-"));
  const r = await runNpmScript("plan", [], { CLUSTER_CONFIG: s.file, CDKTF_OUTDIR: s.outdir, ...hcp.env() });
  expect(r.status).toBe(2);
  const setup = `CDKTF_OUTDIR=${path.relative(process.cwd(), s.outdir)} npm run hcp-setup -- demo`;
  // The network stack says why; the others wait on it, as on any upstream not planned.
  expect(r.stdout).toContain(
    `demo-network: HCP workspace ${ORG}/p-demo-network does not exist on ${hcp.hostname} (or this token may not read it), and terraform init would create it bare (the organization's default execution mode, no state sharing): ` +
      `apply the set-up stack first, \`${setup}\``,
  );
  expect(r.stdout).toMatch(/demo-network +- +- +- +- +failed \(below\)\n/);
  expect(r.stdout).toMatch(/demo-ingress +- +- +- +- +waits on demo-infra\n/);
  expect(hcp.requests.filter((q) => q.method !== "GET")).toEqual([]);
  expect(hcp.workspaces.size).toBe(0);
  expect(fs.readdirSync(path.join(s.outdir, "stacks")).filter((stack) => fs.existsSync(path.join(s.outdir, "stacks", stack, ".terraform")))).toEqual([]);
}, 120_000);

test("npm run roll, the set-up stack not applied: not rolled, before terraform init, naming the set-up command; no workspace is created", async () => {
  const s = synthCluster(baseCluster({ backend: cloud("local") }), tempDir("upi-hcp-roll-"));
  const r = await runNpmScript("roll", ["demo", "worker-0", "--auto-approve"], { CLUSTER_CONFIG: s.file, CDKTF_OUTDIR: s.outdir, ...hcp.env() });
  expect(r.status).toBe(1);
  expect(r.stdout).toContain(
    `Not rolled: HCP workspace ${ORG}/p-demo-machines does not exist on ${hcp.hostname} (or this token may not read it), and terraform init would create it bare`,
  );
  expect(hcp.requests.filter((q) => q.method !== "GET")).toEqual([]);
  expect(hcp.workspaces.size).toBe(0);
  expect(fs.existsSync(path.join(s.outdir, "stacks", "demo-machines", ".terraform"))).toBe(false);
}, 120_000);
