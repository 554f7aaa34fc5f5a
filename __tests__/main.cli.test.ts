import * as fs from "node:fs";
import * as path from "node:path";
import { runSynth } from "../test-support/cli";
import { EXAMPLE_INSTALL_DIR, tempDir } from "../test-support/paths";

test("the summary echoes CLUSTER_CONFIG and CDKTF_OUTDIR with escape sequences and bidirectional overrides escaped", () => {
  const dir = tempDir();
  try {
    const clusterFile = "cluster\u001b]0;owned\u0007.yaml";
    fs.writeFileSync(path.join(dir, clusterFile), `installDir: ${EXAMPLE_INSTALL_DIR}\nmachines: { rhcosAmi: ami-0123456789abcdef0 }\n`);
    const r = runSynth({ CLUSTER_CONFIG: clusterFile, CDKTF_OUTDIR: "out\u001b[2J\u202e" }, dir);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    // Nothing that drives a terminal or reorders what it shows; lines stay lines.
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(r.stdout).toContain("Synthesized 5 stacks into out\\u001b[2J\\u202e/stacks:");
    expect(r.stdout).toContain("CLUSTER_CONFIG='cluster\\u001b]0;owned\\u0007.yaml'");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
