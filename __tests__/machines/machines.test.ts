import * as fs from "node:fs";
import * as path from "node:path";
import { EXAMPLE_INSTALL_DIR } from "../../test-support/paths";
import { baseCluster, countResources, resources, resourceValues, synthCluster, StackJson } from "../../test-support/synth";

const ign = (file: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLE_INSTALL_DIR, file), "utf8"));
const MASTER_CA = ign("master.ign").ignition.security.tls.certificateAuthorities[0].source;
const WORKER_CA = ign("worker.ign").ignition.security.tls.certificateAuthorities[0].source;

const instances = (stack: StackJson): Record<string, any> => Object.fromEntries(resourceValues(stack, "aws_instance").map((i) => [i.tags.Name, i]));

describe("control plane and compute", () => {
  const result = synthCluster(baseCluster());
  const machines = result.stack("machines");
  const byName = instances(machines);

  test("3 masters and 2 workers by default, named <infraId>-<role>-N", () => {
    expect(Object.keys(byName).sort()).toEqual(["demo-x7k2p-master-0", "demo-x7k2p-master-1", "demo-x7k2p-master-2", "demo-x7k2p-worker-0", "demo-x7k2p-worker-1"]);
  });

  test.each([
    ["demo-x7k2p-master-0", "master", MASTER_CA],
    ["demo-x7k2p-worker-1", "worker", WORKER_CA],
  ])("%s user data: an Ignition 3.1.0 merge of the machine config server with the CA of %s.ign", (name, role, ca) => {
    const userData = JSON.parse(byName[name].user_data);
    expect(userData.ignition.version).toBe("3.1.0");
    expect(userData.ignition.config.merge).toEqual([{ source: `https://api-int.demo.example.com:22623/config/${role}` }]);
    expect(userData.ignition.security.tls.certificateAuthorities).toEqual([{ source: ca }]);
    expect(Object.keys(userData)).toEqual(["ignition"]);
  });

  test("every machine: IMDSv2 required, encrypted gp3 root of 120 GiB, no public IP, cluster tags", () => {
    for (const instance of Object.values(byName)) {
      expect(instance.metadata_options).toMatchObject({ http_tokens: "required", http_endpoint: "enabled" });
      expect(instance.root_block_device).toMatchObject({ volume_size: 120, volume_type: "gp3", encrypted: true });
      expect(instance.associate_public_ip_address).toBe(false);
      expect(instance.tags["kubernetes.io/cluster/demo-x7k2p"]).toBe("owned");
      expect(instance.ami).toBe("ami-0123456789abcdef0");
    }
  });

  /** The AZ slot a machine is first placed in, kept in the state by its terraform_data. */
  const placement = (stack: StackJson, name: string) => {
    const slot = /terraform_data\.([\w-]+)\.output\.azIndex/.exec(instances(stack)[name].subnet_id)![1];
    return stack.resource!.terraform_data[slot];
  };

  test("placement: round-robin when first planned, then kept in the state whatever the AZ count", () => {
    const slots = (stack: StackJson, names: string[]) => names.map((n) => placement(stack, n).input.azIndex);
    const all = Object.keys(byName).sort();
    expect(all.map((n, i) => [n, slots(machines, all)[i]])).toEqual([
      ["demo-x7k2p-master-0", 0],
      ["demo-x7k2p-master-1", 1],
      ["demo-x7k2p-master-2", 2],
      ["demo-x7k2p-worker-0", 0],
      ["demo-x7k2p-worker-1", 1],
    ]);
    for (const name of all) {
      expect(placement(machines, name).lifecycle).toEqual({ ignore_changes: ["input"] });
      // The subnet is picked from the network's private subnets by the recorded slot.
      expect(byName[name].subnet_id).toMatch(/^\$\{element\(\[.*private-subnet-0.*private-subnet-1.*private-subnet-2.*\], terraform_data\..*\.output\.azIndex\)\}$/);
    }
    // A slot the network no longer has stops the plan, naming the machine.
    const [guard] = byName["demo-x7k2p-master-2"].lifecycle.precondition;
    expect(guard.condition).toMatch(/^\$\{\(terraform_data\.[\w-]+\.output\.azIndex < length\(\[.*\]\)\)\}$/);
    expect(guard.error_message).toMatch(
      /^demo-x7k2p-master-2 lives in the private subnet of availability zone \$\{sum\(.*\)\}, which network\.availabilityZones no longer includes/,
    );
  });

  test("a new AMI or Ignition pointer applies to machines created from then on: never a replacement or a stop", () => {
    for (const instance of Object.values(byName)) expect(instance.lifecycle.ignore_changes).toEqual(["ami", "user_data", "user_data_base64"]);
  });

  test("master group and profile", () => {
    expect(byName["demo-x7k2p-master-0"].instance_type).toBe("m6i.xlarge");
    expect(byName["demo-x7k2p-worker-0"].instance_type).toBe("m6i.large");
    expect(byName["demo-x7k2p-master-0"].vpc_security_group_ids).toHaveLength(1);
    expect(byName["demo-x7k2p-master-0"].vpc_security_group_ids[0]).toMatch(/security-groups_master/);
    expect(byName["demo-x7k2p-worker-0"].vpc_security_group_ids[0]).toMatch(/security-groups_worker/);
    expect(byName["demo-x7k2p-master-0"].iam_instance_profile).toMatch(/master-iam_profile/);
    expect(byName["demo-x7k2p-worker-0"].iam_instance_profile).toMatch(/worker-iam_profile/);
  });

  test("9 registrations for 3 masters, by private IP on each group's port; none for workers", () => {
    const attachments = resources(machines, "aws_lb_target_group_attachment");
    expect(attachments).toHaveLength(9);
    expect(attachments.every(([n]) => n.startsWith("control-plane_master-"))).toBe(true);
    const ports = attachments.map(([, a]) => `${/(external-api|internal-api|internal-service)/.exec(a.target_group_arn)![1]}:${a.port}`);
    expect(ports.filter((p) => p === "external-api:6443")).toHaveLength(3);
    expect(ports.filter((p) => p === "internal-api:6443")).toHaveLength(3);
    expect(ports.filter((p) => p === "internal-service:22623")).toHaveLength(3);
    expect(attachments.every(([, a]) => /aws_instance\..*\.private_ip/.test(a.target_id))).toBe(true);
  });

  test("replicas, instance types and root volumes from the file", () => {
    const stack = synthCluster(
      baseCluster({
        machines: {
          rhcosAmi: "ami-0123456789abcdef0",
          controlPlane: { instanceType: "m6i.2xlarge", rootVolume: { sizeGiB: 250, type: "io1", iops: 4000, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" } },
          compute: { replicas: 5, instanceType: "m6i.4xlarge" },
        },
        network: { availabilityZones: 2 },
      }),
    ).stack("machines");
    const all = Object.values(instances(stack));
    expect(all).toHaveLength(8);
    const compute = all.filter((i) => i.tags.Name.includes("-worker-"));
    expect(compute.map((i) => i.instance_type)).toEqual(Array(5).fill("m6i.4xlarge"));
    expect(compute[4].subnet_id).toMatch(/private-subnet-0/);
    expect(instances(stack)["demo-x7k2p-master-0"].root_block_device).toMatchObject({
      volume_size: 250,
      volume_type: "io1",
      iops: 4000,
      encrypted: true,
      kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/abc",
    });
    expect(resources(stack, "aws_lb_target_group_attachment")).toHaveLength(9);
  });

  test("etcdRecords: SRV and A records for each master, TTL 60, in the private zone", () => {
    const stack = synthCluster(baseCluster({ dns: { etcdRecords: true } })).stack("machines");
    const records = resourceValues(stack, "aws_route53_record");
    const srv = records.find((r) => r.type === "SRV");
    expect(srv).toMatchObject({ name: "_etcd-server-ssl._tcp.demo.example.com", ttl: 60 });
    expect(srv.records).toEqual([0, 1, 2].map((i) => `0 10 2380 etcd-${i}.demo.example.com`));
    const a = records.filter((r) => r.type === "A");
    expect(a.map((r) => r.name)).toEqual([0, 1, 2].map((i) => `etcd-${i}.demo.example.com`));
    a.forEach((r, i) => {
      expect(r.ttl).toBe(60);
      expect(r.records[0]).toMatch(new RegExp(`master-${i}_instance_.*\\.private_ip`));
      expect(r.zone_id).toMatch(/terraform_remote_state/);
    });
    expect(resources(machines, "aws_route53_record")).toHaveLength(0);
  });

  test("each machine adopts its own orphan (an interrupted RunInstances), refuses two, and stops when another state has it", () => {
    const imports = (machines as any).import as any[];
    expect(imports).toHaveLength(5);
    const [name, master0] = Object.entries(machines.resource!.aws_instance).find(([, i]) => i.tags.Name === "demo-x7k2p-master-0")!;
    const block = imports.find((b) => b.to === `aws_instance.${name}`);
    const lookup = /data\.aws_instances\.([\w-]+)\.ids/.exec(block.for_each)![1];
    // Adopted only by a state that has been applied before: an empty one belongs to no cluster yet.
    const applied = "anytrue([for s in data.terraform_remote_state.own-state : length(s.outputs) >= 1])";
    expect(block).toEqual({
      for_each: `\${${applied} ? toset(data.aws_instances.${lookup}.ids) : toset([])}`,
      id: "\${each.value}",
      to: `aws_instance.${name}`,
    });
    expect(machines.data!.terraform_remote_state["own-state"]).toMatchObject({ backend: "local", config: { path: "../../../terraform.demo-machines.tfstate" } });
    expect(machines.data!.aws_instances[lookup]).toMatchObject({
      filter: [
        { name: "tag:Name", values: ["demo-x7k2p-master-0"] },
        { name: "tag:kubernetes.io/cluster/demo-x7k2p", values: ["owned"] },
      ],
      instance_state_names: ["pending", "running", "stopping", "stopped"],
    });
    expect(master0.lifecycle.precondition.slice(1)).toEqual([
      {
        condition: `\${(length(data.aws_instances.${lookup}.ids) <= 1)}`,
        error_message: `More than one live instance demo-x7k2p-master-0 exists (\${join(", ", data.aws_instances.${lookup}.ids)}); delete the one that is not in the Terraform state.`,
      },
      {
        condition: `\${((length(data.aws_instances.${lookup}.ids) < 1) || ${applied})}`,
        error_message: expect.stringMatching(
          /^instance demo-x7k2p-master-0 already exists \(.*\) but this stack's state has never been applied: it is managed by another Terraform state .* terraform import 'aws_instance\.control-plane_master-0_instance_\w+' /,
        ),
      },
    ]);
  });

  test("outputs: the private IPs, also under 05's name and form (PrivateIPs, comma-joined)", () => {
    expect(machines.output!.ControlPlanePrivateIps.value).toHaveLength(3);
    expect(machines.output!.ComputePrivateIps.value).toHaveLength(2);
    const masters = (machines.output!.ControlPlanePrivateIps.value as string[]).map((ip) => ip.slice(2, -1));
    expect(machines.output!.PrivateIPs.value).toBe(`\${join(",", [${masters.join(", ")}])}`);
  });
});

describe("bootstrap", () => {
  const result = synthCluster(baseCluster());
  const bootstrap = result.stack("bootstrap");
  const [instance] = resourceValues(bootstrap, "aws_instance");

  test("user data: the Ignition 3.1.0 replace pointer to the object in the ignition bucket", () => {
    const userData = JSON.parse(instance.user_data);
    expect(userData).toEqual({
      ignition: { config: { replace: { source: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\..*\.bucket\}\/\$\{aws_s3_object\..*\.key\}$/) } }, version: "3.1.0" },
    });
  });

  test("instance: i3.large, public subnet with a public IP, groups [bootstrap, master], IMDSv2, encrypted root", () => {
    expect(instance).toMatchObject({ instance_type: "i3.large", associate_public_ip_address: true });
    expect(instance.subnet_id).toMatch(/public-subnet-0/);
    expect(instance.vpc_security_group_ids).toHaveLength(2);
    expect(instance.vpc_security_group_ids[0]).toMatch(/aws_security_group\.bootstrap_security-group/);
    expect(instance.vpc_security_group_ids[1]).toMatch(/security-groups_master/);
    expect(instance.metadata_options.http_tokens).toBe("required");
    expect(instance.root_block_device.encrypted).toBe(true);
    expect(instance.tags.Name).toBe("demo-x7k2p-bootstrap");
  });

  test("publish: Internal puts it in a private subnet without a public IP", () => {
    const stack = synthCluster(baseCluster({ publish: "Internal" })).stack("bootstrap");
    const [internal] = resourceValues(stack, "aws_instance");
    expect(internal.associate_public_ip_address).toBe(false);
    expect(internal.subnet_id).toMatch(/private-subnet-0/);
    expect(resources(stack, "aws_lb_target_group_attachment")).toHaveLength(2);
    expect(stack.output!.BootstrapPublicIp).toBeUndefined();
  });

  test("registered in all three target groups by private IP", () => {
    const attachments = resourceValues(bootstrap, "aws_lb_target_group_attachment");
    expect(attachments.map((a) => a.port).sort()).toEqual([22623, 6443, 6443]);
    expect(attachments.every((a) => /terraform_remote_state/.test(a.target_group_arn))).toBe(true);
  });

  test("ignition bucket: private, encrypted, TLS only, temporary; bootstrap.ign uploaded by content hash", () => {
    const [bucket] = resourceValues(bootstrap, "aws_s3_bucket");
    expect(bucket).toMatchObject({ bucket_prefix: "demo-x7k2p-ign-", force_destroy: true });
    expect(resourceValues(bootstrap, "aws_s3_bucket_public_access_block")[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const [sse] = resourceValues(bootstrap, "aws_s3_bucket_server_side_encryption_configuration");
    expect(sse.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
    const policy = JSON.parse(resourceValues(bootstrap, "aws_s3_bucket_policy")[0].policy);
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
    const [object] = resourceValues(bootstrap, "aws_s3_object");
    expect(object.key).toBe("bootstrap.ign");
    expect(object.source).toMatch(/^assets\/.*\/bootstrap\.ign$/);
    expect(object.source_hash).toMatch(/^[0-9A-F]{32}$/i);
    // The copy in the stack folder is the installDir's file.
    const stackDir = path.join(result.outdir, "stacks", "demo-bootstrap");
    expect(fs.readFileSync(path.join(stackDir, object.source), "utf8")).toBe(fs.readFileSync(path.join(EXAMPLE_INSTALL_DIR, "bootstrap.ign"), "utf8"));
  });

  test("a KMS key for the ignition bucket: SSE-KMS and kms:Decrypt for the bootstrap role", () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/abc";
    const stack = synthCluster(baseCluster({ machines: { rhcosAmi: "ami-0123456789abcdef0", bootstrap: { ignitionKmsKeyArn: key } } })).stack("bootstrap");
    const [sse] = resourceValues(stack, "aws_s3_bucket_server_side_encryption_configuration");
    expect(sse.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "aws:kms", kms_master_key_id: key });
    const statements = JSON.parse(resourceValues(stack, "aws_iam_role_policy")[0].policy).Statement;
    expect(statements).toContainEqual({ Effect: "Allow", Action: ["kms:Decrypt"], Resource: key });
  });

  test("role: ec2:Describe*, Attach/DetachVolume, and s3:GetObject on the one object only", () => {
    const statements = JSON.parse(resourceValues(bootstrap, "aws_iam_role_policy")[0].policy).Statement;
    expect(statements.map((s: any) => [s.Action, s.Resource])).toEqual([
      [["ec2:Describe*"], "*"],
      [["ec2:AttachVolume"], "*"],
      [["ec2:DetachVolume"], "*"],
      [["s3:GetObject"], expect.stringMatching(/^\$\{aws_s3_bucket\..*\.arn\}\/\$\{aws_s3_object\..*\.key\}$/)],
    ]);
  });

  test("documented IAM: the seed's bootstrap table", () => {
    const stack = synthCluster(baseCluster({ iam: { policy: "documented" } })).stack("bootstrap");
    const statements = JSON.parse(resourceValues(stack, "aws_iam_role_policy")[0].policy).Statement;
    expect(statements.map((s: any) => [s.Action, s.Resource])).toEqual([
      [["ec2:Describe*"], "*"],
      [["ec2:AttachVolume"], "*"],
      [["ec2:DetachVolume"], "*"],
      [["s3:GetObject"], "*"],
    ]);
  });

  test("security group: tcp 22 and 19531 from the VPC CIDR by default, or from allowedCidrs", () => {
    const rules = resourceValues(bootstrap, "aws_vpc_security_group_ingress_rule");
    expect(rules.map((r) => `${r.from_port}-${r.to_port}`).sort()).toEqual(["19531-19531", "22-22"]);
    expect(rules.every((r) => /terraform_remote_state/.test(r.cidr_ipv4))).toBe(true);
    const custom = synthCluster(baseCluster({ machines: { rhcosAmi: "ami-0123456789abcdef0", bootstrap: { allowedCidrs: ["198.51.100.0/24", "203.0.113.7/32"] } } })).stack(
      "bootstrap",
    );
    expect(
      resourceValues(custom, "aws_vpc_security_group_ingress_rule")
        .map((r) => `${r.cidr_ipv4}:${r.from_port}`)
        .sort(),
    ).toEqual(["198.51.100.0/24:19531", "198.51.100.0/24:22", "203.0.113.7/32:19531", "203.0.113.7/32:22"]);
    expect(resourceValues(bootstrap, "aws_vpc_security_group_egress_rule")).toHaveLength(1);
  });

  test("outputs", () => {
    expect(Object.keys(bootstrap.output!).sort()).toEqual(["BootstrapInstanceId", "BootstrapPrivateIp", "BootstrapPublicIp", "StateOwner"]);
  });

  test("bootstrap.enabled: false removes every bootstrap resource and changes nothing else", () => {
    const off = synthCluster(baseCluster({ machines: { rhcosAmi: "ami-0123456789abcdef0", bootstrap: { enabled: false } } }));
    expect(countResources(off.stack("bootstrap"))).toBe(0);
    expect(off.stack("bootstrap").output).toBeUndefined();
    expect(countResources(bootstrap)).toBe(16);
    for (const name of ["demo-network", "demo-infra", "demo-machines"]) {
      expect(off.json[name]).toEqual(result.json[name]);
    }
  });
});
