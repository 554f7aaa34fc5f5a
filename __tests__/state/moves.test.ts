import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { readOutputRecord } from "../../src/output/record";
import { synthesize } from "../../src/synth";
import { BackendKind, backendKind, defaultLocalSettings, isDefaultLocalState, MOVED_FROM_FOLDER, shownLocation, stateMoveAdvice } from "../../src/state/moves";
import { DEFAULT_CLUSTER_FILE, tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";

/**
 * A synth that changes where a stack's state lives: warned about only when the old place may hold
 * a state, with what moves it for that pair of backends, and remembered for `npm run plan`, which
 * reads the old place through the stack's moved-from folder.
 */
function project() {
  const dir = tempDir("upi-moves-");
  const file = path.join(dir, "cluster.yaml");
  const outdir = path.join(dir, "cdktf.out");
  const shownOutdir = path.relative(process.cwd(), outdir);
  const synth = (content: Record<string, unknown> | string = DEFAULT_CLUSTER_FILE) => {
    if (typeof content === "string") return synthesize(content, outdir);
    fs.writeFileSync(file, stringify(content));
    return synthesize(file, outdir);
  };
  const movedFrom = (stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, MOVED_FROM_FOLDER, "main.tf.json"), "utf8"));
  return { dir, outdir, shownOutdir, synth, movedFrom };
}

const s3 = (keyPrefix = "openshift/demo") => baseCluster({ backend: { type: "s3", s3: { bucket: "tf-state", keyPrefix } } });
const cloud = (workspacePrefix: string) => baseCluster({ backend: { type: "cloud", cloud: { organization: "acme", workspacePrefix } } });
const moveWarnings = (warnings: string[]) => warnings.filter((w) => / its state moves from /.test(w));

test("the embedded example synthesized, then one's own file with S3 state into the same folder: nothing was applied, so no warning and no move", () => {
  const p = project();
  p.synth();
  const r = p.synth(s3());
  expect(moveWarnings(r.warnings)).toEqual([]);
  expect(Object.values(readOutputRecord(p.outdir)!.stacks).filter((s) => s.movedFrom)).toEqual([]);
  expect(fs.existsSync(path.join(p.outdir, "stacks", "demo-network", MOVED_FROM_FOLDER))).toBe(false);
});

test("a local state that holds resources, moved to S3: warned with init -migrate-state, remembered, its moved-from folder reaching the old file", () => {
  const p = project();
  p.synth(baseCluster());
  fs.writeFileSync(
    path.join(p.dir, "terraform.demo-network.tfstate"),
    JSON.stringify({ version: 4, serial: 3, outputs: {}, resources: [{ mode: "managed", type: "aws_vpc", name: "vpc", instances: [] }] }),
  );
  // An emptied state (a stack destroyed) holds nothing to move.
  fs.writeFileSync(path.join(p.dir, "terraform.demo-bootstrap.tfstate"), JSON.stringify({ version: 4, serial: 9, outputs: {}, resources: [] }));
  const r = p.synth(s3());
  expect(moveWarnings(r.warnings)).toEqual([
    "warning: demo-network: its state moves from ../../../terraform.demo-network.tfstate (relative to the stack folder), which holds resources, " +
      "to s3://tf-state/openshift/demo/demo-network.tfstate (us-east-1). Until the state is moved, the new place is empty and a plan there would build a second cluster: " +
      `run \`terraform -chdir=${p.shownOutdir}/stacks/demo-network init -migrate-state\` (Terraform copies the state from the old backend: answer yes). ` +
      "`npm run plan` refuses this stack until then.",
  ]);
  expect(p.movedFrom("demo-network")).toEqual({ terraform: { backend: { local: { path: "../../../../terraform.demo-network.tfstate" } } } });
  // Remembered by the next synth, folder and all.
  expect(moveWarnings(p.synth(s3()).warnings)).toEqual([]);
  expect(readOutputRecord(p.outdir)!.stacks["demo-network"]).toMatchObject({ movedFrom: "terraform.demo-network.tfstate beside the output folder" });
  expect(fs.existsSync(path.join(p.outdir, "stacks", "demo-network", MOVED_FROM_FOLDER, "main.tf.json"))).toBe(true);
  expect(readOutputRecord(p.outdir)!.stacks["demo-bootstrap"].movedFrom).toBeUndefined();
});

test("S3 to S3 (a new keyPrefix): the old place is read only by npm run plan, so the warning says if you applied there", () => {
  const p = project();
  p.synth(s3("openshift/demo"));
  const r = p.synth(s3("platform/demo"));
  const old = "s3://tf-state/openshift/demo/demo-network.tfstate (us-east-1)";
  expect(moveWarnings(r.warnings)).toContainEqual(
    `warning: demo-network: its state moves from ${old} to s3://tf-state/platform/demo/demo-network.tfstate (us-east-1). ` +
      "If you applied there, the new place is empty until the state is moved, and a plan there would build a second cluster: " +
      `run \`terraform -chdir=${p.shownOutdir}/stacks/demo-network init -migrate-state\` (Terraform copies the state from the old backend: answer yes). ` +
      "`npm run plan` reads the old place and, while the new one is empty, refuses this stack if the old one holds resources or cannot be read.",
  );
  expect(moveWarnings(r.warnings)).toHaveLength(5);
  expect(p.movedFrom("demo-network").terraform.backend.s3).toMatchObject({ bucket: "tf-state", key: "openshift/demo/demo-network.tfstate" });
  // The VPC guard names the old place too.
  const network = JSON.parse(fs.readFileSync(path.join(p.outdir, "stacks", "demo-network", "cdk.tf.json"), "utf8"));
  const vpc: any = Object.values(network.resource.aws_vpc)[0];
  expect(vpc.lifecycle.precondition[1].error_message).toContain(`it is managed by the state at ${old} (this stack's backend before the last change)`);
});

