import { checkPlan } from "../../src/plan/check";
import { findMachine, judgeRollPlan, machineNames, machineStack, rollDoneLine, rollPlanArgs } from "../../src/plan/roll";
import { planFixture } from "../../test-support/plans";
import { baseCluster, synthCluster } from "../../test-support/synth";

const synthesized = synthCluster(baseCluster({ network: { availabilityZones: 1, natGateways: "single" } }));
const machines = synthesized.stack("machines");
const INFRA_ID = "demo-x7k2p";

describe("finding a machine in the synthesized output", () => {
  test("a master: its instance and its three target registrations", () => {
    expect(machineStack("demo", "master-0")).toBe("demo-machines");
    expect(findMachine(machines, INFRA_ID, "master-0")).toEqual({
      name: "demo-x7k2p-master-0",
      instance: "aws_instance.control-plane_master-0_instance_D62F4475",
      attachments: [
        "aws_lb_target_group_attachment.control-plane_master-0_external-api-target_6139FD6C",
        "aws_lb_target_group_attachment.control-plane_master-0_internal-api-target_6A7D1F1D",
        "aws_lb_target_group_attachment.control-plane_master-0_internal-service-target_06C65D60",
      ],
    });
  });

  test("a worker has no registrations; the bootstrap node is in its own stack; unknown machines are listed", () => {
    expect(findMachine(machines, INFRA_ID, "worker-1")).toEqual({ name: "demo-x7k2p-worker-1", instance: "aws_instance.compute_worker-1_instance_649DCFC8", attachments: [] });
    expect(machineStack("demo", "bootstrap")).toBe("demo-bootstrap");
    expect(findMachine(synthesized.stack("bootstrap"), INFRA_ID, "bootstrap")!.attachments).toHaveLength(3);
    expect(findMachine(machines, INFRA_ID, "worker-7")).toBeUndefined();
    expect(machineNames(machines, INFRA_ID)).toEqual(["worker-0", "worker-1", "master-0", "master-1", "master-2"]);
  });

  test("the plan arguments target the machine alone", () => {
    const master = findMachine(machines, INFRA_ID, "master-0")!;
    expect(rollPlanArgs(master, false, "roll.tfplan")).toEqual(["plan", "-input=false", `-target=${master.instance}`, "-out=roll.tfplan"]);
    expect(rollPlanArgs(master, true, "roll.tfplan")).toEqual([
      "plan",
      "-input=false",
      `-replace=${master.instance}`,
      `-target=${master.instance}`,
      ...master.attachments.map((a) => `-target=${a}`),
      "-out=roll.tfplan",
    ]);
  });
});

describe("judging a roll plan (real plans made with those arguments)", () => {
  const master0 = findMachine(machines, INFRA_ID, "master-0")!;
  const worker1 = findMachine(machines, INFRA_ID, "worker-1")!;

  test("a replacement of exactly the machine and its registrations is applied", () => {
    expect(judgeRollPlan(planFixture("roll-master-0-replace"), master0, true)).toEqual({
      kind: "apply",
      summary: [master0.instance, ...master0.attachments].map((a) => `replace ${a}`).join("\n"),
    });
    expect(judgeRollPlan(planFixture("roll-worker-1-replace"), worker1, true)).toEqual({ kind: "apply", summary: `replace ${worker1.instance}` });
    // The same plan is what the checker stops outside a roll.
    expect(checkPlan(planFixture("roll-master-0-replace"), "demo-machines").map((f) => f.rule.id)).toEqual(["PLAN-EC2-1"]);
  });

  test("an in-place change of the one master is applied", () => {
    expect(judgeRollPlan(planFixture("machines-instance-type-one-master"), master0, false)).toEqual({ kind: "apply", summary: `update ${master0.instance}` });
  });

  test("a plan that changes any other machine is refused", () => {
    const verdict = judgeRollPlan(planFixture("machines-instance-type"), master0, false);
    expect(verdict).toEqual({
      kind: "refuse",
      message: "the plan also changes aws_instance.control-plane_master-1_instance_40822DE7, aws_instance.control-plane_master-2_instance_789D06DC; nothing was applied",
    });
  });

  test("a pending replacement is not applied without --replace", () => {
    expect(judgeRollPlan(planFixture("roll-worker-1-replace"), worker1, false)).toEqual({
      kind: "refuse",
      message: "the pending change replaces demo-x7k2p-worker-1; to rebuild it deliberately, run again with --replace",
    });
  });

  test("no pending change: nothing to roll", () => {
    expect(judgeRollPlan(planFixture("roll-worker-1-replace"), master0, false)).toMatchObject({ kind: "refuse" });
    expect(judgeRollPlan({ format_version: "1.2", resource_changes: [] }, master0, false)).toEqual({
      kind: "nothing",
      message: "demo-x7k2p-master-0 has no pending change (--replace rebuilds it from the current AMI and user data)",
    });
  });
});

describe("the line roll ends with", () => {
  const counts = (c: Partial<Record<"create" | "update" | "replace" | "delete", number>>) => ({
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    import: 0,
    outputs: 0,
    replaced: [],
    deleted: [],
    ...c,
  });
  test("what it applied, and that nothing else is pending", () => {
    expect(rollDoneLine("demo-x7k2p-master-0", false, "demo-machines", counts({}))).toBe("Rolled demo-x7k2p-master-0 (changed in place). demo-machines has nothing else pending.");
  });
  test("what else is pending, as the rest of the stack, not as a failure", () => {
    expect(rollDoneLine("demo-x7k2p-master-0", false, "demo-machines", counts({ update: 2, create: 1 }))).toBe(
      "Rolled demo-x7k2p-master-0 (changed in place). Still pending in demo-machines, not part of this roll: 1 to create, 2 to update (`npm run plan` shows them).",
    );
    expect(rollDoneLine("demo-x7k2p-worker-1", true, "demo-machines", undefined)).toBe(
      "Rolled demo-x7k2p-worker-1 (replaced). What else demo-machines has pending: `npm run plan`.",
    );
  });
});
