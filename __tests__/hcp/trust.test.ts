import { AWS_WORKLOAD_AUDIENCE } from "../../src/hcp/names";
import { runRoleTrust } from "../../src/hcp/setup-stack";
import { assumeRoleWithWebIdentity } from "../../test-support/trust-policy";

/**
 * The trust's subject patterns are names, not patterns: a project named with IAM's wildcard
 * characters matches only itself. (The deployed trust is evaluated in run-role.e2e.test.ts.)
 */
const providerArn = "arn:aws:iam::123456789012:oidc-provider/app.terraform.io";
const roleArn = "arn:aws:iam::123456789012:role/hcp-run-demo-x7k2p";
const workspaces = [{ stack: "demo-network", workspace: "ocp-demo-network", reads: [], readBy: [] }];
const token = (project: string) => ({
  providerArn,
  host: "app.terraform.io",
  aud: AWS_WORKLOAD_AUDIENCE,
  sub: `organization:acme:project:${project}:workspace:ocp-demo-network:run_phase:apply`,
});

test.each(["web*", "web?", "we$b"])("a project named %s matches itself only", (project) => {
  const trust = runRoleTrust(providerArn, "app.terraform.io", "acme", project, workspaces);
  expect(assumeRoleWithWebIdentity(trust, roleArn, token(project))).toBe("Allowed");
  for (const other of ["webfoo", "webX", "web", "we$bX"]) expect([other, assumeRoleWithWebIdentity(trust, roleArn, token(other))]).toEqual([other, "ImplicitlyDenied"]);
});
