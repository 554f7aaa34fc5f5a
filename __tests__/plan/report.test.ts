import { checkPlan } from "../../src/plan/check";
import { countChanges, formatReport, StackOutcome } from "../../src/plan/report";
import { planFixture } from "../../test-support/plans";

const planned = (stack: string, fixture: string): StackOutcome => ({
  stack,
  status: "planned",
  counts: countChanges(planFixture(fixture)),
  planFile: "upi.tfplan",
  stackDir: `cdktf.out/stacks/${stack}`,
});
const command = (o: Extract<StackOutcome, { status: "planned" }>, verb: string) => `terraform -chdir=${o.stackDir} ${verb} ${o.planFile}`;

describe("counting a plan", () => {
  test("creates, in-place updates, replacements and deletes, with every replaced or deleted address", () => {
    expect(countChanges(planFixture("machines-replicas-1"))).toMatchObject({ create: 0, update: 0, replace: 0, delete: 8, import: 0, outputs: 1, replaced: [] });
    expect(countChanges(planFixture("machines-replicas-1")).deleted).toHaveLength(8);
    expect(countChanges(planFixture("network-vpc-cidr"))).toEqual({
      create: 0,
      update: 0,
      replace: 5,
      delete: 0,
      import: 0,
      outputs: 9,
      replaced: [
        "aws_route_table.network_private-route-table-0_CDB158CA",
        "aws_route_table.network_public-route-table_A6CE870C",
        "aws_subnet.network_private-subnet-0_0C797916",
        "aws_subnet.network_public-subnet-0_3247A438",
        "aws_vpc.network_vpc_4E8F0223",
      ],
      deleted: [],
    });
    expect(countChanges(planFixture("machines-instance-type"))).toMatchObject({ update: 3, replace: 0 });
    expect(countChanges(planFixture("network-unchanged"))).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
  });
});

describe("the report", () => {
  test("one row per stack, the replaced and deleted resources, the findings, and no apply command while a finding blocks", () => {
    const outcomes: StackOutcome[] = [
      planned("demo-network", "network-vpc-cidr"),
      { stack: "demo-infra", status: "waiting", on: ["demo-network"] },
      { stack: "demo-bootstrap", status: "failed", reason: "terraform plan failed:\n  Error: no valid credential sources found" },
      { stack: "demo-machines", status: "waiting", on: ["demo-network", "demo-infra"] },
    ];
    const findings = checkPlan(planFixture("network-vpc-cidr"), "demo-network").slice(2);
    expect(formatReport({ outcomes, findings }, command)).toBe(
      [
        "  stack            create   update  replace   delete  status",
        "  demo-network          0        0        5        0  changes",
        "  demo-infra            -        -        -        -  waits on demo-network",
        "  demo-bootstrap        -        -        -        -  failed (below)",
        "  demo-machines         -        -        -        -  waits on demo-network, demo-infra",
        "",
        "demo-network replaces:",
        "  aws_route_table.network_private-route-table-0_CDB158CA",
        "  aws_route_table.network_public-route-table_A6CE870C",
        "  aws_subnet.network_private-subnet-0_0C797916",
        "  aws_subnet.network_public-subnet-0_3247A438",
        "  aws_vpc.network_vpc_4E8F0223",
        "",
        "demo-bootstrap: terraform plan failed:",
        "  Error: no valid credential sources found",
        "",
        `[PLAN-VPC-1] demo-network: aws_vpc.network_vpc_4E8F0223: replaces the VPC vpc-26b93b53f2ee7dfbe (10.0.0.0/16), forced by a change of cidr_block (fix: ${findings[0].rule.fix})`,
        "",
        "Not safe to apply: fix or acknowledge the findings above.",
        "The plans are kept for review:",
        "  terraform -chdir=cdktf.out/stacks/demo-network show upi.tfplan",
        "",
        "Then run npm run plan again for demo-infra, demo-machines: they read outputs that change first.",
      ].join("\n"),
    );
  });

  test("without blocking findings: the apply command of each stack with changes, in order", () => {
    const outcomes = [planned("demo-network", "network-unchanged"), planned("demo-machines", "machines-instance-type-one-master")];
    const text = formatReport({ outcomes, findings: [] }, command);
    expect(text.split("\n").slice(1, 3)).toEqual([
      "  demo-network         0        0        0        0  no changes",
      "  demo-machines        0        1        0        0  changes",
    ]);
    expect(text).toMatch(/\nTo apply exactly these plans:\n  terraform -chdir=cdktf.out\/stacks\/demo-machines apply upi.tfplan$/);
  });

  test("a plan that only records outputs anew (after a targeted apply) is a change, of no object", () => {
    const plan = planFixture("network-unchanged");
    const outputsOnly = { ...plan, output_changes: { ...plan.output_changes, ComputePrivateIps: { actions: ["update" as const] } } };
    const outcome: StackOutcome = {
      stack: "demo-machines",
      status: "planned",
      counts: countChanges(outputsOnly),
      planFile: "upi.tfplan",
      stackDir: "cdktf.out/stacks/demo-machines",
    };
    const text = formatReport({ outcomes: [outcome], findings: [] }, command);
    expect(text.split("\n")[1]).toBe("  demo-machines        0        0        0        0  outputs only (no object changes)");
    expect(text).toContain("terraform -chdir=cdktf.out/stacks/demo-machines apply upi.tfplan");
  });

  test("an unchanged cluster says so", () => {
    const text = formatReport({ outcomes: [planned("demo-network", "network-unchanged")], findings: [] }, command);
    expect(text.endsWith("\n\nNo changes: the infrastructure matches the cluster file.")).toBe(true);
  });
});
