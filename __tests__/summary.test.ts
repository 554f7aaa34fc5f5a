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
    "npx cdktf destroy '*'",
  ]);
});

test("a cluster file and a provider mirror: CLUSTER_CONFIG on every command that synthesizes, --skip-provider-lock on cdktf's, the teardown included", () => {
  const { lines } = next({}, { clusterFile: "clusters/prod.yaml", offline: true });
  expect(lines.map((l) => l.trim().split(/\s{2,}/)[0]).filter((l) => /^(CLUSTER_CONFIG|npm|npx)/.test(l))).toEqual([
    "CLUSTER_CONFIG=clusters/prod.yaml npm run plan",
    "CLUSTER_CONFIG=clusters/prod.yaml npx cdktf deploy '*' --skip-provider-lock",
    "CLUSTER_CONFIG=clusters/prod.yaml npx cdktf destroy demo-bootstrap --skip-provider-lock",
    "CLUSTER_CONFIG=clusters/prod.yaml npx cdktf destroy '*' --skip-provider-lock",
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

describe("HCP Terraform clusters", () => {
  const cloud = (cloudFields: Record<string, unknown> = {}) => ({ type: "cloud", cloud: { organization: "acme", workspacePrefix: "ocp-", ...cloudFields } });
  const commands = (lines: string[]) => lines.map((l) => l.trim().split(/\s{2,}/)[0]).filter((l) => /^(terraform login|npm|npx|CDKTF_OUTDIR=|terraform -chdir=.*-hcp'? )/.test(l));

  test("remote execution (the default): no npm run plan, which refuses it; each run judged with --check-run after the deploy", () => {
    const { text, lines } = next({ backend: cloud() });
    expect(commands(lines)).toEqual([
      "terraform login app.terraform.io",
      "npm run hcp-setup -- demo",
      "npx cdktf deploy '*'",
      "npm run plan -- --check-run <run-id> demo",
      "npx cdktf destroy demo-bootstrap",
      "npx cdktf destroy '*'",
    ]);
    // IAM holds one OIDC provider per URL per account: the set-up command looks for it first.
    expect(text).toContain("AWS credentials (the account's IAM OIDC provider for https://app.terraform.io used if it has one, else created)");
  });

  test("local execution: npm run plan as for any backend; no OIDC provider, so nothing said of one", () => {
    const { text, lines } = next({ backend: cloud({ executionMode: "local" }) });
    expect(commands(lines)).toContain("npm run plan");
    expect(text).not.toContain("--check-run");
    expect(text).not.toContain("OIDC");
  });

  test("a fleet: terraform login once per host; npm run plan names the clusters it can plan; the set-up folder quoted", () => {
    const dir = tempDir("upi-summary-");
    const fleet = {
      ...baseCluster({ backend: cloud() }),
      clusters: [
        { clusterName: "a", infraId: "a-1" },
        { clusterName: "b", infraId: "b-1" },
        { clusterName: "c", infraId: "c-1", backend: cloud({ executionMode: "local" }) },
      ],
    };
    const result = synthCluster(fleet, dir);
    // An output folder whose name the shell would split.
    const text = formatSummary({ ...result, outdir: path.join(dir, "my out") }, { cwd: dir });
    const lines = text.slice(text.indexOf("Next:\n") + 6).split("\n");
    expect(commands(lines)).toEqual([
      "terraform login app.terraform.io",
      "CDKTF_OUTDIR='my out' npm run hcp-setup -- a",
      "CDKTF_OUTDIR='my out' npm run hcp-setup -- b",
      "CDKTF_OUTDIR='my out' npm run hcp-setup -- c",
      "CDKTF_OUTDIR='my out' npm run plan -- c",
      "npx cdktf deploy '*' --output 'my out'",
      "npm run plan -- --check-run <run-id> a",
      "npm run plan -- --check-run <run-id> b",
      "npx cdktf destroy a-bootstrap --output 'my out'",
      "npx cdktf destroy b-bootstrap --output 'my out'",
      "npx cdktf destroy c-bootstrap --output 'my out'",
      "npx cdktf destroy '*' --output 'my out'",
    ]);
  });
});
