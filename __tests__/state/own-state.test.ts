import { baseCluster, StackJson, synthCluster } from "../../test-support/synth";

/**
 * Every object that exists once per cluster is guarded against a second copy built by another
 * state (a changed backend, another checkout): a lookup by its name and cluster tag, an import
 * block that adopts only into a state that has been applied before, and two preconditions.
 */
const result = synthCluster(baseCluster());
const APPLIED = "anytrue([for s in data.terraform_remote_state.own-state : length(s.outputs) >= 1])";

const guarded: [stack: string, type: string, name: string, lookup: RegExp][] = [
  ["network", "aws_vpc", "demo-x7k2p-vpc", /^data\.aws_vpcs\.[\w-]+\.ids$/],
  ["infra", "aws_lb", "demo-x7k2p-ext", /^data\.aws_lbs\.[\w-]+\.arns$/],
  ["infra", "aws_lb", "demo-x7k2p-int", /^data\.aws_lbs\.[\w-]+\.arns$/],
  ["infra", "aws_security_group", "demo-x7k2p-master-sg", /^data\.aws_security_groups\.[\w-]+\.ids$/],
  ["infra", "aws_security_group", "demo-x7k2p-worker-sg", /^data\.aws_security_groups\.[\w-]+\.ids$/],
  ["infra", "aws_iam_role", "demo-x7k2p-master-role", /^data\.aws_iam_roles\.[\w-]+\.names$/],
  ["infra", "aws_iam_role", "demo-x7k2p-worker-role", /^data\.aws_iam_roles\.[\w-]+\.names$/],
  ["bootstrap", "aws_security_group", "demo-x7k2p-bootstrap-sg", /^data\.aws_security_groups\.[\w-]+\.ids$/],
  ["bootstrap", "aws_iam_role", "demo-x7k2p-bootstrap-role", /^data\.aws_iam_roles\.[\w-]+\.names$/],
  ["machines", "aws_instance", "demo-x7k2p-master-0", /^data\.aws_instances\.[\w-]+\.ids$/],
];

