import { baseCluster, countResources, resourceValues, synthCluster } from "../../test-support/synth";

const ROUTER = "a1b2c3d4e5f6-1234567890.us-east-1.elb.amazonaws.com";
const ingressOf = (extra: Record<string, unknown> = {}, ingress: Record<string, unknown> = {}) =>
  synthCluster(baseCluster({ ingress: { routerLoadBalancerHostname: ROUTER, ...ingress }, ...extra }));

describe("AppsIngress (day 2)", () => {
  test("no router hostname: the ingress stack stays, empty, so turning the records off deletes them", () => {
    const ingress = synthCluster(baseCluster()).stack("ingress");
    expect(countResources(ingress)).toBe(0);
    expect(ingress.output).toBeUndefined();
  });

  test("*.apps alias records in the private and public zones to the router's classic ELB", () => {
    const stack = ingressOf().stack("ingress");
    const records = resourceValues(stack, "aws_route53_record");
    expect(records.map((r) => r.name)).toEqual(["*.apps.demo.example.com", "*.apps.demo.example.com"]);
    const zones = records.map((r) => r.zone_id).sort();
    expect(zones[0]).toMatch(/cross-stack-output-aws_route53_zonedns_private-zone/);
    expect(zones[1]).toMatch(/cross-stack-output-dataaws_route53_zonedns_public-zone/);
    for (const r of records) {
      expect(r.type).toBe("A");
      expect(r.alias).toEqual({ name: ROUTER, zone_id: expect.stringMatching(/^\$\{data\.aws_elb_hosted_zone_id\./), evaluate_target_health: false });
    }
    expect(stack.output!.AppsRecordName.value).toBe("*.apps.demo.example.com");
  });

  test("an NLB router takes the NLB canonical zone", () => {
    const stack = ingressOf({}, { loadBalancerType: "network" }).stack("ingress");
    expect(Object.values(stack.data!.aws_lb_hosted_zone_id)[0]).toMatchObject({ load_balancer_type: "network" });
    expect(resourceValues(stack, "aws_route53_record")[0].alias.zone_id).toMatch(/data\.aws_lb_hosted_zone_id\./);
  });

  test("cname mode: CNAME with TTL 10", () => {
    const records = resourceValues(ingressOf({ dns: { recordType: "cname" } }).stack("ingress"), "aws_route53_record");
    expect(records.map((r) => [r.type, r.ttl, r.records])).toEqual([
      ["CNAME", 10, [ROUTER]],
      ["CNAME", 10, [ROUTER]],
    ]);
  });

  test("publish: Internal, only the private record", () => {
    const records = resourceValues(ingressOf({ publish: "Internal" }).stack("ingress"), "aws_route53_record");
    expect(records).toHaveLength(1);
    expect(records[0].zone_id).toMatch(/private-zone/);
  });

  test("the ingress stack changes nothing in the others", () => {
    const withIngress = ingressOf();
    const without = synthCluster(baseCluster());
    for (const name of ["demo-network", "demo-bootstrap", "demo-machines"]) expect(withIngress.json[name]).toEqual(without.json[name]);
    // The infra stack only gains the outputs the ingress stack reads.
    const extra = Object.keys(withIngress.json["demo-infra"].output!).filter((k) => !(k in without.json["demo-infra"].output!));
    expect(extra.every((k) => k.startsWith("cross-stack-output-"))).toBe(true);
    expect(withIngress.json["demo-infra"].resource).toEqual(without.json["demo-infra"].resource);
  });
});
