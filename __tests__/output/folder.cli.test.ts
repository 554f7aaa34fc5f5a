import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { replaceOutput } from "../../src/output/folder";
import { OUTPUT_RECORD_FILE, readOutputRecord } from "../../src/output/record";
import { synthesize } from "../../src/synth";
import { RUN, runSynth } from "../../test-support/cli";
import { EXAMPLE_INSTALL_DIR, ROOT, tempDir } from "../../test-support/paths";
import { treeDigest } from "../../test-support/tree-digest";

/**
 * Synth replaces its output folder whole, so the folder it replaces must only ever be a previous
 * output holding nothing else. Each refused folder is one line, exit 1, and the whole project
 * folder (inputs, earlier output, the user's files) is left byte for byte as it was.
 */

const CLUSTER = "installDir: ./install\nmachines:\n  rhcosAmi: ami-0123456789abcdef0\n";

let template: string;

beforeAll(() => {
  // A project folder with a previous output in `out`, copied for each case.
  template = tempDir("upi-outdir-");
  fs.cpSync(EXAMPLE_INSTALL_DIR, path.join(template, "install"), { recursive: true });
  fs.writeFileSync(path.join(template, "cluster.yaml"), CLUSTER);
  fs.writeFileSync(path.join(template, "notes.txt"), "the user's notes\n");
  fs.mkdirSync(path.join(template, "photos"));
  fs.writeFileSync(path.join(template, "photos", "cat.jpg"), "meow");
  synthesize(path.join(template, "cluster.yaml"), path.join(template, "out"));
});