function find(stack: StackJson, type: string, name: string): [string, any] {
  const found = Object.entries(stack.resource?.[type] ?? {}).find(([, r]) => (r.name ?? r.tags?.Name) === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

test.each(guarded)("%s: %s %s is looked up live, adopted only by an applied state, and refused beside another state's", (suffix, type, name, lookupForm) => {
  const stack = result.stack(suffix);
  const [address, attrs] = find(stack, type, name);
  const block = (stack as any).import.find((b: any) => b.to === `${type}.${address}`);
  // Set-typed attributes (ARNs, names) come wrapped in tolist().
  const lookup = /\? toset\((.+)\) : toset\(\[\]\)\}$/.exec(block.for_each)![1];
  expect(lookup.replace(/^tolist\((.*)\)$/, "$1")).toMatch(lookupForm);
  expect(block).toEqual({ for_each: `\${${APPLIED} ? toset(${lookup}) : toset([])}`, id: "${each.value}", to: `${type}.${address}` });
  const conditions = attrs.lifecycle.precondition.map((p: any) => p.condition);
  expect(conditions).toContain(`\${(length(${lookup}) <= 1)}`);
  expect(conditions).toContain(`\${((length(${lookup}) < 1) || ${APPLIED})}`);
  // The state read back is the stack's own, through its own backend.
  expect(stack.data!.terraform_remote_state["own-state"]).toMatchObject({
    backend: "local",
    config: { path: `../../../terraform.${Object.keys(result.json).find((n) => n.endsWith(suffix))}.tfstate` },
  });
});

test("the lookups: by Name and the cluster's owned tag where AWS filters on tags, by exact name for IAM", () => {
  const network = result.stack("network");
  expect(Object.values(network.data!.aws_vpcs)[0].filter).toEqual([
    { name: "tag:Name", values: ["demo-x7k2p-vpc"] },
    { name: "tag:kubernetes.io/cluster/demo-x7k2p", values: ["owned"] },
  ]);
  const infra = result.stack("infra");
  expect(Object.values(infra.data!.aws_lbs).map((d: any) => d.tags)).toEqual([
    { Name: "demo-x7k2p-ext", "kubernetes.io/cluster/demo-x7k2p": "owned" },
    { Name: "demo-x7k2p-int", "kubernetes.io/cluster/demo-x7k2p": "owned" },
  ]);
  expect(Object.values(infra.data!.aws_security_groups).map((d: any) => d.filter)).toContainEqual([
    { name: "group-name", values: ["demo-x7k2p-master-sg"] },
    { name: "tag:kubernetes.io/cluster/demo-x7k2p", values: ["owned"] },
  ]);
  expect(
    Object.values(infra.data!.aws_iam_roles)
      .map((d: any) => d.name_regex)
      .sort(),
  ).toEqual(["^demo-x7k2p-master-role$", "^demo-x7k2p-worker-role$"]);
});

test("a stack without singular objects reads no state of its own back (the ingress stack reads only infra's outputs)", () => {
  expect(Object.keys(result.stack("ingress").data!)).toEqual(["terraform_remote_state"]);
  expect(Object.keys(result.stack("ingress").data!.terraform_remote_state)).toEqual(["cross-stack-reference-input-demo-infra"]);
});

describe("the state is read only when a guarded object is live and the state exists", () => {
  test("local backend: the state file beside the output folder", () => {
    const own = result.stack("network").data!.terraform_remote_state["own-state"];
    expect(own.count).toMatch(/^\$\{min\(1, sum\(\[length\(data\.aws_vpcs\.[\w-]+\.ids\)\]\), fileexists\("\.\.\/\.\.\/\.\.\/terraform\.demo-network\.tfstate"\) \? 1 : 0\)\}$/);
  });

  test("s3 backend: the state object listed in its bucket, through a provider of the bucket's region when it differs", () => {
    const s3 = synthCluster(baseCluster({ backend: { type: "s3", s3: { bucket: "tf-state", region: "eu-west-1" } } }));
    const network = s3.stack("network");
    const [[name, objects]] = Object.entries(network.data!.aws_s3_objects);
    expect(objects).toMatchObject({ bucket: "tf-state", prefix: "openshift/demo/demo-network.tfstate", provider: "aws.state" });
    expect(network.provider.aws.find((p: any) => p.alias === "state")).toMatchObject({ region: "eu-west-1" });
    expect(network.data!.terraform_remote_state["own-state"].count).toContain(`contains(data.aws_s3_objects.${name}.keys, "openshift/demo/demo-network.tfstate") ? 1 : 0`);
    const sameRegion = synthCluster(baseCluster({ backend: { type: "s3", s3: { bucket: "tf-state" } } })).stack("network");
    expect(Object.values(sameRegion.data!.aws_s3_objects)[0].provider).toBeUndefined();
    expect(sameRegion.provider.aws).toHaveLength(1);
  });

  test("cloud backend: read whenever a guarded object is live (Terraform stops on a workspace without state)", () => {
    const cloud = synthCluster(baseCluster({ backend: { type: "cloud", cloud: { organization: "acme" } } })).stack("network");
    expect(cloud.data!.terraform_remote_state["own-state"]).toMatchObject({
      backend: "remote",
      config: { organization: "acme", workspaces: { name: "demo-network" } },
      count: expect.stringMatching(/^\$\{min\(1, sum\(\[length\(data\.aws_vpcs\.[\w-]+\.ids\)\]\)\)\}$/),
    });
  });
});

test("a constant output marks a state as applied from the first moment of an apply (an interrupted first apply included)", () => {
  for (const suffix of ["network", "infra", "bootstrap", "machines"]) {
    expect(result.stack(suffix).output!.StateOwner.value).toBe(Object.keys(result.json).find((n) => n.endsWith(`-${suffix}`)));
  }
  expect(result.stack("ingress").output).toBeUndefined();
});
