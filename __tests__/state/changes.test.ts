import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { ConfigError } from "../../src/config/errors";
import { readOutputRecord } from "../../src/output/record";
import { synthesize } from "../../src/synth";
import { tempDir } from "../../test-support/paths";
import { baseCluster } from "../../test-support/synth";

/**
 * Edits to a running cluster, judged against what the previous synth recorded in the output
 * folder: refused (unless acknowledged), announced, or remembered for the plan.
 */
function project() {
  const dir = tempDir("upi-day2-");
  const file = path.join(dir, "cluster.yaml");
  const outdir = path.join(dir, "out");
  const synth = (content: Record<string, unknown>) => {
    fs.writeFileSync(file, stringify(content));
    return synthesize(file, outdir);
  };
  const refusal = (content: Record<string, unknown>): string[] => {
    const before = fs.readFileSync(path.join(outdir, "upi-output.json"), "utf8");
    try {
      synth(content);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      // Nothing written: the previous output and its record stay.
      expect(fs.readFileSync(path.join(outdir, "upi-output.json"), "utf8")).toBe(before);
      return e.message.split("\n");
    }
    throw new Error("synth went through");
  };
  return { dir, outdir, synth, refusal };
}

const withMachines = (machines: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
  baseCluster({ ...rest, machines: { rhcosAmi: "ami-0123456789abcdef0", ...machines } });

test("the first synth records each cluster's control plane, zones, placements and AMIs, and each stack's state", () => {
  const p = project();
  p.synth(withMachines({ compute: { replicas: 3 } }, { network: { availabilityZones: 2 } }));
  const record = readOutputRecord(p.outdir)!;
  expect(record.clusters!.demo).toEqual({
    controlPlaneReplicas: 3,
    availabilityZones: 2,
    placements: {
      "demo-x7k2p-master-0": 0,
      "demo-x7k2p-master-1": 1,
      "demo-x7k2p-master-2": 0,
      "demo-x7k2p-worker-0": 0,
      "demo-x7k2p-worker-1": 1,
      "demo-x7k2p-worker-2": 0,
    },
    amis: { bootstrap: "ami-0123456789abcdef0", controlPlane: "ami-0123456789abcdef0", compute: "ami-0123456789abcdef0" },
  });
  expect(record.stacks["demo-machines"]).toEqual({ cluster: "demo", state: "terraform.demo-machines.tfstate beside the output folder" });
});

describe("refused unless acknowledged", () => {
  test("UPI-DAY2-1: control-plane replicas change on a running cluster", () => {
    const p = project();
    p.synth(withMachines({}));
    expect(p.refusal(withMachines({ controlPlane: { replicas: 0 } }))).toEqual([
      `${path.join(p.dir, "cluster.yaml")}:5: machines.controlPlane.replicas: 3 -> 0 on a running control plane deletes demo-x7k2p-master-0, demo-x7k2p-master-1, demo-x7k2p-master-2: etcd loses quorum (OpenShift runs exactly 3 control-plane machines); if this is deliberate, acknowledge UPI-DAY2-1 in guardrails.acknowledge with the reason`,
    ]);
    const acknowledged = p.synth(
      withMachines({ controlPlane: { replicas: 0 } }, { guardrails: { acknowledge: [{ rule: "UPI-DAY2-1", reason: "the cluster is being retired" }] } }),
    );
    expect(acknowledged.warnings).toContainEqual(
      expect.stringMatching(/^warning: \[UPI-DAY2-1\] demo: machines\.controlPlane\.replicas: 3 -> 0 .* \(acknowledged: the cluster is being retired\)$/),
    );
  });

  test("UPI-DAY2-2: a zone removed while machines live in it, named; growing keeps every placement", () => {
    const p = project();
    p.synth(withMachines({ compute: { replicas: 2 } }, { network: { availabilityZones: 2 } }));
    // 2 -> 3 zones: nobody moves; the next worker takes the new zone.
    p.synth(withMachines({ compute: { replicas: 3 } }, { network: { availabilityZones: 3 } }));
    expect(readOutputRecord(p.outdir)!.clusters!.demo.placements).toEqual({
      "demo-x7k2p-master-0": 0,
      "demo-x7k2p-master-1": 1,
      "demo-x7k2p-master-2": 0,
      "demo-x7k2p-worker-0": 0,
      "demo-x7k2p-worker-1": 1,
      "demo-x7k2p-worker-2": 2,
    });
    const [line] = p.refusal(withMachines({ compute: { replicas: 3 } }, { network: { availabilityZones: 2 } }));
    expect(line).toMatch(/cluster\.yaml:\d+: network\.availabilityZones: 3 -> 2 removes the availability zone where demo-x7k2p-worker-2 \(zone 3\) lives; /);
    // Removing that worker in the same edit strands nobody.
    expect(() => p.synth(withMachines({ compute: { replicas: 2 } }, { network: { availabilityZones: 2 } }))).not.toThrow();
  });
});

test("a new AMI is announced: running machines keep theirs", () => {
  const p = project();
  p.synth(withMachines({}));
  const r = p.synth(withMachines({ rhcosAmi: "ami-0fedcba9876543210" }));
  expect(r.notes).toEqual([
    "demo: new bootstrap, control-plane, compute machines boot ami-0fedcba9876543210 (was ami-0123456789abcdef0); running machines keep theirs, RHCOS updates itself in place. To replace one machine: `npm run roll -- demo <machine> --replace`",
  ]);
  expect(p.synth(withMachines({ rhcosAmi: "ami-0fedcba9876543210" })).notes).toEqual([]);
});