const dirs: string[] = [];
afterAll(() => [template, ...dirs].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function project(): string {
  const dir = tempDir("upi-outdir-");
  dirs.push(dir);
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

type Row = [what: string, outdir: string, prepare: (dir: string) => void, line: string];
const none = () => undefined;
const WHOLE = "synth replaces the output folder whole";

const rows: Row[] = [
  ["an existing file", "notes.txt", none, `notes.txt: is a file, not an output folder; ${WHOLE}, so it would be lost`],
  ["the cluster file", "cluster.yaml", none, `cluster.yaml: cannot be the cluster file cluster.yaml; ${WHOLE}`],
  ["the installDir folder", "install", none, `install: cannot be the installDir folder install; ${WHOLE}`],
  ["the working folder", ".", none, `.: cannot contain the cluster file cluster.yaml; ${WHOLE}`],
  ["a folder holding the working folder", "..", none, `..: cannot contain the cluster file cluster.yaml; ${WHOLE}`],
  ["a folder inside installDir", "install/out", none, "install/out: cannot lie inside the installDir folder install"],
  ["a link to installDir", "link", (d) => fs.symlinkSync("install", path.join(d, "link")), `link: cannot be the installDir folder install; ${WHOLE}`],
  ["a link to nowhere", "dangling", (d) => fs.symlinkSync("nowhere", path.join(d, "dangling")), "dangling: is a symbolic link to something that does not exist"],
  [
    "an existing folder of the user's",
    "photos",
    none,
    `photos: exists and is not an output of this product (no upi-output.json, no cdktf manifest.json beside stacks/); ${WHOLE}, so give a new folder or a previous output`,
  ],
  ["a folder inside a previous output", "out/stacks/extra", none, "out/stacks/extra: cannot lie inside the output folder out; synthesizing that one again would delete it"],
  [
    "a file of the user's in a previous output",
    "out",
    (d) => fs.writeFileSync(path.join(d, "out", "todo.txt"), "keep me"),
    `out/todo.txt: is not part of the synthesized output; ${WHOLE}, so move it elsewhere first`,
  ],
  [
    "a folder of the user's in a previous output",
    "out",
    (d) => fs.mkdirSync(path.join(d, "out", "backup")),
    `out/backup: is not part of the synthesized output; ${WHOLE}, so move it elsewhere first`,
  ],
  [
    "another cluster's diagram in a previous output",
    "out",
    (d) => fs.writeFileSync(path.join(d, "out", "prod.svg"), "<svg/>"),
    `out/prod.svg: is not part of the synthesized output; ${WHOLE}, so move it elsewhere first`,
  ],
  [
    "a file among the stack folders",
    "out",
    (d) => fs.writeFileSync(path.join(d, "out", "stacks", "terraform.demo-network.tfstate"), "{}"),
    `out/stacks/terraform.demo-network.tfstate: is not part of the synthesized output; ${WHOLE}, so move it elsewhere first`,
  ],
  // Terraform would read a .tf of the user's into the stack; synth would delete it with the folder.
  ...(
    [
      ["an override.tf beside cdk.tf.json", "demo-infra/override.tf", "file"],
      ["a terraform.tfvars", "demo-network/terraform.tfvars", "file"],
      ["a folder of the user's in a stack folder", "demo-machines/keep", "folder"],
      ["a stack folder the user made", "my-stack", "folder"],
      ["a folder of another cluster's name", "prod-network", "folder"],
    ] as const
  ).map(([what, inStacks, kind]): Row => [
    what,
    "out",
    (d) => {
      const at = path.join(d, "out", "stacks", inStacks);
      if (kind === "folder") fs.mkdirSync(at, { recursive: true });
      else fs.writeFileSync(at, "# the user's\n");
    },
    `out/stacks/${inStacks}: is not part of the synthesized output; ${WHOLE}, so move it elsewhere first`,
  ]),
  [
    "a previous output of a folder with a foreign record",
    "out",
    (d) => fs.writeFileSync(path.join(d, "out", OUTPUT_RECORD_FILE), '{"product":"something-else"}'),
    `out/${OUTPUT_RECORD_FILE}: is not a record of openshift-upi-aws; ${WHOLE}, so it leaves this folder alone`,
  ],
  [
    "an output of a newer version",
    "out",
    (d) => fs.writeFileSync(path.join(d, "out", OUTPUT_RECORD_FILE), '{"product":"openshift-upi-aws","format":99,"stacks":{}}'),
    `out/${OUTPUT_RECORD_FILE}: is of format 99, written by a newer version of this product (this one writes 1); ${WHOLE}, so it leaves this folder alone`,
  ],
  [
    "state of a stack the new output no longer has",
    "out",
    (d) => {
      // A stack an earlier version or an earlier file wrote, with state Terraform could not push.
      fs.mkdirSync(path.join(d, "out", "stacks", "demo-retired"));
      fs.writeFileSync(path.join(d, "out", "stacks", "demo-retired", "errored.tfstate"), "{}");
    },
    `out/stacks/demo-retired/errored.tfstate: is Terraform state of stack demo-retired, which this synth no longer writes; move it elsewhere first (${WHOLE})`,
  ],
  ["a folder inside the project's sources", path.join(ROOT, "src", "out"), none, `${path.join(ROOT, "src", "out")}: cannot lie inside the project's src folder`],
  ["a folder inside node_modules", path.join(ROOT, "node_modules", "out"), none, `${path.join(ROOT, "node_modules", "out")}: cannot lie inside the project's node_modules folder`],
  ["the project folder", ROOT, none, `${ROOT}: cannot be the project folder; ${WHOLE}`],
  ["a parent that is a file", "notes.txt/out", none, "notes.txt/out: cannot be created: notes.txt is a file, not a folder"],
  // The name is echoed with its newline escaped: one problem, one line.
  [
    "a file whose name holds a newline",
    "old\nnotes",
    (d) => fs.writeFileSync(path.join(d, "old\nnotes"), "x"),
    `old\\nnotes: is a file, not an output folder; ${WHOLE}, so it would be lost`,
  ],
  ["a name too long", `${"n".repeat(250)}`, none, `${"n".repeat(250)}: cannot be written (the path, or a name in it, is too long for the file system)`],
  // A recursive mkdir under /proc loops forever in Node; folders are made one by one.
  ["a folder under /proc", "/proc/upi-test/out", none, "/proc/upi-test/out: cannot be written (no such file)"],
];

describe("an output folder that synth must not replace", () => {
  test.each(rows)("%s: refused in one line, nothing touched", (_what, outdir, prepare, line) => {
    const dir = project();
    prepare(dir);
    const before = treeDigest(dir);
    const r = runSynth({ CLUSTER_CONFIG: "cluster.yaml", CDKTF_OUTDIR: outdir }, dir);
    expect({ status: r.status, stderr: r.stderr.trim().split("\n") }).toEqual({ status: 1, stderr: [line] });
    expect(treeDigest(dir)).toBe(before);
  });

  test("a folder it cannot write: one line, not errno text", () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, "locked"), { mode: 0o555 });
    // Root may write anywhere: there the CLI runs as root without the capabilities that bypass
    // file modes, so the folder's mode holds while the clone stays reachable wherever it lives
    // (another user could not enter a clone below a mode-0700 folder).
    const obeyingModes = process.getuid?.() === 0 ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] : [];
    const command = [...obeyingModes, ...RUN, "main.ts"];
    const r = spawnSync(command[0], command.slice(1), {
      cwd: dir,
      env: { ...process.env, CLUSTER_CONFIG: "cluster.yaml", CDKTF_OUTDIR: "locked/out" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect({ status: r.status, stderr: r.stderr.trim() }).toEqual({ status: 1, stderr: "locked/out: cannot be written (permission denied)" });
  });
});

describe("an output folder that synth replaces", () => {
  const config = (dir: string) => path.join(dir, "cluster.yaml");

  test("a new folder gets the output and its record", () => {
    const dir = project();
    synthesize(config(dir), path.join(dir, "fresh", "out"));
    expect(readOutputRecord(path.join(dir, "fresh", "out"))).toMatchObject({
      product: "openshift-upi-aws",
      format: 1,
      stacks: Object.fromEntries(["demo-network", "demo-infra", "demo-bootstrap", "demo-machines", "demo-ingress"].map((s) => [s, { cluster: "demo" }])),
    });
  });

  test("an empty folder has nothing to lose", () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, "empty"));
    synthesize(config(dir), path.join(dir, "empty"));
    expect(fs.existsSync(path.join(dir, "empty", "manifest.json"))).toBe(true);
  });

  test("an output written before records (manifest.json and stacks/) is taken once, then recorded", () => {
    const dir = project();
    fs.rmSync(path.join(dir, "out", OUTPUT_RECORD_FILE));
    fs.writeFileSync(path.join(dir, "out", "demo.svg"), "<svg/>");
    synthesize(config(dir), path.join(dir, "out"));
    expect(readOutputRecord(path.join(dir, "out"))?.product).toBe("openshift-upi-aws");
  });

  test("Terraform's working files and any state in a stack folder are carried across", () => {
    const dir = project();
    const stack = path.join(dir, "out", "stacks", "demo-network");
    const carried = [".terraform/providers/aws", ".terraform.lock.hcl", "errored.tfstate", "terraform.tfstate.d/blue/terraform.tfstate"];
    for (const f of carried) {
      fs.mkdirSync(path.dirname(path.join(stack, f)), { recursive: true });
      fs.writeFileSync(path.join(stack, f), f);
    }
    synthesize(config(dir), path.join(dir, "out"));
    for (const f of carried) expect(fs.readFileSync(path.join(stack, f), "utf8")).toBe(f);
    expect(fs.readdirSync(dir).filter((f) => /\.(staging|previous)-/.test(f))).toEqual([]);
  });

  test("through a link, the output is replaced where the link points and the link stays", () => {
    const dir = project();
    fs.renameSync(path.join(dir, "out"), path.join(dir, "real-out"));
    fs.symlinkSync("real-out", path.join(dir, "out"));
    synthesize(config(dir), path.join(dir, "out"));
    expect(fs.lstatSync(path.join(dir, "out")).isSymbolicLink()).toBe(true);
    expect(readOutputRecord(path.join(dir, "real-out"))).toBeDefined();
  });

  test("a previous output a killed synth left aside is put back before anything else", () => {
    const dir = project();
    const before = treeDigest(path.join(dir, "out"));
    // What a synth killed between its two renames leaves: no output, the previous one aside.
    fs.renameSync(path.join(dir, "out"), path.join(dir, "out.previous-999999999"));
    fs.writeFileSync(path.join(dir, "out.previous-999999999", "todo.txt"), "keep me");
    const r = runSynth({ CLUSTER_CONFIG: "cluster.yaml", CDKTF_OUTDIR: "out" }, dir);
    // Put back, then checked like any previous output: the user's file stops the swap.
    expect(r.stderr.trim().split("\n")).toEqual([`out/todo.txt: is not part of the synthesized output; ${WHOLE}, so move it elsewhere first`]);
    fs.rmSync(path.join(dir, "out", "todo.txt"));
    expect(treeDigest(path.join(dir, "out"))).toBe(before);
  });
});

