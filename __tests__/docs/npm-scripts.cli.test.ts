import * as fs from "node:fs";
import * as path from "node:path";
import { checkoutCopy, documented, runDocumentedOk } from "../../test-support/documented-commands";

/**
 * The npm scripts README, docs/ and help show that no other test runs: the library build, and the test
 * selections (listed rather than run, since running them from here would run this suite again).
 */

test("npm run build compiles the construct library into dist/, which loads with its exports", async () => {
  // In a copy of the checkout, so the checkout's own dist/ is left as it was.
  const copy = checkoutCopy();
  await runDocumentedOk(documented("npm-run-build"), { cwd: copy });
  const pkg = JSON.parse(fs.readFileSync(path.join(copy, "package.json"), "utf8"));
  expect(fs.existsSync(path.join(copy, pkg.types))).toBe(true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const library = require(path.join(copy, pkg.main));
  for (const name of ["OpenShiftUpiCluster", "ClusterNetwork", "ApiLoadBalancers", "AppsIngress", "Guardrails", "RULES"])
    expect({ name, exported: name in library }).toEqual({ name, exported: true });
}, 120_000);

const listed = (stdout: string) =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("/"))
    .map((l) => path.basename(l))
    .sort();

test("npm run test:unit selects the in-process suites (no command, Terraform or emulator run, no fuzz campaign); npm run test:e2e the emulator suites", async () => {
  const [unit, e2e] = await Promise.all([runDocumentedOk(documented("npm-run-test-unit")), runDocumentedOk(documented("npm-run-test-e2e"))]);
  const e2eFiles = fs
    .readdirSync(path.join(__dirname, "..", "e2e"))
    .filter((f) => f.endsWith(".test.ts"))
    .sort();
  expect(listed(e2e.stdout)).toEqual(e2eFiles);
  const units = listed(unit.stdout);
  expect(units).toContain("commands.test.ts");
  expect(units.filter((f) => /\.e2e\.|terraform-validate|\.cli\.|property/.test(f))).toEqual([]);
}, 60_000);
