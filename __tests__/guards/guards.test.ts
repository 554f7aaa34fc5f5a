import { GUARDED_RULE_IDS, RECORD_PREFIX } from "../../src/guards/guards";
import { PRIVATE_ZONE_CREATED } from "../../src/dns/cluster-dns";
import { PLAN_RULES } from "../../src/plan/rules";
import { baseCluster, StackJson, synthCluster } from "../../test-support/synth";

/**
 * The plan rules Terraform enforces itself (src/guards): per stack, a record of each guarded
 * object as an output, and per rule a terraform_data whose precondition compares the records read
 * back from the stack's own state with the configuration. An acknowledgement in the cluster file
 * removes that rule's guard and nothing else. What the guards refuse on a live state is proven on
 * the emulator (__tests__/e2e/guards.e2e.test.ts).
 */
const guardsOf = (stack: StackJson) =>
  Object.keys((stack.resource as any)?.terraform_data ?? {})
    .filter((k) => k.startsWith("guard-"))
    .sort();
const recordsOf = (stack: StackJson) =>
  Object.entries(stack.output ?? {})
    .filter(([k]) => k.startsWith(RECORD_PREFIX))
    .map(([, o]) => o.value as { rule: string; what: string; replacedBy: Record<string, string>; stoppedBy?: Record<string, string>; id: string });

const plain = synthCluster(baseCluster());

const GUARDS: [stack: string, rules: string[], records: Record<string, string[]>][] = [
  ["network", ["PLAN-VPC-1"], { "PLAN-VPC-1": ["the VPC demo-x7k2p-vpc", ...["public", "private"].flatMap((k) => [0, 1, 2].map((i) => `the ${k} subnet #${i}`))] }],
  [
    "infra",
    ["PLAN-DNS-1", "PLAN-ELB-1"],
    {
      "PLAN-ELB-1": [
        "API load balancer demo-x7k2p-ext",
        "API load balancer demo-x7k2p-int",
        "API target group demo-x7k2p-aext",
        "API target group demo-x7k2p-aint",
        "API target group demo-x7k2p-sint",
        "API listener demo-x7k2p-ext:6443",
        "API listener demo-x7k2p-int:6443",
        "API listener demo-x7k2p-int:22623",
      ],
      "PLAN-DNS-1": [
        "the private zone demo.example.com",
        "the private record api.demo.example.com",
        "the private record api-int.demo.example.com",
        "the public record api.demo.example.com",
      ],
    },
  ],
  ["machines", ["PLAN-EC2-1", "PLAN-EC2-2"], { "PLAN-EC2-1": [0, 1, 2].map((i) => `control-plane instance demo-x7k2p-master-${i}`) }],
  ["bootstrap", [], {}],
  ["ingress", [], {}],
];

/** A record's `what`, with the subnet CIDR and zone (a data source's token) replaced by its index. */
const whatOf = (r: { what: string; replacedBy: Record<string, string> }) =>
  r.what.startsWith("the public subnet") || r.what.startsWith("the private subnet")
    ? `${r.what.split(" ").slice(0, 3).join(" ")} #${(Number(r.replacedBy.cidr_block.split(".")[2]) / 16) % 3}`
    : r.what;

test.each(GUARDS)("%s: a guard per rule, and a record of every object it guards", (suffix, rules, records) => {
  const stack = plain.stack(suffix);
  expect(guardsOf(stack)).toEqual(rules.map((r) => `guard-${r}`));
  const byRule: Record<string, string[]> = {};
  for (const r of recordsOf(stack)) (byRule[r.rule] ??= []).push(whatOf(r));
  expect(Object.fromEntries(Object.entries(byRule).map(([k, v]) => [k, v.sort()]))).toEqual(Object.fromEntries(Object.entries(records).map(([k, v]) => [k, [...v].sort()])));
});

test("each guard's message names its rule, its title and how to acknowledge it; its condition reads the findings", () => {
  for (const [suffix, rules] of GUARDS) {
    for (const id of rules) {
      const [guard] = (plain.stack(suffix).resource as any).terraform_data[`guard-${id}`].lifecycle.precondition;
      const rule = PLAN_RULES.find((r) => r.id === id)!;
      expect(guard.error_message).toContain(`[${id}] ${rule.title}: this plan \${join("; ", local.guard_findings["${id}"])}. Nothing was changed.`);
      expect(guard.error_message).toContain(`acknowledge ${id} in the cluster file's guardrails.acknowledge`);
      expect(guard.condition).toContain(`length(local.guard_findings["${id}"]) == 0`);
    }
  }
});