test("into HCP Terraform, and from one workspace prefix to another: the commands Terraform accepts there", () => {
  const p = project();
  p.synth(s3());
  const into = moveWarnings(p.synth(cloud("ocp-")).warnings);
  expect(into[0]).toContain(
    `to app.terraform.io/acme/workspaces/ocp-demo-network. If you applied there, the new place is empty until the state is moved, and a plan there would build a second cluster: ` +
      `run \`terraform -chdir=${p.shownOutdir}/stacks/demo-network init\` (Terraform proposes to migrate the state into HCP Terraform: answer yes (it refuses -migrate-state there)).`,
  );
  // The set-up stack manages the workspaces (its state is not on this machine, or holds them): re-applied, it renames them, state included.
  const renamed = moveWarnings(p.synth(cloud("platform-")).warnings);
  const dir = `${p.shownOutdir}/stacks/demo-network`;
  expect(renamed[0]).toContain(
    `run \`CDKTF_OUTDIR=${p.shownOutdir} npm run hcp-setup -- demo\`, then \`terraform -chdir=${dir} init\` ` +
      "(the set-up stack manages the workspaces: re-applied first, it renames each to the new prefix, state included; an init before it would create the new workspace empty and the set-up apply would fail on its name)",
  );
  expect(p.movedFrom("demo-network")).toEqual({ terraform: { cloud: expect.objectContaining({ organization: "acme", workspaces: { name: "ocp-demo-network" } }) } });
});

test("from one workspace prefix to another, for workspaces the set-up stack's state here does not hold: the old state pulled and pushed", () => {
  const p = project();
  p.synth(cloud("ocp-"));
  // The set-up stack's local state, beside the output folder, manages only the network stack's workspace.
  const workspace = (name: string) => ({ mode: "managed", type: "tfe_workspace", name: "w", instances: [{ attributes: { name } }] });
  fs.writeFileSync(path.join(p.dir, "terraform.demo-hcp.tfstate"), JSON.stringify({ version: 4, resources: [workspace("ocp-demo-network")] }));
  const renamed = moveWarnings(p.synth(cloud("platform-")).warnings);
  const line = (stack: string) => renamed.find((w) => w.startsWith(`warning: ${stack}: `))!;
  const dir = `${p.shownOutdir}/stacks/demo-infra`;
  expect(line("demo-infra")).toContain(
    `run \`terraform -chdir=${dir}/moved-from init && terraform -chdir=${dir} init\`, then \`terraform -chdir=${dir}/moved-from state pull | terraform -chdir=${dir} state push -\` ` +
      "(the old workspace is not the set-up stack's, and Terraform does not move state between HCP Terraform workspaces: these copy the old workspace's state into the new one)",
  );
  expect(line("demo-network")).toContain(`run \`CDKTF_OUTDIR=${p.shownOutdir} npm run hcp-setup -- demo\`, then \`terraform -chdir=${p.shownOutdir}/stacks/demo-network init\``);
});

test("the advice for every pair of backends", () => {
  const kinds: BackendKind[] = ["local", "s3", "cloud"];
  const table = Object.fromEntries(kinds.flatMap((from) => kinds.map((to) => [`${from} -> ${to}`, stateMoveAdvice(from, to, "out/stacks/x").commands])));
  expect(table).toEqual({
    "local -> local": ["terraform -chdir=out/stacks/x init -migrate-state"],
    "local -> s3": ["terraform -chdir=out/stacks/x init -migrate-state"],
    "local -> cloud": ["terraform -chdir=out/stacks/x init"],
    "s3 -> local": ["terraform -chdir=out/stacks/x init -migrate-state"],
    "s3 -> s3": ["terraform -chdir=out/stacks/x init -migrate-state"],
    "s3 -> cloud": ["terraform -chdir=out/stacks/x init"],
    "cloud -> local": ["terraform -chdir=out/stacks/x init"],
    "cloud -> s3": ["terraform -chdir=out/stacks/x init"],
    "cloud -> cloud": [
      "terraform -chdir=out/stacks/x/moved-from init && terraform -chdir=out/stacks/x init",
      "terraform -chdir=out/stacks/x/moved-from state pull | terraform -chdir=out/stacks/x state push -",
    ],
  });
  expect(stateMoveAdvice("cloud", "cloud", "out/stacks/x", "CDKTF_OUTDIR=out npm run hcp-setup -- c").commands).toEqual([
    "CDKTF_OUTDIR=out npm run hcp-setup -- c",
    "terraform -chdir=out/stacks/x init",
  ]);
  expect([
    backendKind("terraform.demo-network.tfstate beside the output folder"),
    backendKind("s3://tf-state/k/demo-network.tfstate (us-east-1)"),
    backendKind("app.terraform.io/acme/workspaces/demo-network"),
  ]).toEqual(["local", "s3", "cloud"]);
});

test("the default local state: the backend's path, the record's location and the move checks name one file", () => {
  const p = project();
  p.synth(baseCluster());
  const stack = "demo-network";
  const json = JSON.parse(fs.readFileSync(path.join(p.outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
  expect(defaultLocalSettings(stack)).toEqual({ backend: { local: { path: json.terraform.backend.local.path } } });
  const location = readOutputRecord(p.outdir)!.stacks[stack].state!;
  expect(isDefaultLocalState(location, stack)).toBe(true);
  expect(isDefaultLocalState(location, "demo-infra")).toBe(false);
  expect(shownLocation(location, stack)).toBe(`${json.terraform.backend.local.path} (relative to the stack folder)`);
});
