import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../../test-support/paths";
import { requireTerraform, terraform } from "../../test-support/terraform";

/**
 * What the DNS and load-balancer guards compare (src/dns/cluster-dns.ts,
 * src/loadbalancing/api-load-balancers.ts) is what makes the pinned AWS provider replace the
 * object: a plan of edited configurations against a hand-written state, with no AWS call
 * (-refresh=false, a provider that checks no credential). A provider upgrade that turns an
 * in-place change into a replacement fails here, before a guard misses it.
 */
// An init from the provider mirror and a plan, niced beside the emulator suites (test-support/setup.ts):
// seconds alone, over two minutes in a loaded npm test. As the validate suites.
jest.setTimeout(600_000);

const PROVIDER = `provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
`;

const record = (zoneId: string, name: string, type: string) => ({
  id: `${zoneId}_${name}_${type}`,
  zone_id: zoneId,
  name,
  type,
  alias: [{ name: "lb.example.com", zone_id: "Z26RNL4JYFTOTI", evaluate_target_health: false }],
  fqdn: name,
  set_identifier: "",
});
const alias = `alias {
    name                   = "lb.example.com"
    zone_id                = "Z26RNL4JYFTOTI"
    evaluate_target_health = false
  }`;
const zone = (name: string, vpcId: string) => ({
  id: "Z111",
  zone_id: "Z111",
  name,
  vpc: [{ vpc_id: vpcId, vpc_region: "us-east-1" }],
  delegation_set_id: "",
  force_destroy: true,
});
const nlb = (subnets: string[]) => ({
  id: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/demo-ext/1",
  arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/demo-ext/1",
  name: "demo-ext",
  load_balancer_type: "network",
  internal: false,
  ip_address_type: "ipv4",
  subnets,
  subnet_mapping: subnets.map((subnet_id) => ({ subnet_id, allocation_id: "", ipv6_address: "", outpost_id: "", private_ipv4_address: "" })),
  security_groups: [],
});
const nlbConfig = (name: string, subnets: string[]) =>
  `resource "aws_lb" "${name}" {
  name               = "demo-ext"
  load_balancer_type = "network"
  internal           = false
  ip_address_type    = "ipv4"
  subnets            = ${JSON.stringify(subnets)}
}`;

/** [resource type, name, its state, its edited configuration, the action the provider plans]. */
const CASES: [string, string, object, string, string][] = [
  ["aws_route53_record", "zone_id", record("Z111", "api.demo.example.com", "A"), `zone_id = "Z222"\n  name = "api.demo.example.com"\n  type = "A"\n  ${alias}`, "replace"],
  ["aws_route53_record", "name", record("Z111", "api.demo.example.com", "A"), `zone_id = "Z111"\n  name = "api.other.example.com"\n  type = "A"\n  ${alias}`, "replace"],
  // recordType alias -> cname: one change batch, no window without the name.
  [
    "aws_route53_record",
    "type",
    record("Z111", "api.demo.example.com", "A"),
    `zone_id = "Z111"\n  name = "api.demo.example.com"\n  type = "CNAME"\n  ttl = 10\n  records = ["lb.example.com"]`,
    "update",
  ],
  ["aws_route53_zone", "name", zone("demo.example.com", "vpc-111"), `name = "other.example.com"\n  force_destroy = true\n  vpc {\n    vpc_id = "vpc-111"\n  }`, "replace"],
  ["aws_route53_zone", "vpc", zone("demo.example.com", "vpc-111"), `name = "demo.example.com"\n  force_destroy = true\n  vpc {\n    vpc_id = "vpc-222"\n  }`, "update"],
  ["aws_lb", "subnet_added", nlb(["subnet-1"]), "", "update"],
  ["aws_lb", "subnet_removed", nlb(["subnet-1", "subnet-2"]), "", "replace"],
];
const config = ([type, name, , body]: (typeof CASES)[number]) =>
  type === "aws_lb" ? nlbConfig(name, name === "subnet_added" ? ["subnet-1", "subnet-2"] : ["subnet-1"]) : `resource "${type}" "${name}" {\n  ${body}\n}`;

test("AWS provider 5.100 replaces a record for a new zone_id or name, a private zone for a new name, an NLB for a lost subnet; the rest changes in place", async () => {
  requireTerraform();
  const dir = tempDir("upi-replacements-");
  try {
    fs.writeFileSync(path.join(dir, "main.tf"), [PROVIDER, ...CASES.map(config)].join("\n"));
    const resources = CASES.map(([type, name, attributes]) => ({
      mode: "managed",
      type,
      name,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ schema_version: type === "aws_route53_record" ? 2 : 0, attributes }],
    }));
    fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 1, lineage: "guards", outputs: {}, resources }));
    const init = await terraform(dir, ["init", "-input=false", "-backend=false"]);
    expect(init.code).toBe(0);
    const plan = await terraform(dir, ["plan", "-refresh=false", "-input=false", "-json"]);
    const actions = Object.fromEntries(
      plan.stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l))
        .filter((m) => m.type === "planned_change")
        .map((m) => [m.change.resource.addr, m.change.action]),
    );
    expect({ code: plan.code, actions }).toEqual({ code: 0, actions: Object.fromEntries(CASES.map(([type, name, , , action]) => [`${type}.${name}`, action])) });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
