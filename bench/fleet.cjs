// A generated fleet file of `count` clusters (3 AZs, NAT per AZ, three endpoints, a bootstrap, 3
// control-plane and 3 compute machines each, the default example's installDir), for npm run bench
// and the test that pins the synthesized output (__tests__/synth-output.cli.test.ts).
const fs = require("node:fs");
const path = require("node:path");
const { stringify } = require("yaml");

const root = path.join(__dirname, "..");

function fleetYaml(count) {
  const clusters = Array.from({ length: count }, (_, i) => ({
    clusterName: `c${String(i + 1).padStart(3, "0")}`,
    infraId: `c${String(i + 1).padStart(3, "0")}-x7k2p`,
    network: { vpcCidr: `10.${i % 256}.0.0/16` },
  }));
  return stringify({
    installDir: path.join(root, "examples", "default", "install"),
    network: { availabilityZones: 3, natGateways: "perAz", vpcEndpoints: ["s3", "ec2", "elasticloadbalancing"] },
    machines: { rhcosAmi: "ami-0123456789abcdef0", controlPlane: { replicas: 3 }, compute: { replicas: 3 } },
    clusters,
  });
}

/** Writes fleet-<count>.yaml into `dir` and returns its path. */
function writeFleetFile(dir, count) {
  const file = path.join(dir, `fleet-${count}.yaml`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, fleetYaml(count));
  return file;
}

module.exports = { writeFleetFile };
