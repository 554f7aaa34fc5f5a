import { test } from "@fast-check/jest";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { clusterFileJsonSchema } from "../../src/config/json-schema";
import { loadClusterFile } from "../../src/cluster-file";
import { synthesize } from "../../src/synth";
import { describedFile, fleetSplit, FUZZ_SEED, fuzzRuns, leafPatches, schemaLeaves } from "../../test-support/fuzz";
import { tempDir } from "../../test-support/paths";

/**
 * Valid input is never refused: files built from the JSON Schema's own descriptions (every form
 * a description names) load and synthesize, and so do fleet splits of them, whose clusters are
 * the file's cluster field for field.
 */
jest.setTimeout(600_000);

const leaves = schemaLeaves(JSON.parse(clusterFileJsonSchema()));
const dir = tempDir("upi-described-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: object): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

/** Loads a file that must be accepted; a refusal fails with its lines and the file. */
function accepted(file: string) {
  try {
    return loadClusterFile(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(`refused:\n${e.message}\n--- file ---\n${fs.readFileSync(file, "utf8")}`);
    throw e;
  }
}

test("every leaf of the JSON Schema has a generator of its described forms", () => {
  expect(leaves.filter((l) => !leafPatches(l)).map((l) => `${l.path}: ${l.description ?? "(no description)"}`)).toEqual([]);
  expect(leaves.length).toBeGreaterThan(50);
});

test.prop([describedFile(leaves)], { seed: FUZZ_SEED + 10, numRuns: fuzzRuns(150) })("a file of described values loads", ({ file }) => {
  accepted(write("described.json", file));
});

const fleetOfDescribed = describedFile(leaves).chain(({ file, patches }) => fleetSplit(file, patches).map((fleet) => ({ file, fleet })));

test.prop([fleetOfDescribed], {
  seed: FUZZ_SEED + 11,
  numRuns: fuzzRuns(100),
})("a fleet split of it loads, each cluster the file's but for its identity", ({ file, fleet }) => {
  const [single] = accepted(write("single.json", file)).clusters;
  const clusters = accepted(write("fleet.json", fleet)).clusters;
  // Identity, and where it came from (the install folder, or the entry).
  const withoutIdentity = ({ clusterName: _n, infraId: _i, sources: _s, ...rest }: Record<string, unknown>) => rest;
  expect(clusters.map(withoutIdentity)).toEqual([withoutIdentity(single), withoutIdentity(single)]);
});

test.prop([describedFile(leaves)], { seed: FUZZ_SEED + 12, numRuns: fuzzRuns(6) })("a sample synthesizes", ({ file }) => {
  // A new output each time: the day-2 checks would compare each file with the one before.
  const out = path.join(dir, "out");
  fs.rmSync(out, { recursive: true, force: true });
  synthesize(write("synth.json", file), out);
});

/** Per stack kind (`network`, ...), its resource count, for each cluster of a synth. */
const resourcesByCluster = (result: ReturnType<typeof synthesize>) =>
  result.clusters.map(({ clusterName }) =>
    Object.fromEntries(result.summary.filter((s) => s.name.startsWith(`${clusterName}-`)).map((s) => [s.name.slice(clusterName.length + 1), s.resources])),
  );

// Each case synthesizes three clusters (about 0.6 s): a bounded sample.
test.prop([fleetOfDescribed], { seed: FUZZ_SEED + 13, numRuns: fuzzRuns(5) })("a sample of fleet splits synthesizes, each cluster's stacks as the file's", ({ file, fleet }) => {
  const synth = (name: string, content: object) => {
    const out = path.join(dir, `out-${name}`);
    fs.rmSync(out, { recursive: true, force: true });
    return synthesize(write(`${name}.json`, content), out);
  };
  const [single] = resourcesByCluster(synth("single", file));
  expect(Object.keys(single).length).toBeGreaterThanOrEqual(5);
  expect(resourcesByCluster(synth("fleet", fleet))).toEqual([single, single]);
});
