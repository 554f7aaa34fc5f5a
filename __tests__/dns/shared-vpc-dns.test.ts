import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { ClusterDns } from "../../src/dns/cluster-dns";
import { baseCluster, resources, resourceValues, synthCluster, StackJson } from "../../test-support/synth";

const ROLE = "arn:aws:iam::111122223333:role/dns";
const existingVpc = { vpcId: "vpc-0abc", privateSubnetIds: ["subnet-b", "subnet-c"] };
const sharedVpc = (dns: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  synthCluster(
    baseCluster({
      publish: "Internal",
      network: { existingVpc },
      dns: { privateHostedZoneId: "Z0PRIV", ...dns },
      ingress: { routerLoadBalancerHostname: "router-0123.elb.us-east-1.amazonaws.com" },
      ...extra,
    }),
  );

/** The stack's providers, by alias ("" for the default one). */
const providers = (stack: StackJson): Record<string, any> => Object.fromEntries((stack.provider.aws as any[]).map((p) => [p.alias ?? "", p]));

describe("an existing private zone (dns.privateHostedZoneId)", () => {
  const result = sharedVpc({});
  const infra = result.stack("infra");

  test("no zone is created; the records go into the given zone, read first", () => {
    expect(resources(infra, "aws_route53_zone")).toEqual([]);
    const [lookup] = Object.values<any>(infra.data!.aws_route53_zone);
    expect(lookup.zone_id).toBe("Z0PRIV");
    const records = resourceValues(infra, "aws_route53_record");
    expect(records.map((r) => r.name).sort()).toEqual(["api-int.demo.example.com", "api.demo.example.com"]);
    for (const r of records) expect(r.zone_id).toMatch(/^\$\{data\.aws_route53_zone\..*\.zone_id\}$/);
    expect(infra.output!.PrivateHostedZoneId.value).toMatch(/data\.aws_route53_zone/);
  });

  test("the plan stops unless the zone is the private <cluster>.<domain>", () => {
    const [lookup] = Object.values<any>(infra.data!.aws_route53_zone);
    expect(lookup.lifecycle.postcondition).toEqual([
      {
        condition: '${self.private_zone && trimsuffix(lower(self.name), ".") == "demo.example.com"}',
        error_message: expect.stringMatching(/^dns\.privateHostedZoneId Z0PRIV must be the private zone demo\.example\.com/),
      },
    ]);
  });

  test("without a role, everything stays on the stack's own provider", () => {
    expect(Object.keys(providers(infra))).toEqual([""]);
    for (const r of resourceValues(infra, "aws_route53_record")) expect(r.provider).toBeUndefined();
  });
});

describe("records through the zone owner's role (dns.hostedZoneRoleArn)", () => {
  const result = sharedVpc(
    { hostedZoneRoleArn: ROLE, etcdRecords: true },
    { aws: { serviceEndpoints: { route53: "https://route53.internal", sts: "https://sts.internal" }, maxRetries: 4 } },
  );
  const infra = result.stack("infra");

  test("a second aws provider assumes the role, with the stack's region, endpoints and retries", () => {
    const p = providers(infra);
    expect(Object.keys(p).sort()).toEqual(["", "assumed_role"]);
    expect(p.assumed_role).toMatchObject({
      region: "us-east-1",
      assume_role: [{ role_arn: ROLE, session_name: "openshift-upi" }],
      max_retries: 4,
      endpoints: [expect.objectContaining({ route53: "https://route53.internal", sts: "https://sts.internal" })],
    });
    // The cluster's default tags name the cluster's account's objects, not the zone owner's.
    expect(p.assumed_role.default_tags).toBeUndefined();
  });

  test("every private record and the zone lookup are on it, in every stack that writes one", () => {
    const onAssumed = (stack: StackJson) => resourceValues(stack, "aws_route53_record").map((r) => [r.name, r.provider]);
    expect(onAssumed(infra).sort()).toEqual([
      ["api-int.demo.example.com", "aws.assumed_role"],
      ["api.demo.example.com", "aws.assumed_role"],
    ]);
    expect(Object.values(infra.data!.aws_route53_zone)[0].provider).toBe("aws.assumed_role");
    const machines = result.stack("machines");
    expect(Object.keys(providers(machines)).sort()).toEqual(["", "assumed_role"]);
    expect(new Set(resourceValues(machines, "aws_route53_record").map((r) => r.provider))).toEqual(new Set(["aws.assumed_role"]));
    const ingress = result.stack("ingress");
    expect(onAssumed(ingress)).toEqual([["*.apps.demo.example.com", "aws.assumed_role"]]);
  });

  test("the network team's zone gets nothing but records: no association, tag or zone change", () => {
    for (const type of ["aws_route53_zone", "aws_route53_zone_association", "aws_route53_vpc_association_authorization"]) {
      expect(resources(infra, type)).toEqual([]);
    }
  });

  test("a provider that itself assumes a role chains the zone role after it (library use)", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: "eu-west-1", assumeRole: [{ roleArn: "arn:aws:iam::123456789012:role/deployer" }], allowedAccountIds: ["123456789012"] });
    const dns = new ClusterDns(stack, "dns", { clusterName: "c", baseDomain: "example.com", infraId: "c-1", vpcId: "vpc-1", privateHostedZoneId: "Z1", hostedZoneRoleArn: ROLE });
    dns.addRecord("api", "private", "api", { dnsName: "lb", zoneId: "Z2" });
    const json = JSON.parse(Testing.synth(stack));
    const assumed = json.provider.aws.find((p: any) => p.alias);
    expect(assumed.region).toBe("eu-west-1");
    expect(assumed.assume_role.map((r: any) => r.role_arn)).toEqual(["arn:aws:iam::123456789012:role/deployer", ROLE]);
    expect(assumed.allowed_account_ids).toBeUndefined();
  });
});
