import * as path from "node:path";
import { localStatePath } from "../backend/local-state";
import { shellWord } from "../shell-word";

/**
 * Where the HCP Terraform set-up stacks go, in a module of its own that loads no tfe bindings
 * (the summary and the output folder's checks use it on every synth).
 *
 * They live in their own cdktf app, `<outdir>/hcp`: `cdktf deploy '*'` deploys the workload
 * stacks with the workspaces' credentials and never these, which an administrator applies once.
 */
export const SETUP_APP_FOLDER = "hcp";

/**
 * `backend.cloud.awsCredentials`, or its default: dynamic credentials for runs on HCP's workers or
 * agents; none with local execution, where runs use the machine's own AWS credentials.
 */
export function cloudAwsCredentials(cloud: { readonly awsCredentials?: "dynamic" | "variables" | "none"; readonly executionMode: string }) {
  return cloud.awsCredentials ?? (cloud.executionMode === "local" ? "none" : "dynamic");
}

export const setupStackName = (clusterName: string) => `${clusterName}-hcp`;

/** `<outdir>/hcp/stacks/<clusterName>-hcp`, where `terraform -chdir=` points. */
export const setupStackFolder = (outdir: string, clusterName: string) => path.join(outdir, SETUP_APP_FOLDER, "stacks", setupStackName(clusterName));

/**
 * Its state, local, relative to its folder: beside the output folder (as the local backend's), so
 * a new synth, which replaces the output folder whole, never loses it.
 */
export const setupStatePath = (clusterName: string) => localStatePath(setupStackName(clusterName), 4);

/**
 * The command that applies a cluster's set-up stack (`npm run hcp-setup`, src/plan/hcp-setup.ts),
 * run from the project folder; `outdir` as shown to the user, relative to that folder.
 */
export const setupCommand = (outdir: string, clusterName: string) =>
  `${path.normalize(outdir) === "cdktf.out" ? "" : `CDKTF_OUTDIR=${shellWord(outdir)} `}npm run hcp-setup -- ${shellWord(clusterName)}`;

/** HCP's audience for AWS dynamic credentials (TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE's default). */
export const AWS_WORKLOAD_AUDIENCE = "aws.workload.identity";

/** How the set-up stack's lookup of the account's OIDC provider refuses one without that audience (npm run hcp-setup recognizes it). */
export const oidcAudienceRefusal = (url: string) => `The account's IAM OIDC provider for ${url} does not accept the audience ${AWS_WORKLOAD_AUDIENCE}`;

/** The set-up stack's variable that says the account already has the host's OIDC provider (src/hcp/setup-stack.ts). */
export const EXISTING_OIDC_PROVIDER_VARIABLE = "existing_oidc_provider";

/**
 * The AWS CLI line that prints the ARN of the account's IAM OIDC provider for `https://<hostname>`,
 * or nothing. IAM holds one per URL per account, and the aws provider has no data source that
 * lists them (the singular one fails when there is none), so the set-up stack cannot find out
 * without failing in one of the two cases: `npm run hcp-setup` asks for it; whoever applies the
 * stack with plain Terraform asks with this line (its variable's description quotes it).
 */
export const oidcProviderQuery = (hostname: string) =>
  `aws iam list-open-id-connect-providers --query "OpenIDConnectProviderList[?ends_with(Arn, '/${hostname}')].Arn" --output text`;
