import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { subnetBlock, overlaps } from "../../src/validation/cidr";
import { clusterFileJsonSchema } from "../../src/config/json-schema";
import { loadClusterFile } from "../../src/cluster-file";
import { checkoutCopy, documented, runDocumentedOk } from "../../test-support/documented-commands";
import { DEFAULT_CLUSTER_FILE, EXAMPLE_INSTALL_DIR, ROOT, tempDir } from "../../test-support/paths";

function write(content: unknown, name = "cluster.yaml", dir = tempDir()): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === "string" ? content : name.endsWith(".json") ? JSON.stringify(content) : stringify(content));
  return file;
}

/** A copy of the example's install folder, as openshift-install would write it for `clusterName`. */
function installFolder(clusterName: string, infraId: string): string {
  const dir = tempDir();
  fs.cpSync(EXAMPLE_INSTALL_DIR, dir, { recursive: true });
  const metadata = JSON.parse(fs.readFileSync(path.join(dir, "metadata.json"), "utf8"));
  fs.writeFileSync(path.join(dir, "metadata.json"), JSON.stringify({ ...metadata, clusterName, infraID: infraId }));
  const master = fs.readFileSync(path.join(dir, "master.ign"), "utf8");
  fs.writeFileSync(path.join(dir, "master.ign"), master.replace("api-int.demo.", `api-int.${clusterName}.`));
  return dir;
}

