import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../../test-support/paths";

/**
 * A block of shell lines in README is pasted as one: its commands must run one cluster file, or
 * the synth and the deploy that follows it work on different clusters.
 */
test("each shell block of README names one cluster file", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)].map((m) => ({
    line: readme.slice(0, m.index).split("\n").length,
    files: [...new Set([...m[1].matchAll(/\bCLUSTER_CONFIG=(\S+)/g)].map((f) => f[1]))],
  }));
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.filter((b) => b.files.length > 1)).toEqual([]);
});
