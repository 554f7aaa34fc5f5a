import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildApp } from "../../examples/single-stack/app";
import { defaultTags, OpenShiftUpiCluster, readInstallDir } from "../../src";
import { EXAMPLE_INSTALL_DIR, tempDir } from "../../test-support/paths";
import { resources, resourceValues, StackJson } from "../../test-support/synth";

const count = (stack: StackJson, type: string) => resources(stack, type).length;

describe("OpenShiftUpiCluster, the composite", () => {
  test("the example app: the whole cluster in one stack of the user's own app", () => {
    const outdir = tempDir();
    buildApp(outdir).synth();
    expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual(["openshift"]);
    const stack: StackJson = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "openshift", "cdk.tf.json"), "utf8"));
    expect(stack.terraform.backend).toEqual({ local: { path: "terraform.openshift.tfstate" } });
    expect(count(stack, "aws_vpc")).toBe(1);
    expect(count(stack, "aws_subnet")).toBe(4);
    expect(count(stack, "aws_nat_gateway")).toBe(1);
    expect(
      resourceValues(stack, "aws_lb")
        .map((l) => l.name)
        .sort(),
    ).toEqual(["demo-x7k2p-ext", "demo-x7k2p-int"]);
    expect(
      resourceValues(stack, "aws_instance")
        .map((i) => i.tags.Name)
        .sort(),
    ).toEqual(["demo-x7k2p-bootstrap", "demo-x7k2p-master-0", "demo-x7k2p-master-1", "demo-x7k2p-master-2", "demo-x7k2p-worker-0", "demo-x7k2p-worker-1", "demo-x7k2p-worker-2"]);
    expect(count(stack, "aws_lb_target_group_attachment")).toBe(12);
    expect(count(stack, "aws_vpc_security_group_ingress_rule")).toBe(47 + 2);
    // Within one stack the references are direct: the only remote state is the stack's own, read
    // back to tell a lost object from another state's (src/state/own-state.ts).
    expect(Object.keys(stack.data?.terraform_remote_state ?? {})).toEqual(["own-state"]);
    expect(resourceValues(stack, "aws_instance").every((i) => !String(i.subnet_id).includes("remote_state"))).toBe(true);
  });

  test("an existing VPC, no bootstrap, and the day-2 records", () => {
    const outdir = tempDir();
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "mine");
    new AwsProvider(stack, "aws", { region: "us-east-1", defaultTags: [{ tags: defaultTags("demo-x7k2p", {}) }] });
    const assets = readInstallDir(EXAMPLE_INSTALL_DIR);
    const cluster = new OpenShiftUpiCluster(stack, "ocp", {
      clusterName: "demo",
      baseDomain: "example.com",
      infraId: "demo-x7k2p",
      region: "us-east-1",
      network: { existing: { vpcId: "vpc-0abc", publicSubnetIds: ["subnet-a"], privateSubnetIds: ["subnet-b"] } },
      rhcosAmi: "ami-0123456789abcdef0",
      ignition: assets,
      bootstrap: { enabled: false },
      ingress: { routerLoadBalancerHostname: "a1b2-123.us-east-1.elb.amazonaws.com" },
    });
    app.synth();
    expect(cluster.bootstrap).toBeUndefined();
    expect(cluster.controlPlane.machines).toHaveLength(3);
    expect(cluster.network.privateSubnetIds).toEqual(["subnet-b"]);
    const json: StackJson = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "mine", "cdk.tf.json"), "utf8"));
    expect(count(json, "aws_vpc")).toBe(0);
    expect(count(json, "aws_ec2_tag")).toBe(2);
    expect(resourceValues(json, "aws_route53_record").filter((r) => r.name === "*.apps.demo.example.com")).toHaveLength(2);
  });

  test("machines without an AMI is an error that says so", () => {
    const stack = new TerraformStack(new App({ outdir: tempDir() }), "s");
    expect(() => new OpenShiftUpiCluster(stack, "c", { clusterName: "c", baseDomain: "example.com", infraId: "c-1", region: "us-east-1" })).toThrow(
      /^s\/c: rhcosAmi: is required when machines are created; get it with: openshift-install coreos print-stream-json .*\ns\/c: ignition: is required/,
    );
  });
});
