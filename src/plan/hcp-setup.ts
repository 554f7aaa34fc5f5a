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
import { EXISTING_OIDC_PROVIDER_VARIABLE, oidcAudienceRefusal } from "../hcp/names";
import { readPlanLog, terraform } from "./terraform";

const OIDC_PROVIDER_TYPE = "aws_iam_openid_connect_provider";

/** The OIDC provider choice in a set-up stack's JSON: the lookup it makes instead of creating one. */
export interface OidcProviderChoice {
  readonly url: string;
  /** `data.aws_iam_openid_connect_provider.<name>`, counted 1 when the account has one. */
  readonly existing: string;
}

/** The stack's OIDC provider choice; undefined when it makes none (an existing role, or no dynamic credentials). */
export function oidcProviderChoice(stack: StackJson & { readonly variable?: Readonly<Record<string, unknown>> }): OidcProviderChoice | undefined {
  if (!stack.variable?.[EXISTING_OIDC_PROVIDER_VARIABLE]) return undefined;
  const [name, lookup] = Object.entries(stack.data?.[OIDC_PROVIDER_TYPE] ?? {})[0] ?? [];
  if (!name) return undefined;
  return { url: String(lookup.url), existing: `data.${OIDC_PROVIDER_TYPE}.${name}` };
}

export type OidcProviderAnswer =
  /** The stack's state holds the provider it created: it keeps it (reading it instead would delete it). */
  | { readonly kind: "owned" }
  | { readonly kind: "found" }
  | { readonly kind: "absent" }
  /** Found, but its client IDs lack HCP's audience: the lookup's postcondition refuses it. */
  | { readonly kind: "unusable"; readonly output: string }
  | { readonly kind: "failed"; readonly output: string };

export const SHOW_STATE = ["show", "-json", "-no-color"] as const;

/** The managed resources of the set-up stack's state, by address; Terraform's error instead when it cannot be read. */
export async function stateAddresses(stackDir: string): Promise<{ addresses?: string[]; error?: string }> {
  // `show -json` prints `{"format_version":"1.0"}` for a state not written yet, where `state list` fails.
  const shown = await terraform(stackDir, SHOW_STATE);
  if (shown.code !== 0) return { error: shown.stderr || shown.stdout };
  try {
    // The root module's resources: the set-up stack has no modules.
    const state = JSON.parse(shown.stdout) as { values?: { root_module?: { resources?: { address: string; mode: string }[] } } };
    return { addresses: (state.values?.root_module?.resources ?? []).filter((r) => r.mode === "managed").map((r) => r.address) };
  } catch {
    return { error: `terraform show -json printed no JSON: ${shown.stdout.slice(0, 200)}` };
  }
}

/** The OIDC providers this stack created, by address, in its state. */
export const createdOidcProviders = (addresses: readonly string[]) => addresses.filter((a) => a.startsWith(`${OIDC_PROVIDER_TYPE}.`));

/** `terraform plan` of the lookup alone, told the provider exists. */
export const lookupArgs = (choice: OidcProviderChoice) => ["plan", "-input=false", "-json", `-target=${choice.existing}`, "-var", `${EXISTING_OIDC_PROVIDER_VARIABLE}=true`];

/**
 * Whether the account has the provider, for a stack that did not create it (a created one stays
 * the stack's own: "owned"), from a plan of the lookup alone. The aws provider reports a missing
 * one as `finding IAM OIDC Provider by url (<url>): not found` (provider 5.100;
 * __tests__/hcp/run-role.e2e.test.ts pins the message on moto).
 */
export async function askOidcProvider(stackDir: string, choice: OidcProviderChoice): Promise<OidcProviderAnswer> {
  const lookup = await terraform(stackDir, lookupArgs(choice));
  if (lookup.code === 0) return { kind: "found" };
  const { errors } = readPlanLog(lookup.stdout);
  const output = errors.join("\n") || lookup.stderr || lookup.stdout;
  if (errors.length && errors.every((e) => e.includes(`finding IAM OIDC Provider by url (${choice.url}): not found`))) return { kind: "absent" };
  if (errors.some((e) => e.includes(oidcAudienceRefusal(choice.url)))) return { kind: "unusable", output };
  return { kind: "failed", output };
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
    case "unusable":
      return `The account's IAM OIDC provider for ${choice.url} cannot be used as it is: nothing applied (Terraform says why below).`;
    case "failed":
      return `Could not tell whether the account has an IAM OIDC provider for ${choice.url}: nothing applied; once you know, apply by hand with -var ${EXISTING_OIDC_PROVIDER_VARIABLE}=true (it has one) or false (docs/hcp-terraform.md).`;
  }
}
