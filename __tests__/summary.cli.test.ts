import * as path from "node:path";
import { documented, runDocumentedOk } from "../test-support/documented-commands";
import { tempDir } from "../test-support/paths";

test("npm run synth: each stack with its resource count and backend, then the next commands", async () => {
  // A folder whose parents do not exist yet.
  const outdir = path.join(tempDir(), "nested", "out");
  const r = await runDocumentedOk(documented("npm-run-synth", { outdir }));
  // After npm's own lines (`> name@version synth`, the script), what synth prints.
  const lines = r.stdout.slice(r.stdout.indexOf("Synthesized")).trim().split("\n");
  expect(r.stderr).toBe("");
  expect(lines[0]).toBe(`Synthesized 5 stacks into ${path.relative(path.join(__dirname, ".."), outdir)}/stacks:`);
  expect(lines.slice(1, 6).map((l) => l.trim().split(/\s+/))).toEqual([
    ["demo-network", "29", "resources", "state:", "local"],
    ["demo-infra", "69", "resources", "state:", "local"],
    ["demo-bootstrap", "16", "resources", "state:", "local"],
    // 5 instances, their placements and 9 target registrations.
    ["demo-machines", "19", "resources", "state:", "local"],
    ["demo-ingress", "0", "resources", "state:", "local"],
  ]);
  expect(r.stdout).toContain("cdktf deploy '*'");
  expect(r.stdout).toMatch(/^  cdktf destroy demo-bootstrap {2,}after `openshift-install wait-for bootstrap-complete`$/m);
}, 60_000);