describe("loading the cluster file", () => {
  test("the embedded default example: identity from installDir, defaults applied", () => {
    const { clusters, warnings } = loadClusterFile(DEFAULT_CLUSTER_FILE);
    expect(warnings).toEqual([]);
    expect(clusters).toHaveLength(1);
    const [c] = clusters;
    expect(c).toMatchObject({ clusterName: "demo", infraId: "demo-x7k2p", region: "us-east-1", baseDomain: "example.com", publish: "External" });
    expect(c.network).toMatchObject({ vpcCidr: "10.0.0.0/16", subnetBits: 12, availabilityZones: 3, natGateways: "perAz", networkAcl: false, vpcEndpoints: ["s3"] });
    expect(c.machines.controlPlane).toMatchObject({ replicas: 3, instanceType: "m6i.xlarge", rootVolume: { sizeGiB: 120, type: "gp3" } });
    expect(c.machines.bootstrap).toMatchObject({ enabled: true, instanceType: "i3.large", allowedCidrs: [] });
    expect(c.assets!.masterCa).toMatch(/^data:text\/plain;charset=utf-8;base64,/);
    expect(c.backend.type).toBe("local");
  });

  test("installDir is relative to the file's folder, and explicit fields win over it", () => {
    const dir = tempDir();
    fs.cpSync(EXAMPLE_INSTALL_DIR, path.join(dir, "assets"), { recursive: true });
    const file = write({ installDir: "./assets", clusterName: "other", region: "eu-west-1", machines: { rhcosAmi: "ami-0123456789abcdef0" } }, "c.yaml", dir);
    const { clusters, warnings } = loadClusterFile(file);
    const [c] = clusters;
    expect(c).toMatchObject({ clusterName: "other", infraId: "demo-x7k2p", region: "eu-west-1", baseDomain: "example.com" });
    // They win, but the folder's Ignition configs were made for the cluster it records: said, not refused.
    expect(warnings.map((w) => w.split(" contradicts ")[0])).toEqual([`${file}:2: warning: clusterName: "other"`, `${file}:3: warning: region: "eu-west-1"`]);
    expect(c.assets!.dir).toBe(path.join(dir, "assets"));
  });

  test("baseDomain is read from master.ign's api-int source", () => {
    const dir = tempDir();
    fs.cpSync(EXAMPLE_INSTALL_DIR, dir, { recursive: true });
    const master = JSON.parse(fs.readFileSync(path.join(dir, "master.ign"), "utf8"));
    master.ignition.config.merge[0].source = "https://api-int.demo.apps.corp.example.org:22623/config/master";
    fs.writeFileSync(path.join(dir, "master.ign"), JSON.stringify(master));
    const [c] = loadClusterFile(write({ installDir: dir, machines: { rhcosAmi: "ami-0123456789abcdef0" } })).clusters;
    expect(c.baseDomain).toBe("apps.corp.example.org");
  });

  test("explicit nulls, as the contract writes them, read as absent", () => {
    const [c] = loadClusterFile(
      write({
        installDir: EXAMPLE_INSTALL_DIR,
        dns: { publicHostedZoneId: null },
        iam: { permissionsBoundaryArn: null },
        machines: { rhcosAmi: "ami-0123456789abcdef0", bootstrap: { ignitionKmsKeyArn: null }, compute: { rootVolume: { iops: null, kmsKeyArn: null } } },
        ingress: { routerLoadBalancerHostname: null },
        aws: { maxRetries: null },
        backend: { type: "s3", s3: { bucket: "my-state", dynamodbTable: null, kmsKeyId: null } },
      }),
    ).clusters;
    expect([c.dns.publicHostedZoneId, c.iam.permissionsBoundaryArn, c.machines.bootstrap.ignitionKmsKeyArn, c.ingress.routerLoadBalancerHostname]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(c.machines.compute.rootVolume).toEqual({ sizeGiB: 120, type: "gp3", iops: undefined, kmsKeyArn: undefined });
    expect([c.aws.maxRetries, c.backend.s3!.dynamodbTable, c.backend.s3!.kmsKeyId]).toEqual([undefined, undefined, undefined]);
  });

  test("a JSON file works the same", () => {
    const [c] = loadClusterFile(write({ installDir: EXAMPLE_INSTALL_DIR, machines: { rhcosAmi: "ami-0123456789abcdef0" }, publish: "Internal" }, "c.json")).clusters;
    expect(c.publish).toBe("Internal");
  });

  test("no installDir: the identity fields from the file, machines off", () => {
    const [c] = loadClusterFile(
      write({
        clusterName: "net",
        infraId: "net-1",
        region: "eu-west-1",
        baseDomain: "example.org",
        machines: { bootstrap: { enabled: false }, controlPlane: { replicas: 0 }, compute: { replicas: 0 } },
      }),
    ).clusters;
    expect(c.assets).toBeUndefined();
    expect(c.clusterName).toBe("net");
  });

  test("a fleet: shared defaults, entries override field by field, lists replace", () => {
    const file = write({
      installDir: EXAMPLE_INSTALL_DIR,
      machines: { rhcosAmi: "ami-0123456789abcdef0", compute: { replicas: 4 } },
      network: { vpcEndpoints: ["s3", "ec2"], natGateways: "single" },
      tags: { team: "platform" },
      // Each cluster its own install folder, as openshift-install makes one per cluster (one shared folder would be a warning).
      clusters: [
        { installDir: installFolder("a", "a-1"), clusterName: "a", infraId: "a-1", network: { vpcCidr: "10.1.0.0/16" } },
        { installDir: installFolder("b", "b-1"), clusterName: "b", infraId: "b-1", network: { vpcCidr: "10.2.0.0/16", vpcEndpoints: ["s3"] }, tags: { tier: "prod" } },
      ],
    });
    const { clusters, warnings } = loadClusterFile(file);
    expect(warnings).toEqual([]);
    expect(clusters.map((c) => [c.clusterName, c.network.vpcCidr, c.network.natGateways, c.network.vpcEndpoints, c.tags, c.machines.compute.replicas])).toEqual([
      ["a", "10.1.0.0/16", "single", ["s3", "ec2"], { team: "platform" }, 4],
      ["b", "10.2.0.0/16", "single", ["s3"], { team: "platform", tier: "prod" }, 4],
    ]);
  });

  test("overlapping VPC CIDRs in a fleet are a warning, and synth goes on", async () => {
    const dir = tempDir();
    const file = write(
      {
        machines: { rhcosAmi: "ami-0123456789abcdef0" },
        clusters: [
          { installDir: installFolder("a", "a-1"), clusterName: "a", infraId: "a-1" },
          { installDir: installFolder("b", "b-1"), clusterName: "b", infraId: "b-1" },
        ],
      },
      "fleet.yaml",
      dir,
    );
    // As docs/cluster-file.md runs it.
    const r = await runDocumentedOk(documented("npm-run-synth-cluster-file", { clusterFile: file, outdir: path.join(dir, "out") }));
    expect(r.stderr.trim()).toBe(`${file}: warning: clusters[0] (a) and clusters[1] (b) have overlapping VPC CIDRs 10.0.0.0/16 and 10.0.0.0/16: they cannot be peered later`);
    expect(fs.readdirSync(path.join(dir, "out", "stacks")).sort()).toEqual([
      "a-bootstrap",
      "a-infra",
      "a-ingress",
      "a-machines",
      "a-network",
      "b-bootstrap",
      "b-infra",
      "b-ingress",
      "b-machines",
      "b-network",
    ]);
  }, 60_000);

  test("the committed JSON Schema is the schema's current one", () => {
    const committed = fs.readFileSync(path.join(ROOT, "schema", "cluster.schema.json"), "utf8");
    expect(committed).toBe(clusterFileJsonSchema());
    const schema = JSON.parse(committed);
    expect(schema.properties.network.properties.natGateways.enum).toEqual(["perAz", "single", "none"]);
    expect(schema.properties.clusters.type).toBe("array");
    expect(schema.additionalProperties).toBe(false);
    expect(fs.readFileSync(DEFAULT_CLUSTER_FILE, "utf8")).toMatch(/^# yaml-language-server: \$schema=..\/..\/schema\/cluster.schema.json/);
  });

  test("npm run schema rewrites a stale schema file into the committed one", async () => {
    // In a copy of the checkout: the command rewrites a committed file.
    const copy = checkoutCopy();
    fs.writeFileSync(path.join(copy, "schema", "cluster.schema.json"), "{}\n");
    const r = await runDocumentedOk(documented("npm-run-schema"), { cwd: copy });
    expect(r.stdout).toContain("wrote schema/cluster.schema.json");
    expect(fs.readFileSync(path.join(copy, "schema", "cluster.schema.json"), "utf8")).toBe(fs.readFileSync(path.join(ROOT, "schema", "cluster.schema.json"), "utf8"));
  }, 60_000);
});

describe("CIDR math", () => {
  test("block i of subnetBits host bits, as Fn::Cidr and cidrsubnet", () => {
    expect(subnetBlock("10.0.0.0/16", 12, 5)).toBe("10.0.80.0/20");
    expect(subnetBlock("172.16.0.0/20", 8, 3)).toBe("172.16.3.0/24");
    expect(subnetBlock("10.0.0.0/24", 5, 5)).toBe("10.0.0.160/27");
    expect(() => subnetBlock("10.0.0.0/24", 8, 1)).toThrow(/does not fit/);
  });

  test("overlap", () => {
    expect(overlaps("10.0.0.0/16", "10.0.128.0/17")).toBe(true);
    expect(overlaps("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
  });
});
