import { DataAwsIamInstanceProfile } from "@cdktf/provider-aws/lib/data-aws-iam-instance-profile";
import { Construct } from "constructs";

export interface ExistingInstanceProfileProps {
  /** The instance profile's name, as the security team made it. */
  readonly name: string;
  /** The cluster file's field that names it, for the plan's message. @default "iamInstanceProfile" */
  readonly field?: string;
}

/**
 * An instance profile the product does not own (no role, policy or profile is created for its
 * pool). It is read at plan time, so a missing profile, or one without a role, stops the plan
 * before any machine is launched with it.
 */
export class ExistingInstanceProfile extends Construct {
  readonly instanceProfileName: string;
  /** The profile's role, for resource policies that must let it in (the ignition bucket). */
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ExistingInstanceProfileProps) {
    super(scope, id);
    const profile = new DataAwsIamInstanceProfile(this, "profile", {
      name: props.name,
      lifecycle: {
        postcondition: [
          {
            // Without a role the provider leaves role_arn empty or null; coalesce skips both.
            condition: '${coalesce(self.role_arn, "-") != "-"}',
            errorMessage: `${props.field ?? "iamInstanceProfile"}: the instance profile ${props.name} has no role; add the role the machines should use to it.`,
          },
        ],
      },
    });
    this.instanceProfileName = profile.name;
    this.roleArn = profile.roleArn;
  }
}
