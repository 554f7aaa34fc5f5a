import { RECORD_PREFIX } from "../../src/guards/guards";
import { baseCluster, resources, resourceValues, synthCluster } from "../../test-support/synth";

const infraOf = (extra: Record<string, unknown> = {}) => synthCluster(baseCluster(extra)).stack("infra");

describe("ApiLoadBalancers", () => {
  const infra = infraOf();
  const lbs = Object.fromEntries(resourceValues(infra, "aws_lb").map((l) => [l.name, l]));
  const groups = resources(infra, "aws_lb_target_group");
  const listeners = resourceValues(infra, "aws_lb_listener");

  test("two NLBs: external in the public subnets, internal in the private ones", () => {
    expect(Object.keys(lbs).sort()).toEqual(["demo-x7k2p-ext", "demo-x7k2p-int"]);
    expect(lbs["demo-x7k2p-ext"]).toMatchObject({ load_balancer_type: "network", internal: false, ip_address_type: "ipv4" });
    expect(lbs["demo-x7k2p-int"]).toMatchObject({ load_balancer_type: "network", internal: true, ip_address_type: "ipv4" });
    expect(lbs["demo-x7k2p-ext"].subnets.every((s: string) => /public-subnet/.test(s))).toBe(true);
    expect(lbs["demo-x7k2p-int"].subnets.every((s: string) => /private-subnet/.test(s))).toBe(true);
    expect(lbs["demo-x7k2p-int"].subnets).toHaveLength(3);
  });

  test.each([
    ["external-api", "ext", 6443, "/readyz"],
    ["internal-api", "int", 6443, "/readyz"],
    ["internal-service", "int", 22623, "/healthz"],
  ])("%s: TCP %s:%s to its own IP target group, HTTPS %s health check", (purpose, lb, port, path) => {
    const [groupName, group] = groups.find(([n]) => n.startsWith(`api_${purpose}-target-group`))!;
    expect(group).toMatchObject({ port, protocol: "TCP", target_type: "ip", deregistration_delay: "60" });
    expect(group.health_check).toEqual({
      protocol: "HTTPS",
      path,
      port: String(port),
      interval: 10,
      healthy_threshold: 2,
      unhealthy_threshold: 2,
    });
    const listener = listeners.find((l) => l.default_action[0].target_group_arn.includes(groupName))!;
    expect(listener).toMatchObject({ port, protocol: "TCP" });
    expect(listener.default_action[0].type).toBe("forward");
    expect(listener.load_balancer_arn).toContain(lb === "ext" ? "api_external_" : "api_internal_");
  });

  test("target group names fit the 32-character limit with the longest infra ID", () => {
    const longId = `a${"b".repeat(26)}`;
    const stack = infraOf({ infraId: longId });
    for (const group of resourceValues(stack, "aws_lb_target_group")) expect(group.name.length).toBeLessThanOrEqual(32);
    for (const lb of resourceValues(stack, "aws_lb")) expect(lb.name.length).toBeLessThanOrEqual(32);
  });

  test("publish: Internal has no external NLB, listener or target group", () => {
    const stack = infraOf({ publish: "Internal" });
    expect(resourceValues(stack, "aws_lb").map((l) => l.name)).toEqual(["demo-x7k2p-int"]);
    expect(resources(stack, "aws_lb_listener")).toHaveLength(2);
    expect(resources(stack, "aws_lb_target_group")).toHaveLength(2);
    expect(stack.output!.ExternalApiTargetGroupArn).toBeUndefined();
  });

  test("outputs named like the CloudFormation outputs", () => {
    expect(
      Object.keys(infra.output!)
        .filter((k) => !k.startsWith("cross-stack") && !k.startsWith(RECORD_PREFIX) && k !== "StateOwner")
        .sort(),
    ).toEqual(
      [
        "PrivateHostedZoneId",
        "ExternalApiLoadBalancerName",
        "InternalApiLoadBalancerName",
        "ApiServerDnsName",
        "ExternalApiTargetGroupArn",
        "InternalApiTargetGroupArn",
        "InternalServiceTargetGroupArn",
        "MasterSecurityGroupId",
        "WorkerSecurityGroupId",
        "MasterInstanceProfile",
        "WorkerInstanceProfile",
      ].sort(),
    );
    expect(infra.output!.ApiServerDnsName.value).toBe("api-int.demo.example.com");
  });
});
