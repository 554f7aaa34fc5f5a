import * as fs from "node:fs";
import * as path from "node:path";
import { needsInit, readPlanLog, terraformEnv } from "../../src/plan/terraform";
import { tempDir } from "../../test-support/paths";
import { baseCluster, synthCluster } from "../../test-support/synth";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8");

describe("a plan's machine-readable log (real logs of terraform plan -json)", () => {
  test("an unchanged stack: every output noop, nothing changes", () => {
    const log = readPlanLog(fixture("plan-log-network-unchanged.jsonl"));
    expect(log.unchanged).toBe(true);
    expect(log.errors).toEqual([]);
    expect(log.outputs.get("VpcId")).toBe("noop");
    expect(log.outputs.size).toBeGreaterThan(5);
  });

  test("a changed stack: its outputs' actions, and not unchanged", () => {
    const log = readPlanLog(fixture("plan-log-network-vpc-cidr.jsonl"));
    expect(log.unchanged).toBe(false);
    expect(log.outputs.get("VpcId")).toBe("update");
  });

  test("a failed plan: one line per error diagnostic, naming its address", () => {
    expect(readPlanLog(fixture("plan-log-machines-no-upstream-state.jsonl")).errors[0]).toBe(
      "data.terraform_remote_state.cross-stack-reference-input-demo-infra: Unable to find remote state: No stored state was found for the given workspace in the given backend.",
    );
  });

  test("without a change summary nothing is claimed", () => {
    const outputsOnly = fixture("plan-log-network-unchanged.jsonl")
      .split("\n")
      .filter((l) => !l.includes('"type":"change_summary"'))
      .join("\n");
    expect(readPlanLog(outputsOnly).unchanged).toBe(false);
  });
});

describe("whether a stack folder needs terraform init", () => {
  // The S3 settings of the cluster whose `.terraform/terraform.tfstate` the fixture is.
  const endpoint = "http://127.0.0.1:45123";
  const s3Cluster = (keyPrefix?: string) =>
    synthCluster(
      baseCluster({
        network: { availabilityZones: 1, natGateways: "single" },
        aws: {
          serviceEndpoints: Object.fromEntries(["dynamodb", "ec2", "elasticloadbalancing", "iam", "route53", "s3", "sts"].map((s) => [s, endpoint])),
          maxRetries: 3,
          s3UsePathStyle: true,
          skipCredentialsValidation: true,
        },
        backend: { type: "s3", s3: { bucket: "h3-state", ...(keyPrefix ? { keyPrefix } : {}) } },
      }),
    ).stack("infra");

  /** A stack folder as `terraform init` leaves it, with the given recorded backend. */
  function initialised(recorded: string, lock = fixture("terraform.lock.hcl")): string {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, ".terraform", "providers"), { recursive: true });
    fs.writeFileSync(path.join(dir, ".terraform", "terraform.tfstate"), recorded);
    fs.writeFileSync(path.join(dir, ".terraform.lock.hcl"), lock);
    return dir;
  }

  test("not when .terraform records the same S3 backend (Terraform's stored shape, nulls and all) and the lock pins the provider", () => {
    expect(needsInit(initialised(fixture("dot-terraform-s3.json")), s3Cluster())).toBe(false);
  });

  test("when the backend settings changed, the provider version is not the locked one, or init never ran", () => {
    const dir = initialised(fixture("dot-terraform-s3.json"));
    expect(needsInit(dir, s3Cluster("moved/demo"))).toBe(true);
    const stack = s3Cluster();
    expect(needsInit(dir, { ...stack, terraform: { ...stack.terraform, required_providers: { aws: { source: "aws", version: "5.101.0" } } } })).toBe(true);
    expect(needsInit(initialised(fixture("dot-terraform-s3.json"), ""), stack)).toBe(true);
    expect(needsInit(tempDir(), stack)).toBe(true);
  });

  test("a local backend: the recorded path against the synthesized one", () => {
    const local = synthCluster(baseCluster({ network: { availabilityZones: 1, natGateways: "single" } })).stack("infra");
    expect(needsInit(initialised(fixture("dot-terraform-local.json")), local)).toBe(false);
    expect(needsInit(initialised(fixture("dot-terraform-s3.json")), local)).toBe(true);
  });
});

describe("the environment Terraform runs with", () => {
  test("GOGC=400 unless the user set GOGC, and TF_IN_AUTOMATION", () => {
    expect(terraformEnv({ PATH: "/bin" })).toEqual({ PATH: "/bin", TF_IN_AUTOMATION: "1", GOGC: "400" });
    expect(terraformEnv({ GOGC: "100" }).GOGC).toBe("100");
    expect(terraformEnv({ GOGC: "off" }).GOGC).toBe("off");
  });
});
