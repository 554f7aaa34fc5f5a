import { blockingFindings, checkPlan, formatPlanFinding } from "../../src/plan/check";
import { PlanJson, ResourceChange } from "../../src/plan/plan-json";
import { isControlPlane, PLAN_RULE_IDS, PLAN_RULES, stopStartChanges } from "../../src/plan/rules";
import { planFixture } from "../../test-support/plans";

const MASTERS = ["master-0_instance_D62F4475", "master-1_instance_40822DE7", "master-2_instance_789D06DC"].map((m) => `aws_instance.control-plane_${m}`);
const API_LOAD_BALANCING = [
  "aws_lb.api_external_579D39C2",
  "aws_lb.api_internal_7A9691CA",
  "aws_lb_listener.api_external-api-listener_356AC04B",
  "aws_lb_listener.api_internal-api-listener_C51D5A89",
  "aws_lb_listener.api_internal-service-listener_03E745BD",
  "aws_lb_target_group.api_external-api-target-group_18336B45",
  "aws_lb_target_group.api_internal-api-target-group_A8F3C4F6",
  "aws_lb_target_group.api_internal-service-target-group_47DEB32A",
];
const PRIVATE_ZONE = "aws_route53_zone.dns_private-zone_BDA4F659";
const API_RECORDS = ["aws_route53_record.dns_api-int-private_E7BD14CF", "aws_route53_record.dns_api-private_FB4B97D5"];

/** The addresses one rule finds in a fixture. */
function found(ruleId: string, fixture: string): string[] {
  const rule = PLAN_RULES.find((r) => r.id === ruleId)!;
  return checkPlan(planFixture(fixture), "demo-stack", { rules: [rule] }).map((f) => f.address);
}

// Each rule with a plan it must stop and a plan of the same stack it must let through (real plans
// of edits to a deployed cluster, README beside the fixtures).
const RULE_CASES: [rule: string, nonCompliant: string, expected: string[], compliant: string][] = [
  ["PLAN-EC2-1", "machines-root-volume-key", MASTERS, "machines-infra-id"],
  ["PLAN-EC2-1", "machines-replicas-1", MASTERS.slice(1), "machines-instance-type"],
  ["PLAN-EC2-2", "machines-instance-type", MASTERS, "machines-instance-type-one-master"],
  ["PLAN-EC2-2", "machines-instance-type", MASTERS, "machines-infra-id"],
  ["PLAN-ELB-1", "infra-infra-id", API_LOAD_BALANCING, "infra-replace-private-zone"],
  ["PLAN-ELB-1", "infra-destroy", API_LOAD_BALANCING, "network-unchanged"],
  ["PLAN-DNS-1", "infra-replace-private-zone", [...API_RECORDS, PRIVATE_ZONE].sort(), "infra-infra-id"],
  ["PLAN-DNS-1", "infra-destroy", [...API_RECORDS, "aws_route53_record.dns_api-public_48BDA6DF", PRIVATE_ZONE].sort(), "machines-root-volume-key"],
  [
    "PLAN-VPC-1",
    "network-vpc-cidr",
    ["aws_subnet.network_private-subnet-0_0C797916", "aws_subnet.network_public-subnet-0_3247A438", "aws_vpc.network_vpc_4E8F0223"],
    "network-unchanged",
  ],
];

describe.each(RULE_CASES)("%s", (rule, nonCompliant, expected, compliant) => {
  test(`stops ${nonCompliant}, naming exactly ${expected.length} resources`, () => {
    expect(found(rule, nonCompliant).sort()).toEqual(expected);
  });

  test(`lets ${compliant} through`, () => {
    expect(found(rule, compliant)).toEqual([]);
  });
});

test("every rule has a case here, and the IDs are what the cluster file acknowledges", () => {
  expect(new Set(RULE_CASES.map(([rule]) => rule))).toEqual(new Set(PLAN_RULES.map((r) => r.id)));
  // PLAN-STATE-1 judges a stack before its plan (__tests__/plan/preflight.cli.test.ts).
  expect(PLAN_RULE_IDS).toEqual(["PLAN-EC2-1", "PLAN-EC2-2", "PLAN-ELB-1", "PLAN-DNS-1", "PLAN-VPC-1", "PLAN-STATE-1"]);
  for (const id of PLAN_RULE_IDS) expect(id).toMatch(/^PLAN-[A-Z0-9]+-\d+$/);
});

