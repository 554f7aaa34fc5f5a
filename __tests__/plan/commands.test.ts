import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { planMain, rollMain } from "../../src/plan/commands";
import { runNpmScript } from "../../test-support/cli";
import { tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";

const fixture = (name: string) => path.join(__dirname, "fixtures", `${name}.json`);
const NO_CONFIG = { CLUSTER_CONFIG: "" };

/** Runs a command in this process, as its script does, with CLUSTER_CONFIG as given; its output and exit code. */
async function run(command: typeof planMain, args: string[], env: { CLUSTER_CONFIG: string }) {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  const error = jest.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
  const previous = process.env.CLUSTER_CONFIG;
  process.env.CLUSTER_CONFIG = env.CLUSTER_CONFIG;
  try {
    const status = await command(args);
    return { status, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    process.env.CLUSTER_CONFIG = previous;
    log.mockRestore();
    error.mockRestore();
  }
}

function clusterFile(content: Record<string, unknown>): string {
  const file = path.join(tempDir(), "cluster.yaml");
  fs.writeFileSync(file, stringify(content));
  return file;
}

describe("npm run plan -- --check <plan.json>", () => {
  test("a plan that replaces the masters fails, naming each (the script, as npm runs it)", async () => {
    const r = await runNpmScript("plan", ["--check", fixture("machines-root-volume-key")], NO_CONFIG);
    expect(r.status).toBe(1);
    const findings = r.stdout.split("\n").filter((l) => l.startsWith("[PLAN-"));
    expect(findings.map((l) => l.split(": ").slice(0, 2).join(": "))).toEqual(
      [0, 1, 2].map(
        (i) =>
          `[PLAN-EC2-1] ${fixture("machines-root-volume-key")}: ${["aws_instance.control-plane_master-0_instance_D62F4475", "aws_instance.control-plane_master-1_instance_40822DE7", "aws_instance.control-plane_master-2_instance_789D06DC"][i]}`,
      ),
    );
    expect(r.stdout).toMatch(/Not safe to apply/);
    expect(r.stderr).toBe("");
  });

  test("a safe plan passes, with its row in the table", async () => {
    const r = await run(planMain, ["--check", fixture("machines-instance-type-one-master")], NO_CONFIG);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("        0        1        0        0  changes");
    expect(r.stdout).not.toMatch(/PLAN-/);
  });

  test("acknowledgements come from CLUSTER_CONFIG: the same plan then passes, with warnings", async () => {
    const config = clusterFile(baseCluster({ guardrails: { acknowledge: [{ rule: "PLAN-EC2-1", reason: "new root volume keys, one master at a time (CHG-7)" }] } }));
    const r = await run(planMain, ["--check", fixture("machines-root-volume-key")], { CLUSTER_CONFIG: config });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout.split("\n").filter((l) => l.startsWith("warning: [PLAN-EC2-1]"))).toHaveLength(3);
    expect(r.stdout).toContain("(acknowledged: new root volume keys, one master at a time (CHG-7))");
  });

  test.each([
    ["a file that is not there", ["--check", "/nonexistent/plan.json"], /^\/nonexistent\/plan.json: cannot read the plan \(ENOENT\)$/],
    ["a file that is not JSON", ["--check", path.join(__dirname, "fixtures", "README.md")], /README.md: not JSON \(.*\); give the output of terraform show -json <planfile>$/],
    [
      "a synthesized stack instead of a plan",
      ["--check", path.join(__dirname, "..", "..", "package.json")],
      /package.json: not a JSON plan of format 1.x \(got format_version undefined\)/,
    ],
    ["an unknown option", ["--chek", "plan.json"], /^unknown option --chek\nusage: npm run plan/],
    ["a cluster name without CLUSTER_CONFIG", ["--check", fixture("network-unchanged"), "demo"], /^a cluster name needs CLUSTER_CONFIG/],
  ])("%s: one clear line, exit 1", async (_, args, message) => {
    const r = await run(planMain, args, NO_CONFIG);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 1, stdout: "" });
    expect(r.stderr.trim()).toMatch(message);
  });

  test("a fleet file: the plan's cluster must be named", async () => {
    const fleet = clusterFile(
      baseCluster({
        clusters: [
          { clusterName: "a", infraId: "a-1" },
          { clusterName: "b", infraId: "b-1", network: { vpcCidr: "10.1.0.0/16" } },
        ],
      }),
    );
    const r = await run(planMain, ["--check", fixture("network-unchanged")], { CLUSTER_CONFIG: fleet });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/has 2 clusters: name the one the plan belongs to/);
    expect((await run(planMain, ["--check", fixture("network-unchanged"), "b"], { CLUSTER_CONFIG: fleet })).status).toBe(0);
  });
});

test("--help prints the usage, exit 0", async () => {
  expect(await run(planMain, ["--help"], NO_CONFIG)).toEqual({ status: 0, stdout: expect.stringMatching(/^usage: npm run plan /), stderr: "" });
  expect(await run(rollMain, ["-h"], NO_CONFIG)).toEqual({ status: 0, stdout: expect.stringMatching(/^usage: npm run roll /), stderr: "" });
});

describe("npm run roll: bad arguments stop before anything runs", () => {
  test.each([
    [[], /^usage: npm run roll -- <clusterName> <master-N\|worker-N\|bootstrap>/],
    [["demo", "node-1"], /^"node-1" is not a machine: give master-<n>, worker-<n> or bootstrap/],
    [["demo", "master-1", "--force"], /^unknown option --force/],
  ])("%j", async (args, message) => {
    const r = await run(rollMain, args, NO_CONFIG);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});
