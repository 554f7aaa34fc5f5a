import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { Emulator, onEmulator } from "../../test-support/moto";
import { awsClients } from "../../test-support/aws";

/**
 * moto_launcher.py fix 13: a rule id the group does not hold is refused with EC2's own code,
 * InvalidSecurityGroupRuleId.NotFound, which the AWS provider takes for "already deleted" when it
 * destroys a rule (moto's InvalidPermission.NotFound failed a teardown).
 */
let emulator: Emulator;
onEmulator((started) => (emulator = started));

test("revoking a rule by id twice: the second answers InvalidSecurityGroupRuleId.NotFound, ingress and egress alike", async () => {
  const { ec2 } = awsClients(emulator.endpoint);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }))).Vpc!.VpcId!;
  const GroupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "rules", Description: "rules", VpcId: vpc }))).GroupId!;
  const permission = { IpProtocol: "tcp", FromPort: 6443, ToPort: 6443, IpRanges: [{ CidrIp: "10.9.0.0/16" }] };
  const ingress = (await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [permission] }))).SecurityGroupRules![0].SecurityGroupRuleId!;
  const egress = (await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: [permission] }))).SecurityGroupRules![0].SecurityGroupRuleId!;
  const revokes = [
    () => ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, SecurityGroupRuleIds: [ingress] })),
    () => ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId, SecurityGroupRuleIds: [egress] })),
  ];
  for (const revoke of revokes) {
    expect((await revoke()).Return).toBe(true);
    await expect(revoke()).rejects.toMatchObject({ name: "InvalidSecurityGroupRuleId.NotFound" });
  }
}, 60_000);
