import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { loadClusterFile } from "../../src/cluster-file";
import { machineConfigUrl, nodePointer } from "../../src/machines/ignition";
import { userDataProblem } from "../../src/validation/machines";
import { runSynth } from "../../test-support/cli";
import { EXAMPLE_INSTALL_DIR, tempDir } from "../../test-support/paths";

/**
 * Every file the product reads is a regular file within a size bound, and a bad one is one line
 * naming that file (and the field inside it), never a hang, a trace or a huge allocation.
 */

const CA_FIELD = "ignition.security.tls.certificateAuthorities[0].source";
const CLUSTER = "installDir: ./install\nmachines:\n  rhcosAmi: ami-0123456789abcdef0\n";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A copy of the example's install folder beside a cluster file that uses it. */
function fixture(): { dir: string; file: string; install: string } {
  const dir = tempDir();
  dirs.push(dir);
  const install = path.join(dir, "install");
  fs.cpSync(EXAMPLE_INSTALL_DIR, install, { recursive: true });
  const file = path.join(dir, "cluster.yaml");
  fs.writeFileSync(file, CLUSTER);
  return { dir, file, install };
}

function replace(file: string, make: (at: string) => void) {
  fs.rmSync(file, { recursive: true, force: true });
  make(file);
}

const mkfifo = (at: string) => execFileSync("mkfifo", [at]);

/** master.ign with its CA data URL holding `pem`. */
function setCa(install: string, pem: string | ((ca: string) => string)) {
  const file = path.join(install, "master.ign");
  const ign = JSON.parse(fs.readFileSync(file, "utf8"));
  const source: string = ign.ignition.security.tls.certificateAuthorities[0].source;
  const ca = Buffer.from(source.slice(source.indexOf(",") + 1), "base64").toString();
  const text = typeof pem === "string" ? pem : pem(ca);
  ign.ignition.security.tls.certificateAuthorities[0].source = `data:text/plain;charset=utf-8;base64,${Buffer.from(text).toString("base64")}`;
  fs.writeFileSync(file, JSON.stringify(ign));
}

const PRIVATE_KEY = execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], { encoding: "utf8" });

type Row = [what: string, asset: string, field: string, mutate: (install: string) => void, message: RegExp];

const rows: Row[] = [
  ["bootstrap.ign is a folder", "bootstrap.ign", "", (i) => replace(path.join(i, "bootstrap.ign"), (f) => fs.mkdirSync(f)), /^is a folder, not a regular file$/],
  ["bootstrap.ign is a named pipe", "bootstrap.ign", "", (i) => replace(path.join(i, "bootstrap.ign"), mkfifo), /^is a named pipe, not a regular file$/],
  ["bootstrap.ign is empty", "bootstrap.ign", "", (i) => fs.writeFileSync(path.join(i, "bootstrap.ign"), ""), /^is empty; run openshift-install create ignition-configs again$/],
  ["bootstrap.ign is not JSON", "bootstrap.ign", "", (i) => fs.writeFileSync(path.join(i, "bootstrap.ign"), "not json\n"), /^is not valid JSON \(.*\)$/s],
  ["bootstrap.ign is a JSON list", "bootstrap.ign", "", (i) => fs.writeFileSync(path.join(i, "bootstrap.ign"), "[]"), /^must be a JSON object \(got \[\]\)$/],
  [
    "bootstrap.ign is not Ignition",
    "bootstrap.ign",
    "ignition.version",
    (i) => fs.writeFileSync(path.join(i, "bootstrap.ign"), '{"kind":"Config"}'),
    /^must be an Ignition 3 config version such as "3.2.0"/,
  ],
  [
    "bootstrap.ign is Ignition 2",
    "bootstrap.ign",
    "ignition.version",
    (i) => fs.writeFileSync(path.join(i, "bootstrap.ign"), '{"ignition":{"version":"2.2.0"}}'),
    /\(got "2.2.0"\)$/,
  ],
  [
    "bootstrap.ign links out of the folder",
    "bootstrap.ign",
    "",
    (i) => replace(path.join(i, "bootstrap.ign"), (f) => fs.symlinkSync("/etc/hostname", f)),
    /^is a link to \/etc\/hostname, outside the install folder; copy the file into .* instead$/,
  ],
  [
    "bootstrap.ign of 100 MB",
    "bootstrap.ign",
    "",
    (i) => fs.writeFileSync(path.join(i, "bootstrap.ign"), Buffer.alloc(100 * 1000 * 1000, " ")),
    /^is 95\.4 MiB; at most 32 MiB is read \(it is uploaded to S3 and fetched whole at boot; real ones are a few MiB\)$/,
  ],
  ["metadata.json is a named pipe", "metadata.json", "", (i) => replace(path.join(i, "metadata.json"), mkfifo), /^is a named pipe, not a regular file$/],
  [
    "metadata.json is null",
    "metadata.json",
    "",
    (i) => fs.writeFileSync(path.join(i, "metadata.json"), "null"),
    /^must be a JSON object with clusterName, infraID and aws.region \(got null\)$/,
  ],
  [
    "master.ign CA is a private key",
    "master.ign",
    CA_FIELD,
    (i) => setCa(i, PRIVATE_KEY),
    /^holds a PRIVATE KEY block; only CA certificates \(PEM CERTIFICATE blocks\) belong here$/,
  ],
  ["master.ign CA with a private key after it", "master.ign", CA_FIELD, (i) => setCa(i, (ca) => ca + PRIVATE_KEY), /^holds a PRIVATE KEY block/],
  ["master.ign CA is not PEM", "master.ign", CA_FIELD, (i) => setCa(i, "just text"), /^holds no PEM CERTIFICATE block$/],
  ["master.ign CA with text around it", "master.ign", CA_FIELD, (i) => setCa(i, (ca) => `${ca}trailing words\n`), /^holds text outside its PEM CERTIFICATE blocks$/],
  [
    "master.ign CA block is not a certificate",
    "master.ign",
    CA_FIELD,
    (i) => setCa(i, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
    /^certificate 1 of 1 is not a valid X.509 certificate$/,
  ],
  [
    "master.ign CA is not a data URL",
    "master.ign",
    CA_FIELD,
    (i) => {
      const file = path.join(i, "master.ign");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/"data:[^"]*"/, '"https://ca.example.com/ca.pem"'));
    },
    /^must be a data URL holding the cluster CA/,
  ],
];