test("the records hold what replaces each object, and the masters' what stops them; each refers to its object", () => {
  const masters = recordsOf(plain.stack("machines"));
  expect(masters[0].replacedBy).toEqual({
    subnet_id: expect.stringMatching(/^\$\{element\(\[data\.terraform_remote_state\..*terraform_data\.control-plane_master-0-placement_slot_\w+\.output\.azIndex\)\}$/),
    associate_public_ip_address: "false",
    "root_block_device.kms_key_id": "",
  });
  expect(masters[0].stoppedBy).toEqual({ instance_type: "m6i.xlarge" });
  expect(masters[0].id).toMatch(/^\$\{aws_instance\.control-plane_master-0_instance_\w+\.id\}$/);
  const lbs = recordsOf(plain.stack("infra")).filter((r) => r.what.startsWith("API load balancer"));
  expect(lbs.map((r) => [r.replacedBy.name, r.replacedBy.internal, r.id.startsWith("${aws_lb.")])).toEqual([
    ["demo-x7k2p-ext", "false", true],
    ["demo-x7k2p-int", "true", true],
  ]);
  // The guards read the stack's own state, which is read only while its objects live.
  expect(JSON.stringify((plain.stack("machines") as any).locals)).toContain("try(data.terraform_remote_state.own-state[0].outputs, {})");
});

test("a new control-plane KMS key or instance type changes the machines stack's records, not its guards", () => {
  const edited = synthCluster(
    baseCluster({
      machines: {
        rhcosAmi: "ami-0123456789abcdef0",
        controlPlane: { instanceType: "m6i.2xlarge", rootVolume: { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } },
      },
    }),
  );
  const [master] = recordsOf(edited.stack("machines"));
  expect([master.stoppedBy, master.replacedBy["root_block_device.kms_key_id"]]).toEqual([
    { instance_type: "m6i.2xlarge" },
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  ]);
  expect(guardsOf(edited.stack("machines"))).toEqual(guardsOf(plain.stack("machines")));
});

test.each(GUARDED_RULE_IDS)("acknowledging %s removes exactly its guard; every record stays", (id) => {
  const acked = synthCluster(baseCluster({ guardrails: { acknowledge: [{ rule: id, reason: "deliberate, in a maintenance window" }] } }));
  for (const [suffix, rules] of GUARDS) {
    expect(guardsOf(acked.stack(suffix))).toEqual(rules.filter((r) => r !== id).map((r) => `guard-${r}`));
    expect(recordsOf(acked.stack(suffix))).toEqual(recordsOf(plain.stack(suffix)));
  }
});

test("with no master left in the file (controlPlane.replicas 0), the machines stack keeps PLAN-EC2-1's guard and reads its state while masters live", () => {
  const none = synthCluster(baseCluster({ machines: { rhcosAmi: "ami-0123456789abcdef0", controlPlane: { replicas: 0 } } })).stack("machines") as any;
  expect(guardsOf(none)).toEqual(["guard-PLAN-EC2-1"]);
  expect(recordsOf(none)).toEqual([]);
  const [lookup] = Object.entries<any>(none.data.aws_instances).filter(([k]) => k.includes("live-masters"));
  expect(lookup[1].filter).toContainEqual({ name: "tag:Name", values: ["demo-x7k2p-master-*"] });
  expect(JSON.stringify(none.data.terraform_remote_state["own-state"].count)).toContain(`data.aws_instances.${lookup[0]}.ids`);
});

/** The API records' guard records: `what` -> the inputs whose change replaces the record. */
const apiRecords = (cluster: Record<string, unknown>) =>
  Object.fromEntries(
    recordsOf(synthCluster(baseCluster(cluster)).stack("infra"))
      .filter((r) => r.rule === "PLAN-DNS-1" && r.what.includes(" record "))
      .map((r) => [r.what, r.replacedBy]),
  );
const INTERNAL = { publish: "Internal", network: { existingVpc: { vpcId: "vpc-0abc", privateSubnetIds: ["subnet-b"] } } };
const PRIVATE_ZONE_LOOKUP = /^\$\{data\.aws_route53_zone\.[\w-]*private-zone[\w-]*\.zone_id\}$/;

// AWS provider 5.100 replaces a record for a new zone_id or name (ForceNew) and changes its type
// in place (checked with a plan against a hand-written state): the guard compares exactly those.
test.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, { zone_id: string | RegExp } | undefined>]>([
  [
    "a public zone given by id, then another",
    { dns: { publicHostedZoneId: "Z0123456789ABC" } },
    { dns: { publicHostedZoneId: "Z0987654321XYZ" } },
    { "the public record api.demo.example.com": { zone_id: "Z0987654321XYZ" } },
  ],
  [
    // The record now names the given id; when it is the zone the lookup found, the plan compares equal values (no finding).
    "the public zone looked up, then given by id",
    {},
    { dns: { publicHostedZoneId: "Z0123456789ABC" } },
    { "the public record api.demo.example.com": { zone_id: "Z0123456789ABC" } },
  ],
  [
    "the private zone created, then an existing one given by id",
    INTERNAL,
    { ...INTERNAL, dns: { privateHostedZoneId: "Z0PRIV" } },
    { "the private record api.demo.example.com": { zone_id: PRIVATE_ZONE_LOOKUP }, "the private record api-int.demo.example.com": { zone_id: PRIVATE_ZONE_LOOKUP } },
  ],
  ["a CNAME instead of an alias record (changed in place)", {}, { dns: { recordType: "cname" } }, {}],
])("the API records' guard compares the zone: %s", (_, before, after, changed) => {
  const [was, now] = [apiRecords(before), apiRecords(after)];
  expect(Object.keys(now).sort()).toEqual(Object.keys(was).sort());
  for (const what of Object.keys(was)) {
    if (changed[what]) {
      expect(now[what]).toEqual({ ...was[what], zone_id: expect.stringMatching(changed[what].zone_id) });
      expect(now[what].zone_id).not.toEqual(was[what].zone_id);
    } else expect(now[what]).toEqual(was[what]);
  }
});

test("a zone the stack creates is compared as a stand-in, never by its id (unknown while it is replaced, which would defer the guard to apply)", () => {
  const records = apiRecords({});
  expect(records["the private record api-int.demo.example.com"].zone_id).toBe(PRIVATE_ZONE_CREATED);
  expect(records["the public record api.demo.example.com"].zone_id).toMatch(/^\$\{data\.aws_route53_zone\.[\w-]+\.zone_id\}$/);
  expect(JSON.stringify(records)).not.toMatch(/(?<!data\.)aws_route53_zone\./);
});
