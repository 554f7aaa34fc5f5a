import * as fs from "node:fs";
import * as path from "node:path";
import { usesFilesystemMirror } from "../src/summary";
import { documented, runDocumentedOk } from "../test-support/documented-commands";
import { ROOT, tempDir } from "../test-support/paths";
import { terraformEnv } from "../test-support/terraform";

/** The "Next:" commands of what synth printed: each line's first column. */
const nextCommands = (stdout: string) =>
  stdout
    .slice(stdout.indexOf("Next:\n") + "Next:\n".length)
    .split("\n")
    .map((l) => l.trim().split(/\s{2,}/)[0])
    .filter((c) => /^(CLUSTER_CONFIG=|CDKTF_OUTDIR=|npm |npx |terraform )/.test(c));

test("npm run synth: each stack with its resource count and backend, then the next commands, for the file and folder used", async () => {
  // A folder whose parents do not exist yet.
  const outdir = path.join(tempDir(), "nested", "out");
  const r = await runDocumentedOk(documented("npm-run-synth", { outdir }));
  // After npm's own lines (`> name@version synth`, the script), what synth prints.
  const lines = r.stdout.slice(r.stdout.indexOf("Synthesized")).trim().split("\n");
  expect(r.stderr).toBe("");
  // Outside the project folder, the output folder is shown by its absolute path.
  expect(lines[0]).toBe(`Synthesized 5 stacks into ${outdir}/stacks:`);
  expect(lines.slice(1, 6).map((l) => l.trim().split(/\s+/))).toEqual([
    ["demo-network", "30", "resources", "state:", "local"],
    ["demo-infra", "71", "resources", "state:", "local"],
    ["demo-bootstrap", "16", "resources", "state:", "local"],
    // 5 instances, their placements, 9 target registrations and the guards of PLAN-EC2-1 and PLAN-EC2-2.
    ["demo-machines", "21", "resources", "state:", "local"],
    ["demo-ingress", "0", "resources", "state:", "local"],
  ]);
  // The tests hand Terraform the provider mirror through TF_CLI_CONFIG_FILE when CI has one.
  const offline = usesFilesystemMirror(terraformEnv().TF_CLI_CONFIG_FILE) ? " --skip-provider-lock" : "";
  expect(nextCommands(r.stdout)).toEqual([
    `CDKTF_OUTDIR=${outdir} npm run plan`,
    `npx cdktf deploy '*' --output ${outdir}${offline}`,
    `terraform -chdir=${outdir}/stacks/demo-network init && terraform -chdir=${outdir}/stacks/demo-network apply`,
    `npx cdktf destroy demo-bootstrap --output ${outdir}${offline}`,
    `npx cdktf destroy '*' --output ${outdir}${offline}`,
  ]);
  expect(r.stdout).toMatch(/^ {2}npx cdktf destroy demo-bootstrap .*\n {40} {2}after `openshift-install wait-for bootstrap-complete`$/m);
}, 60_000);

test("a cluster file of one's own, into a folder inside the project: CLUSTER_CONFIG and the folder as typed from there", async () => {
  const dir = fs.mkdtempSync(path.join(ROOT, ".build", "summary-"));
  try {
    const clusterFile = path.join(dir, "my cluster.yaml");
    fs.writeFileSync(clusterFile, `installDir: ${path.join(ROOT, "examples", "default", "install")}\nmachines: { rhcosAmi: ami-0123456789abcdef0 }\n`);
    const outdir = path.join(dir, "out");
    const r = await runDocumentedOk(documented("npm-run-synth-cluster-file", { clusterFile, outdir }), { env: { TF_CLI_CONFIG_FILE: "" } });
    const [file, out] = [path.relative(ROOT, clusterFile), path.relative(ROOT, outdir)];
    expect(nextCommands(r.stdout)).toEqual([
      `CLUSTER_CONFIG='${file}' CDKTF_OUTDIR=${out} npm run plan`,
      `CLUSTER_CONFIG='${file}' npx cdktf deploy '*' --output ${out}`,
      `terraform -chdir=${out}/stacks/demo-network init && terraform -chdir=${out}/stacks/demo-network apply`,
      `CLUSTER_CONFIG='${file}' npx cdktf destroy demo-bootstrap --output ${out}`,
      `CLUSTER_CONFIG='${file}' npx cdktf destroy '*' --output ${out}`,
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
