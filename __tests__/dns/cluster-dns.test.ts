import { baseCluster, resourceValues, synthCluster } from "../../test-support/synth";

const infraOf = (extra: Record<string, unknown> = {}) => synthCluster(baseCluster(extra)).stack("infra");
const records = (stack: ReturnType<typeof infraOf>) =>
  Object.fromEntries(resourceValues(stack, "aws_route53_record").map((r) => [`${r.zone_id.includes("private-zone") ? "private" : "public"} ${r.name}`, r]));

describe("ClusterDns", () => {
  test("a private zone for <cluster>.<domain> on the VPC, tagged for the ingress operator", () => {
    const [zone] = resourceValues(infraOf(), "aws_route53_zone");
    expect(zone.name).toBe("demo.example.com");
    expect(zone.vpc).toHaveLength(1);
    expect(zone.vpc[0].vpc_id).toMatch(/terraform_remote_state/);
    expect(zone.tags).toEqual({ Name: "demo-x7k2p-int", "kubernetes.io/cluster/demo-x7k2p": "owned" });
  });

  test("alias A records: public api to the external NLB, private api and api-int to the internal one", () => {
    const r = records(infraOf());
    expect(Object.keys(r).sort()).toEqual(["private api-int.demo.example.com", "private api.demo.example.com", "public api.demo.example.com"]);
    for (const [name, lb] of [
      ["public api.demo.example.com", "api_external"],
      ["private api.demo.example.com", "api_internal"],
      ["private api-int.demo.example.com", "api_internal"],
    ]) {
      expect(r[name].type).toBe("A");
      expect(r[name].alias.name).toMatch(new RegExp(`aws_lb\\.${lb}_.*\\.dns_name`));
      expect(r[name].alias.zone_id).toMatch(new RegExp(`aws_lb\\.${lb}_.*\\.zone_id`));
      expect(r[name].alias.evaluate_target_health).toBe(false);
    }
  });

  test("the public zone is looked up by baseDomain (public zones only) when not given", () => {
    const stack = infraOf();
    const [lookup] = Object.values<any>(stack.data!.aws_route53_zone);
    expect(lookup).toMatchObject({ name: "example.com", private_zone: false });
    expect(records(stack)["public api.demo.example.com"].zone_id).toMatch(/data\.aws_route53_zone\./);
  });

  test("a given public zone id is used as is, with no lookup", () => {
    const stack = infraOf({ dns: { publicHostedZoneId: "Z0123456789ABC" } });
    expect(stack.data?.aws_route53_zone).toBeUndefined();
    expect(records(stack)["public api.demo.example.com"].zone_id).toBe("Z0123456789ABC");
  });

  test("recordType cname: CNAME with TTL 10 to the load balancers' names", () => {
    const r = records(infraOf({ dns: { recordType: "cname" } }));
    for (const rec of Object.values(r)) {
      expect(rec).toMatchObject({ type: "CNAME", ttl: 10 });
      expect(rec.alias).toBeUndefined();
      expect(rec.records[0]).toMatch(/aws_lb\..*\.dns_name/);
    }
    expect(r["private api-int.demo.example.com"].records[0]).toMatch(/api_internal/);
  });

  test("publish: Internal has no public record and no public zone lookup", () => {
    const stack = infraOf({ publish: "Internal" });
    expect(Object.keys(records(stack)).sort()).toEqual(["private api-int.demo.example.com", "private api.demo.example.com"]);
    expect(stack.data?.aws_route53_zone).toBeUndefined();
  });
});
