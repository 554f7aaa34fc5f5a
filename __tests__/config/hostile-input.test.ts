import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { oneLine, terminalSafe } from "../../src/config/errors";
import { loadClusterFile } from "../../src/cluster-file";
import { shownPath } from "../../src/config/read-file";
import { caCertificate, pemDataUrl } from "../../test-support/certificates";
import { EXAMPLE_INSTALL_DIR, tempDir } from "../../test-support/paths";
import { refusal } from "../../test-support/refusal";

/**
 * The classes a second hostile-input corpus found accepted though wrong (issue 22), one row per
 * class: each is refused in-process with one line naming the field and saying the limit or the
 * fix, or (legal, but surely not meant) loads with a warning naming it. Valid input of the same
 * neighbourhood loads.
 */

const AMI = "ami-0123456789abcdef0";
const base = { installDir: EXAMPLE_INSTALL_DIR, machines: { rhcosAmi: AMI } };
const withBase = (o: Record<string, any>) => ({ ...base, ...o, machines: { ...base.machines, ...(o.machines ?? {}) } });
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const s3 = (o: Record<string, unknown>) => withBase({ backend: { type: "s3", s3: { bucket: "my-state", ...o } } });
const cloud = (o: Record<string, unknown>) => withBase({ backend: { type: "cloud", cloud: { organization: "org", ...o } } });
const endpoint = (service: string, url: string, more: Record<string, unknown> = {}) => withBase({ aws: { serviceEndpoints: { [service]: url }, ...more } });
const yaml = (text: string) => `installDir: ${EXAMPLE_INSTALL_DIR}\nmachines:\n  rhcosAmi: ${AMI}\n${text}`;

/** An install folder like the example's, with master.ign's CA list replaced. */
function installDirWithCas(name: string, cas: string[]): string {
  const target = path.join(dir, name);
  fs.cpSync(EXAMPLE_INSTALL_DIR, target, { recursive: true });
  const master = JSON.parse(fs.readFileSync(path.join(target, "master.ign"), "utf8"));
  master.ignition.security.tls.certificateAuthorities = cas.map((source) => ({ source }));
  fs.writeFileSync(path.join(target, "master.ign"), JSON.stringify(master));
  return target;
}
function installDirWithVersion(name: string, version: string): string {
  const target = path.join(dir, name);
  fs.cpSync(EXAMPLE_INSTALL_DIR, target, { recursive: true });
  const ign = JSON.parse(fs.readFileSync(path.join(target, "bootstrap.ign"), "utf8"));
  ign.ignition.version = version;
  fs.writeFileSync(path.join(target, "bootstrap.ign"), JSON.stringify(ign));
  return target;
}
const DAY = 86_400_000;
const now = Date.now();

/** [class, the file, the exact start of the line after `<file>[:line]: `, the rest of the message]. */
type Row = [string, Record<string, any> | string | (() => Record<string, any>), string, RegExp];

