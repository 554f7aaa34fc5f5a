import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { documented, runDocumented } from "../test-support/documented-commands";
import { ROOT, tempDir } from "../test-support/paths";
import { baseCluster } from "../test-support/synth";

/** The stock cdktf CLI on this project, as a user runs it: it starts cdktf.json's app. */
function cdktfSynth(cluster: Record<string, unknown>, ...args: string[]) {
  const dir = tempDir();
  const file = path.join(dir, "cluster.yaml");
  fs.writeFileSync(file, stringify(cluster));
  const outdir = path.join(dir, "out");
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", ...args, "--output", outdir], {
    cwd: ROOT,
    env: { ...process.env, CLUSTER_CONFIG: file, CHECKPOINT_DISABLE: "1", CI: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { ...r, outdir };
}

describe("cdktf synth", () => {
  test("--hcl writes each stack as HCL where the manifest says; the summary reads the same JSON the rules saw", () => {
    const r = cdktfSynth(baseCluster(), "--hcl");
    expect(r.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(r.outdir, "manifest.json"), "utf8"));
    const stacks = Object.values<{ synthesizedStackPath: string }>(manifest.stacks);
    expect(stacks.map((s) => s.synthesizedStackPath).sort()).toEqual(
      ["bootstrap", "infra", "ingress", "machines", "network"].map((s) => path.join("stacks", `demo-${s}`, "cdk.tf")),
    );
    const infra = fs.readFileSync(path.join(r.outdir, "stacks", "demo-infra", "cdk.tf"), "utf8");
    expect(infra).toMatch(/resource "aws_lb" "[^"]+" \{/);
    // The summary counted the resources from the same JSON the rules saw.
    expect(r.stdout).toMatch(/demo-infra\s+71 resources/);
  }, 120_000);

  test("cdktf synth, as help shows it: a finding stops it, with the rule's line", async () => {
    const dir = tempDir();
    const clusterFile = path.join(dir, "cluster.yaml");
    fs.writeFileSync(clusterFile, stringify(baseCluster({ backend: { type: "s3", s3: { bucket: "tf-state", encrypt: false } } })));
    const r = { ...(await runDocumented(documented("cdktf-synth", { clusterFile, outdir: path.join(dir, "out") }))), outdir: path.join(dir, "out") };
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("[UPI-STATE-1] demo-network/backend: state is stored unencrypted (fix: set backend.s3.encrypt: true)");
    expect(fs.existsSync(path.join(r.outdir, "manifest.json"))).toBe(false);
  }, 120_000);
});
