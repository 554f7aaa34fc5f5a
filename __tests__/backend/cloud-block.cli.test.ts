import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { runSynth } from "../../test-support/cli";
import { tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";

/**
 * A cloud-backed synth writes the cloud block and the remote-state reads as cdktf's CloudBackend
 * does, and runs no Terraform: cdktf's CloudBackend runs `terraform version` for every stack, a
 * process each (most of a large fleet's synth). A `terraform` first on the synth's PATH records
 * any call. (In a child process: a test's own PATH does not reach the commands it starts.)
 */
test("a cloud synth runs no terraform, and writes the cloud block and remote-state reads", () => {
  const dir = tempDir("upi-probe-");
  const calls = path.join(dir, "calls");
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(path.join(dir, "bin", "terraform"), `#!/bin/sh\necho "$@" >> ${JSON.stringify(calls)}\necho "Terraform v1.11.4"\n`, { mode: 0o755 });
  const file = path.join(dir, "cluster.yaml");
  fs.writeFileSync(file, stringify(baseCluster({ backend: { type: "cloud", cloud: { organization: "acme", hostname: "tfe.example.com", workspacePrefix: "ocp-" } } })));
  const outdir = path.join(dir, "cdktf.out");
  const r = runSynth({ CLUSTER_CONFIG: file, CDKTF_OUTDIR: outdir, PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env.PATH}` });
  expect([r.status, r.stderr]).toEqual([0, ""]);
  expect(fs.existsSync(calls) ? fs.readFileSync(calls, "utf8") : "").toBe("");
  const infra = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "demo-infra", "cdk.tf.json"), "utf8"));
  expect(infra.terraform.cloud).toEqual({ organization: "acme", hostname: "tfe.example.com", workspaces: { name: "ocp-demo-infra" } });
  const reads = Object.values<any>(infra.data.terraform_remote_state).filter((s) => s.config.workspaces.name === "ocp-demo-network");
  expect(reads.map((s) => [s.backend, s.config])).toEqual([["remote", { organization: "acme", hostname: "tfe.example.com", workspaces: { name: "ocp-demo-network" } }]]);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  expect(manifest.stacks["demo-infra"].synthesizedStackPath).toBe("stacks/demo-infra/cdk.tf.json");
}, 60_000);
