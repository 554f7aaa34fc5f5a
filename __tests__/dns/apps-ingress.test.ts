import * as fs from "node:fs";
import * as path from "node:path";
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

  // Day 2 deploys the ingress stack alone (README: `cdktf deploy <clusterName>-ingress
  // --ignore-missing-stack-dependencies`), reading the zones from infra's state as applied at
  // install: had turning it on added an output to infra, that state would not hold it yet.
  test.each([
    ["publish: External", {}],
    ["publish: Internal", { publish: "Internal" }],
    [
      "the network team's zone",
      {
        publish: "Internal",
        network: { existingVpc: { vpcId: "vpc-0a1b2c3d", privateSubnetIds: ["subnet-0a1b2c3d"] } },
        dns: { privateHostedZoneId: "Z0PRIVATE12345", hostedZoneRoleArn: "arn:aws:iam::111122223333:role/openshift-dns" },
      },
    ],
  ])("%s: turning the records on changes no other stack, infra's outputs included", (_, extra) => {
    const withIngress = ingressOf(extra);
    const without = synthCluster(baseCluster(extra));
    for (const name of Object.keys(without.json).filter((n) => n !== "demo-ingress")) expect(withIngress.json[name]).toEqual(without.json[name]);
    const manifest = JSON.parse(fs.readFileSync(path.join(without.outdir, "manifest.json"), "utf8"));
    expect(manifest.stacks["demo-ingress"].dependencies).toEqual(["demo-infra"]);
  });
});