describe("the swap's failure paths", () => {
  /** A new output beside `out`, as synth stages it. */
  function staged(dir: string, at = path.join(dir, `out.staging-${process.pid}`)): string {
    fs.cpSync(path.join(dir, "out"), at, { recursive: true });
    fs.writeFileSync(path.join(at, "manifest.json"), '{"stacks":{},"new":true}');
    return at;
  }

  test("when the new output cannot take the old one's place, the old one is put back whole", () => {
    const dir = project();
    const target = path.join(dir, "out");
    const before = treeDigest(target);
    // A staging folder on another file system: renaming it into place fails (EXDEV) after the
    // previous output was renamed aside.
    const other = fs.mkdtempSync(path.join("/dev/shm", "upi-staging-"));
    dirs.push(other);
    expect(fs.statSync(other).dev).not.toBe(fs.statSync(os.tmpdir()).dev);
    const staging = staged(dir, path.join(other, "out"));
    expect(() => replaceOutput(staging, target, "out")).toThrow(/EXDEV/);
    expect(treeDigest(target)).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("out."))).toEqual([]);
  });

  test("when Terraform's files cannot be carried, the previous output is kept whole beside the new one", () => {
    const dir = project();
    const target = path.join(dir, "out");
    fs.mkdirSync(path.join(target, "stacks", "demo-network", ".terraform"));
    fs.writeFileSync(path.join(target, "stacks", "demo-network", ".terraform", "kept"), "x");
    const before = treeDigest(target);
    const staging = staged(dir);
    // Something already where the carried folder goes: the rename fails (ENOTEMPTY).
    fs.mkdirSync(path.join(staging, "stacks", "demo-network", ".terraform"), { recursive: true });
    fs.writeFileSync(path.join(staging, "stacks", "demo-network", ".terraform", "in-the-way"), "y");
    const warnings = replaceOutput(staging, target, "out");
    const previous = `${target}.previous-${process.pid}`;
    expect(warnings).toEqual([`out: could not carry stacks/demo-network/.terraform into the new output; they are kept, with what was not carried, in ${previous}`]);
    expect(treeDigest(previous)).toBe(before);
    expect(fs.readFileSync(path.join(target, "manifest.json"), "utf8")).toContain('"new":true');
  });
});

