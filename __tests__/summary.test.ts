import * as fs from "node:fs";
import * as path from "node:path";
import { formatSummary, summaryContext, usesFilesystemMirror } from "../src/summary";
import { tempDir } from "../test-support/paths";
import { baseCluster, synthCluster } from "../test-support/synth";

/** The summary's "Next:" lines as printed from the folder that holds the output (paths read `cdktf.out`). */
function next(overrides: Record<string, unknown>, context: { clusterFile?: string; offline?: boolean } = {}) {
  const dir = tempDir("upi-summary-");
  const result = synthCluster(baseCluster(overrides), dir);
  const text = formatSummary(result, { cwd: dir, ...context });
  return { text, lines: text.slice(text.indexOf("Next:\n") + 6).split("\n") };
}

test("the defaults: npm run plan first, npx cdktf (cdktf is not on PATH), plain Terraform from the network stack", () => {
  expect(next({}).lines.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual([
    "npm run plan",
    "npx cdktf deploy '*'",
    "terraform -chdir=cdktf.out/stacks/demo-network init && terraform -chdir=cdktf.out/stacks/demo-network apply",
    "or stack by stack: network, infra, then bootstrap, machines and ingress",
    "npx cdktf destroy demo-bootstrap",
  ]);
});

test("a cluster file and a provider mirror: CLUSTER_CONFIG on every command that synthesizes, --skip-provider-lock on cdktf's", () => {
  const { lines } = next({}, { clusterFile: "clusters/prod.yaml", offline: true });
  expect(lines.map((l) => l.trim().split(/\s{2,}/)[0]).filter((l) => /^(CLUSTER_CONFIG|npm|npx)/.test(l))).toEqual([
    "CLUSTER_CONFIG=clusters/prod.yaml npm run plan",
    "CLUSTER_CONFIG=clusters/prod.yaml npx cdktf deploy '*' --skip-provider-lock",
    "CLUSTER_CONFIG=clusters/prod.yaml npx cdktf destroy demo-bootstrap --skip-provider-lock",
  ]);
});

test("with existingVpc: the empty network stack is marked, and the plain Terraform steps start at infra", () => {
  const { text } = next({ publish: "Internal", network: { existingVpc: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] } } });
  expect(text).toMatch(/^ {2}demo-network +0 resources {2}state: local {2}\(empty: network\.existingVpc\)$/m);
  expect(text).toContain("terraform -chdir=cdktf.out/stacks/demo-infra init && terraform -chdir=cdktf.out/stacks/demo-infra apply");
  expect(text).toContain("or stack by stack: infra, then bootstrap, machines and ingress");
  expect(text).not.toMatch(/stacks\/demo-network/);
});

test("the context of a command-line synth: CLUSTER_CONFIG, and a mirror when TF_CLI_CONFIG_FILE has a filesystem_mirror", () => {
  const dir = tempDir();
  const mirror = path.join(dir, "mirror.tfrc");
  const network = path.join(dir, "network.tfrc");
  fs.writeFileSync(mirror, 'provider_installation {\n  filesystem_mirror {\n    path = "/opt/tf-plugins"\n  }\n}\n');
  fs.writeFileSync(network, 'provider_installation {\n  network_mirror {\n    url = "https://mirror.example/"\n  }\n}\n');
  expect(summaryContext({ CLUSTER_CONFIG: "c.yaml", TF_CLI_CONFIG_FILE: mirror })).toEqual({ clusterFile: "c.yaml", offline: true });
  expect(summaryContext({ CLUSTER_CONFIG: "", TF_CLI_CONFIG_FILE: network })).toEqual({ clusterFile: undefined, offline: false });
  expect(usesFilesystemMirror(path.join(dir, "missing.tfrc"))).toBe(false);
  expect(usesFilesystemMirror(undefined)).toBe(false);
});
