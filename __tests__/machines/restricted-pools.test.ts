import { baseCluster, resources, resourceValues, synthCluster, StackJson } from "../../test-support/synth";

const instances = (stack: StackJson): Record<string, any> => Object.fromEntries(resourceValues(stack, "aws_instance").map((i) => [i.tags.Name, i]));
const profileLookups = (stack: StackJson): any[] => Object.values(stack.data?.aws_iam_instance_profile ?? {});

const RHCOS = "ami-0123456789abcdef0";
const ARM = "ami-0fedcba9876543210";

describe("pools of a restricted account", () => {
  const result = synthCluster(
    baseCluster({
      machines: {
        rhcosAmi: RHCOS,
        bootstrap: { iamInstanceProfile: "ocp-bootstrap", additionalSecurityGroupIds: ["sg-0aaaaaaaaaaaaaaa1"] },
        controlPlane: { iamInstanceProfile: "ocp-master", additionalSecurityGroupIds: ["sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbbbbbbbbbb2"] },
        compute: { ami: ARM, instanceType: "m6g.large", rootVolume: { throughput: 250 } },
      },
    }),
  );
  const infra = result.stack("infra");
  const machines = instances(result.stack("machines"));
  const bootstrap = result.stack("bootstrap");
  const [bootstrapNode] = resourceValues(bootstrap, "aws_instance");

  test("a pool with its own profile gets no role, policy or profile; the others keep theirs", () => {
    expect(resourceValues(infra, "aws_iam_role").map((r) => r.name)).toEqual(["demo-x7k2p-worker-role"]);
    expect(resourceValues(infra, "aws_iam_instance_profile").map((p) => p.name)).toEqual(["demo-x7k2p-worker-profile"]);
    expect(resourceValues(infra, "aws_iam_role_policy").map((p) => p.name)).toEqual(["demo-x7k2p-worker-policy"]);
    for (const type of ["aws_iam_role", "aws_iam_instance_profile", "aws_iam_role_policy"]) expect(resources(bootstrap, type)).toEqual([]);
    expect(infra.output!.MasterInstanceProfile.value).toBe("ocp-master");
  });

  test("its instances use the given profile, read at plan time (a missing one, or one without a role, stops the plan)", () => {
    const masters = ["demo-x7k2p-master-0", "demo-x7k2p-master-1", "demo-x7k2p-master-2"].map((n) => machines[n]);
    for (const m of masters) expect(m.iam_instance_profile).toMatch(/^\$\{data\.aws_iam_instance_profile\..*\.name\}$/);
    expect(bootstrapNode.iam_instance_profile).toMatch(/^\$\{data\.aws_iam_instance_profile\..*\.name\}$/);
    const [master] = profileLookups(result.stack("machines"));
    expect(master.name).toBe("ocp-master");
    expect(master.lifecycle.postcondition).toEqual([
      {
        condition: '${coalesce(self.role_arn, "-") != "-"}',
        error_message: expect.stringMatching(/^machines\.controlPlane\.iamInstanceProfile: the instance profile ocp-master has no role/),
      },
    ]);
    expect(profileLookups(bootstrap).map((p) => p.name)).toEqual(["ocp-bootstrap"]);
    expect(machines["demo-x7k2p-worker-0"].iam_instance_profile).toMatch(/worker-iam_profile/);
  });

  test("the bucket lets the given bootstrap profile's role read bootstrap.ign (its role cannot know the bucket)", () => {
    const policy = JSON.parse(resourceValues(bootstrap, "aws_s3_bucket_policy")[0].policy);
    const grant = policy.Statement.find((s: any) => s.Sid === "BootstrapProfileReadsIgnition");
    expect(grant).toEqual({
      Sid: "BootstrapProfileReadsIgnition",
      Effect: "Allow",
      Principal: { AWS: expect.stringMatching(/^\$\{data\.aws_iam_instance_profile\..*\.role_arn\}$/) },
      Action: "s3:GetObject",
      Resource: expect.stringMatching(/^\$\{aws_s3_bucket\..*\.arn\}\/bootstrap\.ign$/),
    });
  });

  test("additional security groups come after the pool's own", () => {
    expect(machines["demo-x7k2p-master-1"].vpc_security_group_ids).toEqual([expect.stringMatching(/security-groups_master/), "sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbbbbbbbbbb2"]);
    expect(bootstrapNode.vpc_security_group_ids).toEqual([
      expect.stringMatching(/bootstrap_security-group/),
      expect.stringMatching(/security-groups_master/),
      "sg-0aaaaaaaaaaaaaaa1",
    ]);
    expect(machines["demo-x7k2p-worker-0"].vpc_security_group_ids).toEqual([expect.stringMatching(/security-groups_worker/)]);
  });

  test("per-pool AMI: compute on its own, the others on rhcosAmi; gp3 throughput", () => {
    expect(machines["demo-x7k2p-worker-1"]).toMatchObject({ ami: ARM, instance_type: "m6g.large" });
    expect(machines["demo-x7k2p-worker-1"].root_block_device).toMatchObject({ volume_type: "gp3", throughput: 250 });
    expect(machines["demo-x7k2p-master-0"].ami).toBe(RHCOS);
    expect(machines["demo-x7k2p-master-0"].root_block_device.throughput).toBeUndefined();
    expect(bootstrapNode.ami).toBe(RHCOS);
  });

  test("every pool with an ami of its own: no rhcosAmi needed", () => {
    const own = synthCluster(baseCluster({ machines: { bootstrap: { ami: RHCOS }, controlPlane: { ami: RHCOS }, compute: { ami: ARM } } }));
    expect(instances(own.stack("machines"))["demo-x7k2p-worker-0"].ami).toBe(ARM);
    expect(resourceValues(own.stack("bootstrap"), "aws_instance")[0].ami).toBe(RHCOS);
  });
});