describe("reading installDir's files", () => {
  test.each(rows)("%s: one line naming %s", (_what, asset, field, mutate, message) => {
    const { file, install } = fixture();
    mutate(install);
    let error: unknown;
    try {
      loadClusterFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: path.join(install, asset), path: field });
    expect(problems[0].message).toMatch(message);
    expect((error as ConfigError).message.split("\n")).toHaveLength(1);
  });

  test("a CA bundle of several certificates is kept as it is", () => {
    const { file, install } = fixture();
    setCa(install, (ca) => ca + ca);
    const [cluster] = loadClusterFile(file).clusters;
    expect(
      Buffer.from(cluster.assets!.masterCa.split(",")[1], "base64")
        .toString()
        .match(/BEGIN CERTIFICATE/g),
    ).toHaveLength(2);
  });

  test("a CA bundle of valid certificates too large for EC2's 16 KB of user data", () => {
    const { file, install } = fixture();
    setCa(install, (ca) => ca.repeat(16));
    expect(() => loadClusterFile(file)).toThrow(/^\S*cluster\.yaml:1: installDir: master\.ign's CA makes the user data \d+ bytes; EC2 allows 16384 \(16 KB\)/);
  });

  test("user data of exactly EC2's 16384 bytes is accepted, one byte more is not", () => {
    const pointer = (ca: string) => nodePointer(machineConfigUrl("demo.example.com", "master"), ca);
    const atLimit = `data:,${"a".repeat(16384 - Buffer.byteLength(pointer("data:,")))}`;
    expect(Buffer.byteLength(pointer(atLimit))).toBe(16384);
    expect(userDataProblem(pointer(atLimit))).toBeUndefined();
    expect(userDataProblem(pointer(`${atLimit}a`))).toBe("makes the user data 16385 bytes; EC2 allows 16384 (16 KB)");
  });

  test("an installDir holding control characters is echoed on one line", () => {
    const { file } = fixture();
    fs.writeFileSync(file, CLUSTER.replace("./install", '"\\t\\nnowhere"'));
    expect(() => loadClusterFile(file)).toThrow(/^\S+cluster\.yaml:1: installDir: cannot read \S+\\t\\nnowhere \(no such folder\)$/);
  });

  test("a symbolic link inside the folder is followed", () => {
    const { file, install } = fixture();
    fs.renameSync(path.join(install, "bootstrap.ign"), path.join(install, "bootstrap-real.ign"));
    fs.symlinkSync("bootstrap-real.ign", path.join(install, "bootstrap.ign"));
    const [cluster] = loadClusterFile(file).clusters;
    expect(cluster.assets!.bootstrapIgnitionFile).toBe(fs.realpathSync(path.join(install, "bootstrap-real.ign")));
  });
});

describe("reading the cluster file", () => {
  // Through the real CLI: a regression here is a hang or a runaway read, not a wrong message.
  test.each([
    ["a named pipe", (dir: string) => (mkfifo(path.join(dir, "c.yaml")), path.join(dir, "c.yaml")), /the cluster file is a named pipe, not a regular file$/],
    ["/dev/zero", () => "/dev/zero", /the cluster file is a device, not a regular file$/],
    ["a folder", (dir: string) => dir, /the cluster file is a folder, not a regular file$/],
    [
      "a 20 MB tags map",
      (dir: string) => {
        const tags = Array.from({ length: 1_000_000 }, (_, i) => `  key${i}: value${i}`).join("\n");
        fs.writeFileSync(path.join(dir, "c.yaml"), `${CLUSTER}tags:\n${tags}\n`);
        return path.join(dir, "c.yaml");
      },
      /the cluster file is 2\d\.\d MiB; at most 1 MiB is read \(a cluster file, even for a large fleet, is far smaller\)$/,
    ],
  ])("%s is refused at once", (_what, make, message) => {
    const dir = tempDir();
    dirs.push(dir);
    const config = make(dir);
    const started = Date.now();
    const r = runSynth({ CLUSTER_CONFIG: config, CDKTF_OUTDIR: path.join(dir, "out") });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^${config}: `))]);
    expect(r.stderr.trim()).toMatch(message);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
