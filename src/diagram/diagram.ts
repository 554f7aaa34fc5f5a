import type { StackJson } from "../cdktf/stack-json";
import { parseEdgeZoneName } from "../validation/edge";

/**
 * A picture of one synthesized cluster, as Graphviz DOT built from its stacks' Terraform JSON:
 * the VPC and its AZs with public and private subnets, the Local Zones and Wavelength Zones with
 * theirs and the carrier gateway, the NAT gateways and endpoints, the API
 * load balancers with their listeners, the machines in their subnets, the zones and records.
 */
interface Item {
  readonly type: string;
  readonly name: string;
  readonly attrs: Readonly<Record<string, unknown>>;
}

/** A DOT string; a line break becomes DOT's own `\n`. */
const quote = (s: string) => `"${s.replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
const nodeId = (item: Item) => quote(`${item.type}.${item.name}`);

/** Whether `value` refers to `item`, in its own stack (`${type.name.attr}`) or through remote state. */
function refersTo(value: unknown, item: Item): boolean {
  const text = JSON.stringify(value) ?? "";
  return text.includes(`${item.type}.${item.name}.`) || text.includes(`cross-stack-output-${item.type}${item.name}`);
}

/** A readable zone: the name when it is literal (with its kind for an edge zone), else its position among the region's AZs. */
function azLabel(az: unknown, index: number): string {
  if (typeof az !== "string" || az.includes("${")) return `AZ ${index + 1}`;
  const edge = parseEdgeZoneName(az)?.type;
  return edge ? `${edge === "local-zone" ? "Local Zone" : "Wavelength Zone"} ${az}` : az;
}

export function clusterDot(clusterName: string, stacks: Readonly<Record<string, StackJson>>): string {
  const all: Item[] = Object.values(stacks).flatMap((stack) =>
    Object.entries(stack.resource ?? {}).flatMap(([type, byName]) => Object.entries(byName).map(([name, attrs]) => ({ type, name, attrs }))),
  );
  const of = (type: string) => all.filter((i) => i.type === type);
  const label = (item: Item, fallback: string) => {
    const name = (item.attrs.tags as Readonly<Record<string, unknown>> | undefined)?.Name ?? item.attrs.name;
    return typeof name === "string" ? name : fallback;
  };
  const lines = [
    `digraph ${quote(clusterName)} {`,
    `  label=${quote(`OpenShift cluster ${clusterName}`)}; labelloc=t; rankdir=LR; compound=true; fontname="Helvetica";`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];`,
  ];
  const instances = of("aws_instance");
  const inSubnet = (subnet: Item) => instances.filter((m) => refersTo(m.attrs.subnet_id, subnet));
  const machine = (m: Item) => `      ${nodeId(m)} [label=${quote(label(m, m.name))}, fillcolor="#e8f0fe"];`;

  const [vpc] = of("aws_vpc");
  lines.push(`  subgraph "cluster_vpc" {`, `    label=${quote(vpc ? `VPC ${label(vpc, "")} ${String(vpc.attrs.cidr_block)}` : "VPC (existing)")}; style=rounded;`);
  const subnets = of("aws_subnet");
  const azs = [...new Set(subnets.map((s) => JSON.stringify(s.attrs.availability_zone)))];
  azs.forEach((az, i) => {
    lines.push(`    subgraph ${quote(`cluster_az_${i}`)} {`, `      label=${quote(azLabel(JSON.parse(az), i))}; style=dashed;`);
    for (const subnet of subnets.filter((s) => JSON.stringify(s.attrs.availability_zone) === az)) {
      const kind = subnet.name.includes("public") ? "public" : "private";
      lines.push(
        `      subgraph ${quote(`cluster_${subnet.name}`)} {`,
        `        label=${quote(`${kind} subnet ${String(subnet.attrs.cidr_block)}`)}; style="rounded,filled"; fillcolor=${kind === "public" ? '"#fef7e0"' : '"#e6f4ea"'};`,
        `        ${quote(`anchor.${subnet.name}`)} [shape=point, style=invis];`,
      );
      for (const nat of of("aws_nat_gateway").filter((n) => refersTo(n.attrs.subnet_id, subnet))) {
        lines.push(`        ${nodeId(nat)} [label="NAT gateway", shape=diamond];`);
      }
      inSubnet(subnet).forEach((m) => lines.push(`  ${machine(m)}`));
      lines.push("      }");
    }
    lines.push("    }");
  });
  // The carrier gateway, to the subnets whose route table sends the internet to it.
  for (const gateway of of("aws_ec2_carrier_gateway")) {
    lines.push(`    ${nodeId(gateway)} [label="carrier gateway", shape=diamond];`);
    const tables = of("aws_route")
      .filter((r) => refersTo(r.attrs.carrier_gateway_id, gateway))
      .map((r) => r.attrs.route_table_id);
    const served = of("aws_route_table_association").filter((a) => tables.some((t) => JSON.stringify(t) === JSON.stringify(a.attrs.route_table_id)));
    for (const subnet of subnets.filter((s) => served.some((a) => refersTo(a.attrs.subnet_id, s)))) {
      lines.push(`    ${nodeId(gateway)} -> ${quote(`anchor.${subnet.name}`)} [lhead=${quote(`cluster_${subnet.name}`)}, arrowhead=none];`);
    }
  }
  // Machines in subnets the cluster did not create (an existing VPC).
  const placed = new Set(subnets.flatMap(inSubnet));
  instances.filter((m) => !placed.has(m)).forEach((m) => lines.push(machine(m)));
  for (const endpoint of of("aws_vpc_endpoint")) {
    const service = String(endpoint.attrs.service_name).split(".").pop();
    lines.push(`    ${nodeId(endpoint)} [label=${quote(`${service} endpoint (${String(endpoint.attrs.vpc_endpoint_type)})`)}, shape=cds];`);
  }
  lines.push("  }");

  const listeners = of("aws_lb_listener");
  const groups = of("aws_lb_target_group");
  for (const lb of of("aws_lb")) {
    const ports = listeners.filter((l) => refersTo(l.attrs.load_balancer_arn, lb)).map((l) => `${String(l.attrs.protocol)} ${String(l.attrs.port)}`);
    lines.push(
      `  ${nodeId(lb)} [label=${quote(`NLB ${String(lb.attrs.name)} (${lb.attrs.internal ? "internal" : "internet-facing"})\n${ports.join(", ")}`)}, fillcolor="#fce8e6"];`,
    );
    const lbGroups = groups.filter((g) => listeners.some((l) => refersTo(l.attrs.load_balancer_arn, lb) && refersTo(l.attrs.default_action, g)));
    const targets = instances.filter((m) =>
      of("aws_lb_target_group_attachment").some((a) => lbGroups.some((g) => refersTo(a.attrs.target_group_arn, g)) && refersTo(a.attrs.target_id, m)),
    );
    targets.forEach((m) => lines.push(`  ${nodeId(lb)} -> ${nodeId(m)} [color="#c5221f"];`));
  }

  // An existing private zone is read by its id (the public zone by its name).
  const existingZones: Item[] = Object.values(stacks).flatMap((stack) =>
    Object.entries(stack.data?.aws_route53_zone ?? {})
      .filter(([, attrs]) => attrs.zone_id)
      .map(([name, attrs]) => ({ type: "data.aws_route53_zone", name, attrs })),
  );
  const zones = [...of("aws_route53_zone"), ...existingZones];
  const records = of("aws_route53_record");
  for (const zone of zones) {
    const what = zone.type === "aws_route53_zone" ? String(zone.attrs.name) : `${String(zone.attrs.zone_id)} (existing)`;
    lines.push(`  ${nodeId(zone)} [label=${quote(`private zone ${what}`)}, shape=folder];`);
  }
  const publicZone = `"zone.public"`;
  if (records.some((r) => !zones.some((z) => refersTo(r.attrs.zone_id, z)))) lines.push(`  ${publicZone} [label="public zone", shape=folder];`);
  for (const record of records) {
    const zone = zones.find((z) => refersTo(record.attrs.zone_id, z));
    lines.push(`  ${nodeId(record)} [label=${quote(`${String(record.attrs.type)} ${String(record.attrs.name)}`)}, shape=note];`);
    lines.push(`  ${zone ? nodeId(zone) : publicZone} -> ${nodeId(record)} [arrowhead=none];`);
    const target = of("aws_lb").find((lb) => refersTo(record.attrs.alias ?? record.attrs.records, lb));
    if (target) lines.push(`  ${nodeId(record)} -> ${nodeId(target)};`);
  }
  lines.push("}");
  return lines.join("\n");
}
