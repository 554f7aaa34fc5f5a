import * as fs from "node:fs";
import * as path from "node:path";
import { clusterDot } from "../../src/diagram/diagram";
import { runScript, runSynth } from "../../test-support/cli";
import { documented, runDocumentedOk } from "../../test-support/documented-commands";
import { tempDir } from "../../test-support/paths";
import { baseCluster, resourceValues, synthCluster } from "../../test-support/synth";

describe("the cluster picture", () => {
  test("the DOT has the VPC, every subnet with its machines, the NLBs with listeners, the zones and records", () => {
    const { json } = synthCluster(baseCluster({ network: { vpcEndpoints: ["s3", "ec2"] }, ingress: { routerLoadBalancerHostname: "r-1.us-east-1.elb.amazonaws.com" } }));
    const dot = clusterDot("demo", json);
    expect(dot).toContain('label="VPC demo-x7k2p-vpc 10.0.0.0/16"');
    for (const cidr of ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]) expect(dot).toContain(`public subnet ${cidr}`);
    for (const cidr of ["10.0.48.0/20", "10.0.64.0/20", "10.0.80.0/20"]) expect(dot).toContain(`private subnet ${cidr}`);
    expect(dot).toContain("NLB demo-x7k2p-ext (internet-facing)\\nTCP 6443");
    expect(dot).toContain("NLB demo-x7k2p-int (internal)\\nTCP 6443, TCP 22623");
    expect(dot).toContain("s3 endpoint (Gateway)");
    expect(dot).toContain("ec2 endpoint (Interface)");
    expect(dot).toContain("private zone demo.example.com");
    expect(dot).toContain("A *.apps.demo.example.com");
    expect(dot.match(/NAT gateway/g)).toHaveLength(3);
    // master-1 sits in the second private subnet, and both NLBs send it traffic.
    const machines = resourceValues(json["demo-machines"], "aws_instance");
    expect(machines).toHaveLength(5);
    const subnetBlock = dot.slice(dot.indexOf("private subnet 10.0.64.0/20"), dot.indexOf("}", dot.indexOf("private subnet 10.0.64.0/20")));
    expect(subnetBlock).toContain("demo-x7k2p-master-1");
    expect(subnetBlock).toContain("demo-x7k2p-worker-1");
    expect(dot.match(/-> "aws_instance\.control-plane_master-1_instance_[0-9A-F]+"/g)).toHaveLength(2);
  });

  test("an existing private zone: its records hang from it, not from the public zone", () => {
    const { json } = synthCluster(
      baseCluster({ publish: "Internal", network: { existingVpc: { vpcId: "vpc-0abc", privateSubnetIds: ["subnet-b"] } }, dns: { privateHostedZoneId: "Z0PRIV" } }),
    );
    const dot = clusterDot("demo", json);
    expect(dot).toContain("private zone Z0PRIV (existing)");
    expect(dot).not.toContain("public zone");
    expect(dot.match(/"data\.aws_route53_zone\.[\w-]+" -> "aws_route53_record\./g)).toHaveLength(2);
  });

  test("edge zones: each in its own box with its subnets, and the carrier gateway to the Wavelength public subnet", () => {
    const { json } = synthCluster(
      baseCluster({
        network: {
          availabilityZones: 1,
          edgeZones: [
            { name: "us-east-1-nyc-1a", type: "local-zone" },
            { name: "us-east-1-wl1-bos-wlz-1", type: "wavelength-zone" },
          ],
        },
      }),
    );
    const dot = clusterDot("demo", json);
    expect(dot).toContain('label="Local Zone us-east-1-nyc-1a"');
    expect(dot).toContain('label="Wavelength Zone us-east-1-wl1-bos-wlz-1"');
    for (const cidr of ["10.0.96.0/21", "10.0.112.0/21"]) expect(dot).toContain(`private subnet ${cidr}`);
    for (const cidr of ["10.0.104.0/21", "10.0.120.0/21"]) expect(dot).toContain(`public subnet ${cidr}`);
    expect(dot).toContain('[label="carrier gateway", shape=diamond]');
    expect(dot.match(/aws_ec2_carrier_gateway\.[^"]+" -> "anchor\.([^"]+)"/)?.[1]).toMatch(/^network_edge_us-east-1-wl1-bos-wlz-1-public-subnet_/);
  });

  test("npm run diagram writes an SVG naming every subnet, load balancer and machine", async () => {
    const outdir = path.join(tempDir(), "out");
    expect(runSynth({ CDKTF_OUTDIR: outdir }).status).toBe(0);
    const r = await runDocumentedOk(documented("npm-run-diagram", { outdir }));
    expect(r.stderr).toBe("");
    // Graphviz writes some characters of text as entities (- is &#45;).
    const svg = fs.readFileSync(path.join(outdir, "demo.svg"), "utf8").replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
    expect(svg).toMatch(/^<\?xml|^<svg/);
    for (const text of [
      "public subnet 10.0.0.0/20",
      "public subnet 10.0.16.0/20",
      "public subnet 10.0.32.0/20",
      "private subnet 10.0.48.0/20",
      "private subnet 10.0.64.0/20",
      "private subnet 10.0.80.0/20",
      "NLB demo-x7k2p-ext",
      "NLB demo-x7k2p-int",
      "demo-x7k2p-bootstrap",
      "demo-x7k2p-master-0",
      "demo-x7k2p-master-1",
      "demo-x7k2p-master-2",
      "demo-x7k2p-worker-0",
      "demo-x7k2p-worker-1",
    ]) {
      expect(svg).toContain(`>${text}`);
    }
  }, 60_000);

  test("without a synthesized output it says what to run", () => {
    const r = runScript("scripts/diagram.ts", { CDKTF_OUTDIR: path.join(tempDir(), "none") });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/manifest.json: not found; run npm run synth first/);
  });
});