test("findings say what goes away and what forces it", () => {
  const lines = checkPlan(planFixture("machines-root-volume-key"), "demo-machines").map(formatPlanFinding);
  expect(lines[0]).toBe(
    "[PLAN-EC2-1] demo-machines: aws_instance.control-plane_master-0_instance_D62F4475: replaces control-plane instance demo-x7k2p-master-0, " +
      "forced by a change of root_block_device.0.kms_key_id (fix: " +
      PLAN_RULES[0].fix +
      ")",
  );
  const stops = checkPlan(planFixture("machines-instance-type"), "demo-machines").map((f) => f.what);
  expect(stops[0]).toBe("stops and starts master demo-x7k2p-master-0 to change instance_type while 2 other master(s) go down in the same apply");
  const vpc = checkPlan(planFixture("network-vpc-cidr"), "demo-network").find((f) => f.address.startsWith("aws_vpc."))!;
  expect(vpc.what).toBe("replaces the VPC vpc-26b93b53f2ee7dfbe (10.0.0.0/16), forced by a change of cidr_block");
});

describe("acknowledgements", () => {
  const acknowledge = [{ rule: "PLAN-EC2-1", reason: "rebuilding the control plane on new keys, change CHG-42" }];

  test("an acknowledged finding prints as a warning and does not block; others still block", () => {
    const plan = planFixture("machines-root-volume-key");
    const findings = checkPlan(plan, "demo-machines", { acknowledge });
    expect(findings).toHaveLength(3);
    expect(blockingFindings(findings)).toEqual([]);
    expect(formatPlanFinding(findings[0])).toMatch(/^warning: \[PLAN-EC2-1\] demo-machines: .* \(acknowledged: rebuilding the control plane on new keys, change CHG-42\)$/);
    expect(blockingFindings(checkPlan(planFixture("machines-instance-type"), "demo-machines", { acknowledge }))).toHaveLength(3);
  });

  test("guardrail acknowledgements (UPI-...) do not acknowledge plan findings", () => {
    const findings = checkPlan(planFixture("infra-infra-id"), "demo-infra", { acknowledge: [{ rule: "UPI-EC2-1", reason: "x" }] });
    expect(blockingFindings(findings)).toHaveLength(API_LOAD_BALANCING.length);
  });
});

describe("what the rules key on", () => {
  const plan = planFixture("machines-instance-type");
  const master = plan.resource_changes!.find((rc) => rc.address === MASTERS[0])!;
  const withChange = (rc: ResourceChange, change: Partial<ResourceChange["change"]>, address = rc.address): ResourceChange => ({
    ...rc,
    address,
    change: { ...rc.change, ...change },
  });

  test("a master is known by its Name tag under any address (a plan of the construct library in another app)", () => {
    const elsewhere = withChange(master, {}, "module.cluster.aws_instance.cp[0]");
    expect(isControlPlane(elsewhere)).toBe(true);
    const untagged = withChange(master, { before: { ...master.change.before, tags: {}, tags_all: {} }, after: { ...master.change.after, tags: {}, tags_all: {} } });
    expect(isControlPlane(untagged)).toBe(true); // by its address
    expect(isControlPlane(withChange(untagged, {}, "aws_instance.compute_worker-0_instance_1E5D9C7A"))).toBe(false);
  });

  test("only the attributes whose update stops the instance count as a stop", () => {
    expect(stopStartChanges(master)).toEqual(["instance_type"]);
    const userData = withChange(master, { after: { ...master.change.before, user_data: "0000" } });
    expect(stopStartChanges(userData)).toEqual(["user_data"]);
    const unknownType = withChange(master, { after: { ...master.change.before, instance_type: null }, after_unknown: { instance_type: true } });
    expect(stopStartChanges(unknownType)).toEqual(["instance_type"]);
    const tagsOnly = planFixture("machines-infra-id").resource_changes!.filter((rc) => rc.change.actions[0] === "update");
    expect(tagsOnly.flatMap(stopStartChanges)).toEqual([]);
  });

  test("one master stopped while another is replaced is two masters down", () => {
    const replaced = planFixture("machines-root-volume-key").resource_changes!.find((rc) => rc.address === MASTERS[1])!;
    const mixed: PlanJson = { format_version: "1.2", resource_changes: [master, replaced] };
    expect(checkPlan(mixed, "demo-machines").map((f) => `${f.rule.id} ${f.address}`)).toEqual([`PLAN-EC2-2 ${MASTERS[0]}`, `PLAN-EC2-1 ${MASTERS[1]}`]);
  });
});
