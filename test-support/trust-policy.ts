import { createValidatedPolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { type EvaluationResult, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";

/**
 * Evaluates a role's trust policy for an AssumeRoleWithWebIdentity request, as IAM does, with
 * @cloud-copilot/iam-simulate (moto stores trust policies but does not evaluate their conditions).
 *
 * Why the "unsafe" entry point: the checked one keeps only the context keys its AWS data lists
 * for sts:AssumeRoleWithWebIdentity (GitHub's, Google's, ...), and drops `<host>:sub` and
 * `<host>:aud` of any other OIDC issuer, as HCP Terraform is, so every condition would fail as
 * "missing". IAM itself takes the keys of whichever issuer the role trusts. The policy is handed
 * over validated, with the metadata that entry point expects.
 */
export interface WebIdentityToken {
  /** The OIDC provider's ARN: the Federated principal making the request. */
  readonly providerArn: string;
  /** The issuer's host, which prefixes its condition keys (`app.terraform.io:sub`). */
  readonly host: string;
  readonly sub: string;
  readonly aud: string;
}

export function assumeRoleWithWebIdentity(trustPolicy: unknown, roleArn: string, token: WebIdentityToken): EvaluationResult {
  const errors = validateTrustPolicy(trustPolicy);
  if (errors.length) throw new Error(`not a valid trust policy: ${JSON.stringify(errors)}`);
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1];
  if (!account) throw new Error(`not a role ARN: ${roleArn}`);
  return runUnsafeSimulation(
    {
      request: {
        principal: token.providerArn,
        action: "sts:AssumeRoleWithWebIdentity",
        resource: { resource: roleArn, accountId: account },
        contextVariables: { [`${token.host}:sub`]: token.sub, [`${token.host}:aud`]: token.aud },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: createValidatedPolicy(trustPolicy, validateTrustPolicy, { name: "trust" }),
    },
    { simulationMode: "Strict" },
  );
}
