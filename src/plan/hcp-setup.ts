/**
 * `npm run hcp-setup`: applies a cluster's HCP Terraform set-up stack, first finding out whether
 * the account already has the IAM OIDC provider for the HCP host. IAM holds one per URL per
 * account, shared by every cluster there, and no data source of the aws provider lists them (the
 * one that reads a provider by URL fails when there is none), so the stack itself cannot adopt
 * an existing one without failing in the other case (src/hcp/setup-stack.ts). This command asks
 * with the stack's own provider settings (region, endpoints, role to assume) and the caller's
 * credentials, the ones the apply uses, and passes the answer as `existing_oidc_provider`.
 */
import type { StackJson } from "../cdktf/stack-json";
import { readPlanLog, terraform } from "./terraform";

/** The set-up stack's variable that says the account's OIDC provider exists (src/hcp/setup-stack.ts). */
export const EXISTING_OIDC_PROVIDER_VARIABLE = "existing_oidc_provider";
const OIDC_PROVIDER_TYPE = "aws_iam_openid_connect_provider";

/** The OIDC provider choice in a set-up stack's JSON: the provider it creates and the one it reads instead. */
export interface OidcProviderChoice {
  readonly url: string;
  /** `aws_iam_openid_connect_provider.<name>`, counted 0 when the account has one. */
  readonly created: string;
  /** `data.aws_iam_openid_connect_provider.<name>`, counted 1 then. */
  readonly existing: string;
}

/** The stack's OIDC provider choice; undefined when it makes none (an existing role, or no dynamic credentials). */
export function oidcProviderChoice(stack: StackJson & { readonly variable?: Readonly<Record<string, unknown>> }): OidcProviderChoice | undefined {
  if (!stack.variable?.[EXISTING_OIDC_PROVIDER_VARIABLE]) return undefined;
  const [created] = Object.keys(stack.resource?.[OIDC_PROVIDER_TYPE] ?? {});
  const [existingName, existing] = Object.entries(stack.data?.[OIDC_PROVIDER_TYPE] ?? {})[0] ?? [];
  if (!created || !existingName) return undefined;
  return { url: String(existing.url), created: `${OIDC_PROVIDER_TYPE}.${created}`, existing: `data.${OIDC_PROVIDER_TYPE}.${existingName}` };
}

export type OidcProviderAnswer =
  /** The stack's state holds the provider it created: it keeps it (reading it instead would delete it). */
  { readonly kind: "owned" } | { readonly kind: "found" } | { readonly kind: "absent" } | { readonly kind: "failed"; readonly command: string; readonly output: string };

/**
 * Whether `existing_oidc_provider` must be true: first the stack's own state (a provider it
 * created stays its own), then a plan of the lookup alone, told the provider exists. The aws
 * provider reports a missing one as `finding IAM OIDC Provider by url (<url>): not found`
 * (provider 5.100; __tests__/hcp/run-role.e2e.test.ts pins the message on moto).
 */
export async function askOidcProvider(stackDir: string, choice: OidcProviderChoice): Promise<OidcProviderAnswer> {
  // `show -json` prints `{"format_version":"1.0"}` for a state not written yet, where `state list` fails.
  const state = await terraform(stackDir, ["show", "-json", "-no-color"]);
  if (state.code !== 0) return { kind: "failed", command: "show", output: state.stderr || state.stdout };
  if (stateAddresses(state.stdout).some((a) => a === choice.created || a.startsWith(`${choice.created}[`))) return { kind: "owned" };

  const lookup = await terraform(stackDir, ["plan", "-input=false", "-json", `-target=${choice.existing}`, "-var", `${EXISTING_OIDC_PROVIDER_VARIABLE}=true`]);
  if (lookup.code === 0) return { kind: "found" };
  const { errors } = readPlanLog(lookup.stdout);
  const notFound = `finding IAM OIDC Provider by url (${choice.url}): not found`;
  if (errors.length && errors.every((e) => e.includes(notFound))) return { kind: "absent" };
  return { kind: "failed", command: "plan", output: errors.join("\n") || lookup.stderr || lookup.stdout };
}

/** The resource addresses of a state, from `terraform show -json` (the root module's: the set-up stack has no modules). */
function stateAddresses(showJson: string): string[] {
  const shown = JSON.parse(showJson) as { values?: { root_module?: { resources?: { address: string }[] } } };
  return (shown.values?.root_module?.resources ?? []).map((r) => r.address);
}

/** What the command says it found, and what the apply then does. */
export function oidcAnswerLine(answer: OidcProviderAnswer, choice: OidcProviderChoice): string {
  switch (answer.kind) {
    case "owned":
      return `This set-up stack created the account's IAM OIDC provider for ${choice.url}: it keeps it (${EXISTING_OIDC_PROVIDER_VARIABLE}=false).`;
    case "found":
      return `The account already has an IAM OIDC provider for ${choice.url}: the set-up stack uses it, and neither owns nor deletes it (${EXISTING_OIDC_PROVIDER_VARIABLE}=true).`;
    case "absent":
      return `The account has no IAM OIDC provider for ${choice.url}: the set-up stack creates it (${EXISTING_OIDC_PROVIDER_VARIABLE}=false).`;
    case "failed":
      return `Could not tell whether the account has an IAM OIDC provider for ${choice.url}.`;
  }
}
