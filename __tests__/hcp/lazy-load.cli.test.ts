import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { DEFAULT_CLUSTER_FILE, ROOT, tempDir } from "../../test-support/paths";

/**
 * The tfe bindings (6 MB) are loaded only for a file with a cloud backend: a default synth does
 * not pay for them. The product's code is bundled with its packages left as real `require`s, so
 * Node's module cache shows which packages a synth loaded.
 */

const dir = tempDir("upi-lazy-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function packagesLoaded(clusterFile: string): string[] {
  const entry = path.join(dir, "entry.ts");
  fs.writeFileSync(
    entry,
    `import { synthesize } from ${JSON.stringify(path.join(ROOT, "src", "synth"))};
synthesize(process.argv[2], process.argv[3]);
console.log(JSON.stringify(Object.keys(require.cache)));`,
  );
  const bundle = path.join(dir, "entry.cjs");
  buildSync({ entryPoints: [entry], outfile: bundle, bundle: true, platform: "node", format: "cjs", packages: "external", logLevel: "error" });
  const r = spawnSync(process.execPath, [bundle, clusterFile, path.join(dir, `out-${path.basename(path.dirname(clusterFile))}`)], {
    encoding: "utf8",
    env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const files: string[] = JSON.parse(r.stdout.trim().split("\n").pop()!);
  return [...new Set(files.map((f) => /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter((p): p is string => !!p))];
}

test("a default synth loads no tfe bindings; a cloud synth does", () => {
  const local = packagesLoaded(DEFAULT_CLUSTER_FILE);
  expect(local).toContain("@cdktf/provider-aws");
  expect(local).not.toContain("@cdktf/provider-tfe");
  expect(packagesLoaded(path.join(ROOT, "examples", "cloud", "cluster.yaml"))).toContain("@cdktf/provider-tfe");
}, 60_000);
