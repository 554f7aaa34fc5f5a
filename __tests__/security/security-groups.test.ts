import { EXPECTED_RULES } from "../../test-support/expected-rules";
import { baseCluster, resourceValues, synthCluster } from "../../test-support/synth";

const key = (r: (string | number | null)[]) => r.join(" ");
const groupOf = (ref: string) => /security-groups_(master|worker)_/.exec(ref)?.[1] ?? ref;

describe("ClusterSecurityGroups", () => {
  const infra = synthCluster(baseCluster()).stack("infra");
  const rules = resourceValues(infra, "aws_vpc_security_group_ingress_rule");
  const synthesized = rules.map((r) => [
    groupOf(r.security_group_id),
    r.cidr_ipv4 ? "vpc" : groupOf(r.referenced_security_group_id),
    r.ip_protocol,
    r.from_port ?? null,
    r.to_port ?? null,
  ]);

  test("47 rules: 21 + 4 on masters, 20 + 2 on workers", () => {
    expect(rules).toHaveLength(EXPECTED_RULES.length);
    expect(EXPECTED_RULES).toHaveLength(47);
  });

  test.each(EXPECTED_RULES)("%s <- %s %s %s-%s", (...row) => {
    expect(synthesized.map(key)).toContain(key(row));
  });

  test("no rule beyond the table, and none twice", () => {
    expect(synthesized.map(key).sort()).toEqual(EXPECTED_RULES.map(key).sort());
  });

  test("VPC-CIDR rules take the VPC's CIDR from the network stack, never the internet", () => {
    const cidrs = new Set(rules.filter((r) => r.cidr_ipv4).map((r) => r.cidr_ipv4));
    expect([...cidrs]).toHaveLength(1);
    expect([...cidrs][0]).toMatch(/terraform_remote_state/);
  });

  test("every rule has a description; ESP has no ports", () => {
    expect(rules.every((r) => typeof r.description === "string" && r.description.length > 3)).toBe(true);
    for (const esp of rules.filter((r) => r.ip_protocol === "50")) {
      expect(esp.from_port).toBeUndefined();
      expect(esp.to_port).toBeUndefined();
    }
  });

  test("etcd only on masters", () => {
    expect(synthesized.filter((r) => r[3] === 2379).map((r) => r[0])).toEqual(["master"]);
  });

  test("both groups declare allow-all egress", () => {
    const egress = resourceValues(infra, "aws_vpc_security_group_egress_rule");
    expect(egress.map((e) => [groupOf(e.security_group_id), e.ip_protocol, e.cidr_ipv4]).sort()).toEqual([
      ["master", "-1", "0.0.0.0/0"],
      ["worker", "-1", "0.0.0.0/0"],
    ]);
  });

  test("groups are named after the infra ID, in the cluster VPC", () => {
    const groups = resourceValues(infra, "aws_security_group");
    expect(groups.map((g) => g.name).sort()).toEqual(["demo-x7k2p-master-sg", "demo-x7k2p-worker-sg"]);
    expect(groups.every((g) => /terraform_remote_state/.test(g.vpc_id))).toBe(true);
  });
});
