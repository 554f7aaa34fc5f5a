import { resolveRecordType } from "../../src/dns/cluster-dns";
import { baseCluster, resourceValues, synthCluster } from "../../test-support/synth";

const recordsIn = (region: string, dns: Record<string, unknown> = {}) =>
  resourceValues(synthCluster(baseCluster({ region, dns, ingress: { routerLoadBalancerHostname: "router-0123.elb.example.com" } })).stack("infra"), "aws_route53_record");

describe("dns.recordType", () => {
  test.each([
    ["us-east-1", "alias"],
    ["eu-west-3", "alias"],
    ["cn-north-1", "alias"],
    ["us-gov-west-1", "cname"],
    ["us-gov-east-1", "cname"],
    ["us-iso-east-1", "cname"],
    ["us-isob-east-1", "cname"],
  ] as const)("auto (the default) in %s: %s", (region, expected) => {
    expect(resolveRecordType(undefined, region)).toBe(expected);
    expect(resolveRecordType("auto", region)).toBe(expected);
  });

  test("alias and cname force one, wherever", () => {
    expect(resolveRecordType("cname", "us-east-1")).toBe("cname");
    expect(resolveRecordType("alias", "us-gov-west-1")).toBe("alias");
    expect(resolveRecordType("auto", undefined)).toBe("alias");
  });

  test("us-gov-west-1 by default: every API record a CNAME with TTL 10 to its load balancer", () => {
    const records = recordsIn("us-gov-west-1");
    expect(records.map((r) => r.name).sort()).toEqual(["api-int.demo.example.com", "api.demo.example.com", "api.demo.example.com"]);
    for (const r of records) {
      expect(r).toMatchObject({ type: "CNAME", ttl: 10 });
      expect(r.alias).toBeUndefined();
      expect(r.records[0]).toMatch(/aws_lb\..*\.dns_name/);
    }
  });

  test("us-east-1 by default: alias A records", () => {
    for (const r of recordsIn("us-east-1")) expect(r).toMatchObject({ type: "A", alias: { evaluate_target_health: false } });
  });

  test("the day-2 *.apps records follow the same choice", () => {
    const ingress = synthCluster(baseCluster({ region: "us-iso-east-1", ingress: { routerLoadBalancerHostname: "router-0123.elb.example.com" } })).stack("ingress");
    for (const r of resourceValues(ingress, "aws_route53_record")) expect(r).toMatchObject({ type: "CNAME", ttl: 10, records: ["router-0123.elb.example.com"] });
  });
});