const rows: Row[] = [
  // YAML and JavaScript semantics
  [
    "a key given twice through an alias",
    yaml("tags:\n  team: &k publish\n*k : Internal\npublish: External\n"),
    "",
    /the key "publish" is given twice, once through the alias \*k; YAML keeps only the last/,
  ],
  ["an alias to an anchor never set", yaml("publish: *nowhere\n"), "", /the alias \*nowhere names no anchor set before it/],
  ["__proto__ in tags", yaml("tags:\n  __proto__: x\n"), "tags.__proto__: ", /keys named __proto__ are refused/],
  [
    "__proto__ in serviceEndpoints",
    yaml("aws:\n  serviceEndpoints:\n    __proto__: https://x.example.com\n"),
    "aws.serviceEndpoints.__proto__: ",
    /keys named __proto__ are refused/,
  ],
  ["an empty key", yaml('tags:\n  "": x\n'), 'tags[""]: ', /keys must be 1 to 128 characters/],
  ["-.inf echoed as itself", yaml("network:\n  subnetBits: -.inf\n"), "network.subnetBits: ", /\(got -Infinity\)/],
  [
    ".NaN echoed as itself",
    yaml("machines:\n  rhcosAmi: ami-0123456789abcdef0\n  compute:\n    replicas: .NaN\n").replace(`machines:\n  rhcosAmi: ${AMI}\n`, ""),
    "machines.compute.replicas: ",
    /\(got NaN\)/,
  ],
  // Terraform template sequences
  [
    "${ in the state key prefix",
    s3({ keyPrefix: "clusters/${var.env}" }),
    "backend.s3.keyPrefix: ",
    /holds \$\{, a Terraform template sequence: Terraform would read it as an expression/,
  ],
  ["%{ in an HCP project", cloud({ project: "p%{ if true }x" }), "backend.cloud.project: ", /holds %\{, a Terraform template sequence/],
  ["${ in an endpoint", endpoint("ec2", "https://ec2.${data.x}.example.com"), "aws.serviceEndpoints.ec2: ", /holds \$\{, a Terraform template sequence/],
  ["${ in an edge zone name", withBase({ network: { edgeZones: [{ name: "${x}", type: "local-zone" }] } }), "network.edgeZones[0].name: ", /holds \$\{/],
  // Tags, HCP, ARNs
  [
    "tag keys differing only in case",
    withBase({ tags: { Team: "a", team: "b" } }),
    "tags.team: ",
    /differs from the tag key "Team" only in case; IAM treats tag keys case-insensitively/,
  ],
  ["an HCP project name with /", cloud({ project: "team/prod" }), "backend.cloud.project: ", /HCP Terraform project name: 3 to 40 letters, digits, '-', '_' and spaces/],
  ["an HCP project name too long", cloud({ project: "p".repeat(41) }), "backend.cloud.project: ", /3 to 40/],
  [
    "an IAM ARN with a region",
    withBase({ iam: { permissionsBoundaryArn: "arn:aws:iam:us-east-1:123456789012:policy/b" } }),
    "iam.permissionsBoundaryArn: ",
    /must not name a region: IAM is global/,
  ],
  [
    "a KMS key ARN without a region",
    withBase({ machines: { compute: { rootVolume: { kmsKeyArn: "arn:aws:kms::123456789012:key/abc" } } } }),
    "machines.compute.rootVolume.kmsKeyArn: ",
    /must name its region/,
  ],
  [
    "aws as the account of a KMS key",
    withBase({ machines: { compute: { rootVolume: { kmsKeyArn: "arn:aws:kms:us-east-1:aws:key/abc" } } } }),
    "machines.compute.rootVolume.kmsKeyArn: ",
    /must name a 12-digit account ID/,
  ],
  [
    "a KMS ARN whose region is of another partition",
    s3({ kmsKeyId: "arn:aws:kms:cn-north-1:123456789012:key/abc" }),
    "backend.s3.kmsKeyId: ",
    /names region cn-north-1, which is not in partition aws/,
  ],
  // Endpoints and hosts
  [
    "an http S3 endpoint",
    endpoint("s3", "http://s3.internal.example.com"),
    "aws.serviceEndpoints.s3: ",
    /must be https: the ignition bucket's policy refuses requests without TLS, so the bootstrap node would get 403/,
  ],
  ["an IP S3 endpoint without path style", endpoint("s3", "https://10.0.0.5"), "aws.serviceEndpoints.s3: ", /is an IP address: .* set aws.s3UsePathStyle: true/],
  ["credentials in an endpoint", endpoint("sts", "https://user:secret@sts.example.com"), "aws.serviceEndpoints.sts: ", /must not hold credentials/],
  [
    "an endpoint of another region",
    endpoint("ec2", "https://ec2.eu-west-1.amazonaws.com"),
    "aws.serviceEndpoints.ec2: ",
    /is an endpoint of region eu-west-1; the cluster is in us-east-1/,
  ],
  ["an endpoint of another partition", endpoint("s3", "https://s3.cn-north-1.amazonaws.com.cn"), "aws.serviceEndpoints.s3: ", /is an endpoint of partition aws-cn/],
  [
    "a global endpoint of another partition's domain",
    endpoint("iam", "https://iam.amazonaws.com.cn"),
    "aws.serviceEndpoints.iam: ",
    /is an endpoint under amazonaws.com.cn, but region us-east-1 is served under amazonaws.com/,
  ],
  ["an empty label in an endpoint host", endpoint("ec2", "https://ec2..example.com"), "aws.serviceEndpoints.ec2: ", /has an empty label in its host name/],
  [
    "a port above 65535 in an endpoint",
    endpoint("ec2", "https://ec2.example.com:70000"),
    "aws.serviceEndpoints.ec2: ",
    /ec2: has port 70000; ports are 1 to 65535 \(got "https:\/\/ec2\.example\.com:70000"\)$/,
  ],
  [
    "a port above 65535 in the S3 backend's endpoint",
    () => ({ ...s3({}), aws: { serviceEndpoints: { s3: "https://user@[fd00::1]:99999/" }, s3UsePathStyle: true } }),
    "aws.serviceEndpoints.s3: ",
    /: has port 99999; ports are 1 to 65535/,
  ],
  [
    "port 0 in an endpoint",
    endpoint("sts", "https://sts.example.com:0/"),
    "aws.serviceEndpoints.sts: ",
    /: has port 0; ports are 1 to 65535 \(got "https:\/\/sts\.example\.com:0\/"\)$/,
  ],
  ["an empty label in the HCP host name", cloud({ hostname: "app..terraform.io" }), "backend.cloud.hostname: ", /must be a host name .* with no empty label/],
  ["a port above 65535 in the HCP host name", cloud({ hostname: "tfe.example.com:70000" }), "backend.cloud.hostname: ", /has port 70000; ports are 1 to 65535/],
  // Install folder
  [
    "a CA that expired",
    () => ({ ...base, installDir: installDirWithCas("expired", [pemDataUrl(caCertificate(new Date(now - 400 * DAY), new Date(now - 30 * DAY)))]) }),
    "certificateAuthorities[0].source: ",
    /certificate 1 of 1 expired on \d{4}-\d\d-\d\d; run openshift-install create ignition-configs again/,
  ],
  [
    "a CA not yet valid",
    () => ({ ...base, installDir: installDirWithCas("future", [pemDataUrl(caCertificate(new Date(now + 30 * DAY), new Date(now + 400 * DAY)))]) }),
    "certificateAuthorities[0].source: ",
    /is not valid before \d{4}-\d\d-\d\d; check this machine's clock/,
  ],
  [
    "a second CA that expired",
    () => ({
      ...base,
      installDir: installDirWithCas("second-expired", [
        pemDataUrl(caCertificate(new Date(now - DAY), new Date(now + DAY))),
        pemDataUrl(caCertificate(new Date(now - 9 * DAY), new Date(now - 2 * DAY))),
      ]),
    }),
    "certificateAuthorities[1].source: ",
    /expired/,
  ],
  // Versions of no Ignition spec: one line naming the file and field, listing those Ignition knows.
  ...(
    [
      ["with a suffix", "3.2.0x"],
      ["with a leading zero", "3.02.0"],
      ["of no spec yet", "3.9.0"],
      ["with a patch level no spec has", "3.2.1"],
      ["experimental, of a spec Ignition has since made stable", "3.5.0-experimental"],
      ["experimental, of no spec", "3.0.0-experimental"],
      ["of Ignition 4", "4.0.0"],
    ] as const
  ).map(([what, version], i): Row => [
    `an Ignition version ${what}`,
    () => ({ ...base, installDir: installDirWithVersion(`v-${i}`, version) }),
    "bootstrap.ign: ignition.version: ",
    new RegExp(
      `/bootstrap\\.ign: ignition\\.version: must be an Ignition 3 config version such as "3\\.2\\.0", as openshift-install 4\\.6 and later writes; ` +
        `Ignition knows 3\\.0\\.0, 3\\.1\\.0, 3\\.2\\.0, 3\\.3\\.0, 3\\.4\\.0, 3\\.5\\.0, 3\\.6\\.0, 3\\.6\\.0-experimental, 3\\.7\\.0-experimental \\(got "${version.replace(/\./g, "\\.")}"\\)$`,
    ),
  ]),
  // Bounds and breadth
  [
    "1000 edge zones",
    withBase({ network: { edgeZones: Array.from({ length: 1000 }, (_, i) => ({ name: `us-east-1-z${i}-1a`, type: "local-zone" })) } }),
    "network.edgeZones: ",
    /must hold 50 zones at most/,
  ],
  [
    "bootstrap sources as broad as 0.0.0.0/2",
    withBase({ machines: { bootstrap: { allowedCidrs: ["0.0.0.0/2"] } } }),
    "machines.bootstrap.allowedCidrs[0]: ",
    /opens the bootstrap node's ports 22 and 19531 to 1,073,741,824 addresses; name the admin networks, each \/8 or narrower/,
  ],
];

test.each(rows)("%s: refused in one line naming the field", (_what, content, field, message) => {
  const { file, lines } = refusal(dir, typeof content === "function" ? content() : content);
  const hit = lines.find((l) => (field ? l.includes(field) : l.startsWith(file)) && message.test(l));
  expect({ hit, lines }).toEqual({ hit: expect.any(String), lines });
  for (const line of lines) expect(line).not.toMatch(/^\s+at |Error:/);
});

/** Loads `content`; its warnings. */
function load(content: Record<string, any> | string, name = "ok.yaml") {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === "string" ? content : stringify(content));
  return loadClusterFile(file);
}

describe("valid input is never refused", () => {
  test("a fleet entry's backend.s3 merges with the shared one", () => {
    const { clusters } = load({
      ...base,
      backend: { type: "s3", s3: { region: "us-west-2", keyPrefix: "ocp" } },
      clusters: [
        { clusterName: "a", infraId: "a-1", backend: { s3: { bucket: "state-a" } } },
        { clusterName: "b", infraId: "b-1", backend: { s3: { bucket: "state-b", keyPrefix: "other" } } },
      ],
    });
    expect(clusters.map((c) => c.backend.s3)).toEqual([
      expect.objectContaining({ bucket: "state-a", region: "us-west-2", keyPrefix: "ocp" }),
      expect.objectContaining({ bucket: "state-b", region: "us-west-2", keyPrefix: "other" }),
    ]);
  });

  test("a required field that neither the shared fields nor an entry give is reported for that entry", () => {
    const { lines } = refusal(dir, {
      ...base,
      backend: { type: "s3", s3: { region: "us-west-2" } },
      clusters: [
        { clusterName: "a", infraId: "a-1", backend: { s3: { bucket: "state-a" } } },
        { clusterName: "b", infraId: "b-1" },
      ],
    });
    expect(lines).toEqual([expect.stringMatching(/: backend\.s3\.bucket: is required \(for clusters\[1\]\)$/)]);
  });

  test("an inherited bad value names the entries it breaks, once", () => {
    const { lines } = refusal(dir, {
      ...base,
      network: { vpcCidr: "10.0.0.1/16" },
      clusters: [
        { clusterName: "a", infraId: "a-1" },
        { clusterName: "b", infraId: "b-1" },
      ],
    });
    expect(lines).toEqual([expect.stringMatching(/: network\.vpcCidr: .*host bits set.* \(for clusters\[0\], clusters\[1\]\)$/)]);
  });

  test.each([
    ["a KMS alias ARN", "arn:aws:kms:us-east-1:123456789012:alias/terraform-state"],
    ["a bare key id", "1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["a multi-Region key id", "mrk-1234abcd12ab34cd56ef1234567890ab"],
    ["an alias name", "alias/terraform-state"],
  ])("backend.s3.kmsKeyId: %s", (_what, kmsKeyId) => {
    expect(load(s3({ kmsKeyId })).clusters[0].backend.s3?.kmsKeyId).toBe(kmsKeyId);
  });

  test("an AWS-managed permissions boundary (account aws)", () => {
    expect(load(withBase({ iam: { permissionsBoundaryArn: "arn:aws:iam::aws:policy/PowerUserAccess" } })).clusters).toHaveLength(1);
  });

  test("an http S3 endpoint on this machine (an emulator), with path style", () => {
    expect(load(endpoint("s3", "http://127.0.0.1:5000", { s3UsePathStyle: true })).clusters).toHaveLength(1);
  });

  test("an HCP project with inner spaces, and a host with a port", () => {
    expect(load(cloud({ project: "Default Project", hostname: "tfe.example.com:8443" })).clusters).toHaveLength(1);
  });

  test("every CA of master.ign is kept, as one bundle", () => {
    const first = caCertificate(new Date(now - DAY), new Date(now + 365 * DAY), "first");
    const second = caCertificate(new Date(now - DAY), new Date(now + 365 * DAY), "second");
    const { clusters } = load({ ...base, installDir: installDirWithCas("two-cas", [pemDataUrl(first), pemDataUrl(second)]) });
    const ca = clusters[0].assets!.masterCa;
    const bundle = Buffer.from(ca.slice(ca.indexOf(",") + 1), "base64").toString();
    expect(bundle).toBe(`${first.trim()}\n${second.trim()}\n`);
  });

  test.each(["3.0.0", "3.1.0", "3.2.0", "3.5.0", "3.6.0", "3.6.0-experimental", "3.7.0-experimental"])("Ignition config version %s", (version) => {
    expect(load({ ...base, installDir: installDirWithVersion(`ok-${version}`, version) }).clusters).toHaveLength(1);
  });
});

describe("legal but surely not meant: a warning naming the field", () => {
  test("an instance type the AWS SDK does not know", () => {
    const { warnings } = load(withBase({ machines: { compute: { instanceType: "foo.bar" } } }));
    expect(warnings).toEqual([
      expect.stringMatching(
        /: warning: machines\.compute\.instanceType: "foo\.bar" is not an EC2 instance type known to the AWS SDK \(@aws-sdk\/client-ec2 [\d.]+\); check the name/,
      ),
    ]);
  });

  // The example folder records clusterName demo, infraID demo-x7k2p, aws.region us-east-1 and (master.ign) api-int.demo.example.com.
  const contradictions: [string, Record<string, any>, string][] = [
    [
      "clusterName",
      { clusterName: "other" },
      `"other" contradicts "demo" in installDir (${shownPath(path.join(EXAMPLE_INSTALL_DIR, "metadata.json"))}: clusterName): the folder's Ignition configs and certificates were made for the cluster demo.example.com: machines sent to api-int.other.example.com would fail its TLS check and never join; set it to "demo" or remove it, or give installDir this cluster's own folder`,
    ],
    [
      "baseDomain",
      { baseDomain: "example.org" },
      `"example.org" contradicts "example.com" in installDir (${shownPath(path.join(EXAMPLE_INSTALL_DIR, "master.ign"))}: ignition.config.merge[0].source): the folder's Ignition configs and certificates were made for the cluster demo.example.com: machines sent to api-int.demo.example.org would fail its TLS check and never join; set it to "example.com" or remove it, or give installDir this cluster's own folder`,
    ],
    [
      "infraId",
      { infraId: "Demo-x7k2p" },
      `"Demo-x7k2p" contradicts "demo-x7k2p" in installDir (${shownPath(path.join(EXAMPLE_INSTALL_DIR, "metadata.json"))}: infraID): its bootstrap.ign makes a cluster that finds its AWS resources by the tag kubernetes.io/cluster/demo-x7k2p, and those made here carry kubernetes.io/cluster/Demo-x7k2p; set it to "demo-x7k2p" or remove it, or give installDir this cluster's own folder`,
    ],
    [
      "region",
      { region: "us-gov-west-1" },
      `"us-gov-west-1" contradicts "us-east-1" in installDir (${shownPath(path.join(EXAMPLE_INSTALL_DIR, "metadata.json"))}: aws.region): its bootstrap.ign makes a cluster that looks for its machines and load balancers in us-east-1, and they would be made in us-gov-west-1; set it to "us-east-1" or remove it, or give installDir this cluster's own folder`,
    ],
  ];
  test.each(contradictions)("an explicit %s that contradicts the install folder", (field, given, message) => {
    const { warnings } = load(withBase(given), "identity.yaml");
    expect(warnings).toEqual([`${path.join(dir, "identity.yaml")}:4: warning: ${field}: ${message}`]);
  });

  test("identity fields equal to the install folder's (names as DNS reads them, ignoring case) get no warning", () => {
    const same = { clusterName: "Demo", baseDomain: "example.com", infraId: "demo-x7k2p", region: "us-east-1" };
    expect(load(withBase(same)).warnings).toEqual([]);
  });

  test("without machines the folder's Ignition configs are never used: no warning", () => {
    const off = { bootstrap: { enabled: false }, controlPlane: { replicas: 0 }, compute: { replicas: 0 } };
    expect(load(withBase({ clusterName: "other", infraId: "other-1", machines: off })).warnings).toEqual([]);
  });

  test("fleet entries sharing one install folder: each contradiction named at its entry", () => {
    const { warnings } = load({ ...base, clusters: [{ clusterName: "demo" }, { clusterName: "b", infraId: "b-1", network: { vpcCidr: "10.1.0.0/16" } }] }, "fleet.yaml");
    expect(warnings.map((w) => w.split(": ").slice(1, 4).join(": "))).toEqual([
      'warning: clusters[1].clusterName: "b" contradicts "demo" in installDir (' + `${shownPath(path.join(EXAMPLE_INSTALL_DIR, "metadata.json"))}`,
      'warning: clusters[1].infraId: "b-1" contradicts "demo-x7k2p" in installDir (' + `${shownPath(path.join(EXAMPLE_INSTALL_DIR, "metadata.json"))}`,
    ]);
  });

  test("terminal control sequences and bidirectional overrides are escaped", () => {
    expect(oneLine("a\u001b[31mred\u009b2J\u202eevil")).toBe("a\\u001b[31mred\\u009b2J\\u202eevil");
    expect(terminalSafe("one \u001b]0;title\u0007\ntwo")).toBe("one \\u001b]0;title\\u0007\ntwo");
  });
});
