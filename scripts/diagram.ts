import { Graphviz } from "@hpcc-js/wasm-graphviz";
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackJson, StackJson } from "../src/cdktf/stack-json";
import { clusterDot } from "../src/diagram/diagram";

// npm run diagram: one SVG per cluster of the synthesized output (<outdir>/<clusterName>.svg),
// rendered by Graphviz compiled to WebAssembly (no browser, no system Graphviz).
async function main(): Promise<number> {
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  const manifestFile = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifestFile)) {
    console.error(`${manifestFile}: not found; run npm run synth first`);
    return 1;
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const stacks: Record<string, StackJson> = {};
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    stacks[name] = readStackJson(path.join(outdir, stack.synthesizedStackPath));
  }
  // Stacks are named <clusterName>-<part>.
  const clusters = new Map<string, Record<string, StackJson>>();
  for (const [name, json] of Object.entries(stacks)) {
    const cluster = name.slice(0, name.lastIndexOf("-"));
    clusters.set(cluster, { ...clusters.get(cluster), [name]: json });
  }
  const graphviz = await Graphviz.load();
  for (const [cluster, clusterStacks] of clusters) {
    const file = path.join(outdir, `${cluster}.svg`);
    fs.writeFileSync(file, graphviz.dot(clusterDot(cluster, clusterStacks), "svg"));
    console.log(`wrote ${file}`);
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(`error: ${(e as Error).message}`);
    process.exitCode = 2;
  },
);