/**
 * What Terraform, cdktf deploy or npm run plan leave in a previous output, and what a user may put
 * beside synth's own files: each either carried into the new output unchanged or refused in one
 * line, never lost. Synth writes the same output again for the same file, so a carried entry
 * leaves the whole project folder as it was.
 */
describe("a previous output's stack folders: carried or refused, never lost", () => {
  /** The bootstrap stack's asset folder, `assets/<asset>/<hash>`, as cdktf wrote it. */
  const assetFolder = (dir: string) => {
    const assets = path.join(dir, "out", "stacks", "demo-bootstrap", "assets");
    const [asset] = fs.readdirSync(assets);
    const [hash] = fs.readdirSync(path.join(assets, asset));
    return path.join("demo-bootstrap", "assets", asset, hash);
  };
  const put = (dir: string, inStacks: string, content = inStacks) => {
    const at = path.join(dir, "out", "stacks", inStacks);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.writeFileSync(at, content);
  };
  const RUN_LOCK = (stack: string) =>
    `is the lock of a Terraform run on stack ${stack}'s state: wait for that run to end, or delete this file if none is under way (a killed run leaves it behind); ${WHOLE}`;
  const refused = (inStacks: string, why = `is not part of the synthesized output; ${WHOLE}, so move it elsewhere first`) => `out/stacks/${inStacks}: ${why}`;
  const dropped = (file: string, what: string) =>
    refused(`demo-retired/${file}`, `is ${what} of stack demo-retired, which this synth no longer writes; move it elsewhere first (${WHOLE})`);

  /** "carried", or the one line the synth stops with. */
  type Case = [what: string, prepare: (dir: string) => void, outcome: string];
  const cases: Case[] = [
    ...(
      [
        ["Terraform's backup of a replaced state", "demo-network/terraform.tfstate.1700000000.backup"],
        ["the state backup", "demo-network/terraform.tfstate.backup"],
        ["a local state", "demo-infra/terraform.tfstate"],
        ["a state Terraform could not push", "demo-infra/errored.tfstate"],
        ["a workspace's state", "demo-infra/terraform.tfstate.d/blue/terraform.tfstate"],
        ["cdktf deploy's saved plan", "demo-machines/plan"],
        ["npm run plan's saved plan", "demo-machines/upi.tfplan"],
        ["a saved plan as JSON", "demo-machines/roll.tfplan.json"],
        ["Terraform's crash report", "demo-ingress/crash.log"],
        ["Terraform's working folder", "demo-network/.terraform/providers/aws"],
        ["the provider lock file", "demo-network/.terraform.lock.hcl"],
      ] as const
    ).map(([what, inStacks]): Case => [what, (d) => put(d, inStacks), "carried"]),
    ["a .terraform linked to a shared one", (d) => fs.symlinkSync("../../../shared-providers", path.join(d, "out", "stacks", "demo-network", ".terraform")), "carried"],
    ["a file of the user's in assets/", (d) => put(d, "demo-bootstrap/assets/notes.txt"), refused("demo-bootstrap/assets/notes.txt")],
    [
      "a folder of the user's in an asset",
      (d) => put(d, "demo-bootstrap/assets/bootstrap_bootstrap-ign_D0603541/old/bootstrap.ign"),
      refused("demo-bootstrap/assets/bootstrap_bootstrap-ign_D0603541/old"),
    ],
    [
      "a file beside the asset's copy",
      (d) => put(d, `${assetFolder(d)}/zz-notes.txt`),
      refused(`demo-bootstrap/assets/bootstrap_bootstrap-ign_D0603541/AF3603F22771C1CC5B49FEBEB21636B0/zz-notes.txt`),
    ],
    [
      "an asset's copy edited",
      (d) => fs.appendFileSync(path.join(d, "out", "stacks", assetFolder(d), "bootstrap.ign"), " "),
      refused(
        "demo-bootstrap/assets/bootstrap_bootstrap-ign_D0603541/AF3603F22771C1CC5B49FEBEB21636B0/bootstrap.ign",
        `is not the copy synth wrote (its content differs from its folder's hash); ${WHOLE}, so move it elsewhere first`,
      ),
    ],
    [
      "the lock of a running Terraform on a stack's local state",
      (d) => put(d, "demo-ingress/.terraform.tfstate.lock.info"),
      refused("demo-ingress/.terraform.tfstate.lock.info", RUN_LOCK("demo-ingress")),
    ],
    [
      "the lock of a running Terraform beside the state file, beside the output folder, where the product puts it",
      (d) => fs.writeFileSync(path.join(d, ".terraform.demo-network.tfstate.lock.info"), "{}"),
      `.terraform.demo-network.tfstate.lock.info: ${RUN_LOCK("demo-network")}`,
    ],
    ["a file of the user's in moved-from/", (d) => put(d, "demo-network/moved-from/notes.txt"), refused("demo-network/moved-from/notes.txt")],
    ["a .tf of the user's in moved-from/", (d) => put(d, "demo-network/moved-from/override.tf"), refused("demo-network/moved-from/override.tf")],
    // A stack the new output no longer has: what a Terraform run left there stops synth.
    ...(
      [
        ["terraform.tfstate.1700000000.backup", "Terraform state"],
        ["plan", "a saved Terraform plan"],
        ["upi.tfplan", "a saved Terraform plan"],
        ["crash.log", "Terraform's crash report"],
      ] as const
    ).map(([file, what]): Case => [`${file} of a stack the new output no longer has`, (d) => put(d, `demo-retired/${file}`), dropped(file, what)]),
    [
      "the lock of a running Terraform in a stack the new output no longer has",
      (d) => put(d, "demo-retired/.terraform.tfstate.lock.info"),
      refused("demo-retired/.terraform.tfstate.lock.info", RUN_LOCK("demo-retired")),
    ],
  ];

  test.each(cases)("%s", (_what, prepare, outcome) => {
    const dir = project();
    prepare(dir);
    const before = treeDigest(dir);
    const r = runSynth({ CLUSTER_CONFIG: "cluster.yaml", CDKTF_OUTDIR: "out" }, dir);
    if (outcome === "carried") expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    else expect({ status: r.status, stderr: r.stderr.trim().split("\n") }).toEqual({ status: 1, stderr: [outcome] });
    expect(treeDigest(dir)).toBe(before);
  });

  test("what the new synth makes stale is not carried: a saved plan of a stack whose configuration changed, init's files in a moved-from no longer written", () => {
    const dir = project();
    put(dir, "demo-machines/plan");
    put(dir, "demo-network/plan");
    // npm run plan runs init in a stack's moved-from folder; this synth writes none there.
    put(dir, "demo-network/moved-from/.terraform/terraform.tfstate");
    fs.appendFileSync(path.join(dir, "cluster.yaml"), "  compute:\n    replicas: 3\n");
    const r = runSynth({ CLUSTER_CONFIG: "cluster.yaml", CDKTF_OUTDIR: "out" }, dir);
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 0,
      stderr: "out/stacks/demo-machines/plan: saved before this synth changed the configuration; not carried, plan again\n",
    });
    const stacks = path.join(dir, "out", "stacks");
    expect([
      fs.existsSync(path.join(stacks, "demo-machines", "plan")),
      fs.existsSync(path.join(stacks, "demo-network", "plan")),
      fs.existsSync(path.join(stacks, "demo-network", "moved-from")),
    ]).toEqual([false, true, false]);
  });

  test("a dropped stack's Terraform working files are not kept: init makes them again", () => {
    const dir = project();
    put(dir, "demo-retired/.terraform/providers/aws");
    put(dir, "demo-retired/.terraform.lock.hcl");
    const r = runSynth({ CLUSTER_CONFIG: "cluster.yaml", CDKTF_OUTDIR: "out" }, dir);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.existsSync(path.join(dir, "out", "stacks", "demo-retired"))).toBe(false);
  });
});
