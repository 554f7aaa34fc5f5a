import { baseCluster, resources, resourceValues, synthCluster } from "../../test-support/synth";

const policies = (stack: ReturnType<ReturnType<typeof synthCluster>["stack"]>) =>
  Object.fromEntries(resourceValues(stack, "aws_iam_role_policy").map((p) => [p.name, JSON.parse(p.policy).Statement]));

describe("IAM", () => {
  test("least-privilege (default): the current templates' action lists", () => {
    const infra = synthCluster(baseCluster()).stack("infra");
    const p = policies(infra);
    expect(p["demo-x7k2p-worker-policy"]).toEqual([{ Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeRegions"], Resource: "*" }]);
    const [master] = p["demo-x7k2p-master-policy"];
    expect(master.Resource).toBe("*");
    expect(master.Action).toHaveLength(38);
    expect(master.Action).toEqual(
      expect.arrayContaining(["ec2:AttachVolume", "ec2:Describe*", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:Describe*", "kms:DescribeKey"]),
    );
    expect(master.Action.every((a: string) => /^(ec2|elasticloadbalancing|kms):[A-Z][A-Za-z]*\*?$/.test(a))).toBe(true);
    expect(master.Action).not.toContain("ec2:*");
    expect(master.Action).not.toContain("iam:PassRole");
  });

  test("documented: exactly the seed's broad table", () => {
    const infra = synthCluster(baseCluster({ iam: { policy: "documented" } })).stack("infra");
    const p = policies(infra);
    expect(p["demo-x7k2p-master-policy"].map((s: any) => [s.Action, s.Resource])).toEqual([
      [["ec2:*"], "*"],
      [["elasticloadbalancing:*"], "*"],
      [["iam:PassRole"], "*"],
      [["s3:GetObject"], "*"],
    ]);
    expect(p["demo-x7k2p-worker-policy"].map((s: any) => [s.Action, s.Resource])).toEqual([[["ec2:Describe*"], "*"]]);
  });

  test("roles trust ec2 of the partition, and profiles wrap them", () => {
    const infra = synthCluster(baseCluster()).stack("infra");
    const roles = resourceValues(infra, "aws_iam_role");
    expect(roles.map((r) => r.name).sort()).toEqual(["demo-x7k2p-master-role", "demo-x7k2p-worker-role"]);
    for (const role of roles) {
      const trust = JSON.parse(role.assume_role_policy);
      expect(trust.Statement).toEqual([
        { Effect: "Allow", Principal: { Service: expect.stringMatching(/^ec2\.\$\{data\.aws_partition\..*\.dns_suffix\}$/) }, Action: "sts:AssumeRole" },
      ]);
      expect(role.permissions_boundary).toBeUndefined();
    }
    const profiles = resourceValues(infra, "aws_iam_instance_profile");
    expect(profiles.map((p) => p.name).sort()).toEqual(["demo-x7k2p-master-profile", "demo-x7k2p-worker-profile"]);
    expect(resources(infra, "aws_iam_role_policy")).toHaveLength(2);
  });

  test("permissionsBoundaryArn is applied to every role, bootstrap included", () => {
    const arn = "arn:aws:iam::123456789012:policy/openshift-boundary";
    const result = synthCluster(baseCluster({ iam: { permissionsBoundaryArn: arn } }));
    const roles = [...resourceValues(result.stack("infra"), "aws_iam_role"), ...resourceValues(result.stack("bootstrap"), "aws_iam_role")];
    expect(roles).toHaveLength(3);
    expect(roles.every((r) => r.permissions_boundary === arn)).toBe(true);
  });
});
