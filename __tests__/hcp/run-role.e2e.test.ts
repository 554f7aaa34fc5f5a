import { CreateOpenIDConnectProviderCommand, GetOpenIDConnectProviderCommand, GetRoleCommand, GetRolePolicyCommand, ListOpenIDConnectProvidersCommand } from "@aws-sdk/client-iam";
import * as fs from "node:fs";
import * as path from "node:path";
import { oidcProviderQuery, setupStackFolder } from "../../src/hcp/names";
import { documented, documentedEntry, runDocumented } from "../../test-support/documented-commands";
import { awsClients } from "../../test-support/aws";
import { EMULATOR_ENV, Emulator, onEmulator } from "../../test-support/moto";
import { tempDir } from "../../test-support/paths";
import { baseCluster, synthCluster } from "../../test-support/synth";
import { requireTerraform, terraform, terraformOk } from "../../test-support/terraform";
import { assumeRoleWithWebIdentity } from "../../test-support/trust-policy";

/**
 * The set-up stack's AWS half (the OIDC provider for the HCP host and the run role), applied on
 * moto as synthesized, then its trust policy, read back from IAM, evaluated for tokens HCP would
 * issue. The tfe half needs the hashicorp/tfe provider, which the tests' mirror lacks: it is
 * left out of the folder applied here, and checked as JSON (setup-stack.test.ts).
 */

const HOST = "app.terraform.io";
const ORG = "acme";

/**
 * The set-up stack's JSON without its tfe half: what the aws provider alone applies. Its state in
 * the folder, unless `backend` keeps the synthesized one.
 */
function awsHalf(json: any, backend: unknown = { local: { path: "terraform.tfstate" } }): any {
  const keep = (blocks: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(blocks).filter(([type]) => type.startsWith("aws_")));
  const aws = json.terraform.required_providers.aws;
  const half = {
    terraform: { backend, ...(aws && { required_providers: { aws } }) },
    provider: json.provider.aws && { aws: json.provider.aws },
    variable: json.variable,
    data: keep(json.data),
    resource: keep(json.resource),
    output: json.output,
  };
  // Terraform refuses an empty block list (a set-up stack with an existing role has no AWS half).
  return Object.fromEntries(Object.entries(half).filter(([, blocks]) => blocks && Object.keys(blocks).length));
}

/** A fresh account for the describe block (test-support/moto.ts), handed over with Terraform's environment for it; `dir` is removed after. */
function onAccount(dir: string, started: (emulator: Emulator, env: Record<string, string>) => void): void {
  beforeAll(() => requireTerraform());
  onEmulator((emulator) => started(emulator, { ...EMULATOR_ENV, AWS_ENDPOINT_URL: emulator.endpoint }));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
}

describe("the run role on the emulator", () => {
  let emulator: Emulator;
  let env: Record<string, string>;
  const dir = tempDir("upi-hcp-role-");

  /** Synthesizes a cloud cluster and writes its set-up stack's AWS half into a folder of its own. */
  function awsHalfFolder(name: string, overrides: Record<string, unknown> = {}): string {
    const s = synthCluster(
      baseCluster({
        aws: { maxRetries: 3, skipCredentialsValidation: true },
        backend: { type: "cloud", cloud: { organization: ORG, workspacePrefix: "ocp-", project: "openshift" } },
        ...overrides,
      }),
      fs.mkdtempSync(path.join(dir, `${name}-`)),
    );
    const json = JSON.parse(fs.readFileSync(path.join(setupStackFolder(s.outdir, s.clusters[0].clusterName), "cdk.tf.json"), "utf8"));
    const folder = path.join(dir, name);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, "main.tf.json"), JSON.stringify(awsHalf(json)));
    return folder;
  }

  onAccount(dir, (started, startedEnv) => {
    emulator = started;
    env = startedEnv;
  });

  let roleArn: string;
  let trust: unknown;
  let providerArn: string;

  /**
   * What the summary's check prints (`aws iam list-open-id-connect-providers --query
   * "OpenIDConnectProviderList[?ends_with(Arn, '/<host>')].Arn"`), asked through the SDK: the AWS
   * CLI is no test prerequisite.
   */
  async function providersListed(): Promise<string[]> {
    const listed = (await awsClients(emulator.endpoint).iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [];
    return listed.map((p) => p.Arn!).filter((arn) => arn.endsWith(`/${HOST}`));
  }
  const oneLine = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");

  test("the check the summary prints is the one README shows (the registry's form)", () => {
    expect(oidcProviderQuery(HOST)).toBe(documentedEntry("aws-oidc-provider-check").forms[0]);
  });

  test("an account without the provider: the check prints nothing, and told it has one, the plan stops on the lookup and creates nothing", async () => {
    expect(await providersListed()).toEqual([]);
    const folder = awsHalfFolder("told-wrong");
    await terraformOk(folder, ["init", "-input=false"], env);
    const r = await terraform(folder, ["apply", "-auto-approve", "-input=false", "-no-color", "-var", "existing_oidc_provider=true"], env);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toContain(`Error: finding IAM OIDC Provider by url (https://${HOST}): not found with data.aws_iam_openid_connect_provider.existing-oidc-provider[0]`);
    expect(await providersListed()).toEqual([]);
  }, 300_000);

  test("applies: one OIDC provider for https://<host> with AWS's audience, a role trusting it, the derived policy", async () => {
    const folder = awsHalfFolder("first");
    await terraformOk(folder, ["init", "-input=false"], env);
    await terraformOk(folder, ["apply", "-auto-approve", "-input=false"], env);
    expect(await providersListed()).toHaveLength(1);
    const outputs = JSON.parse((await terraformOk(folder, ["output", "-json"], env)).stdout);
    roleArn = outputs.RunRoleArn.value;
    const iam = awsClients(emulator.endpoint).iam;
    const providers = (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [];
    expect(providers).toHaveLength(1);
    providerArn = providers[0].Arn!;
    const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
    expect([provider.Url?.replace(/^https:\/\//, ""), provider.ClientIDList]).toEqual([HOST, ["aws.workload.identity"]]);
    const role = (await iam.send(new GetRoleCommand({ RoleName: roleArn.split("/").pop() }))).Role!;
    expect(role.RoleName).toBe("hcp-run-demo-x7k2p");
    trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!));
    const policy = await iam.send(new GetRolePolicyCommand({ RoleName: role.RoleName, PolicyName: "hcp-run-demo-x7k2p-policy" }));
    const actions = JSON.parse(decodeURIComponent(policy.PolicyDocument!)).Statement.flatMap((s: any) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(["ec2:RunInstances", "elasticloadbalancing:CreateLoadBalancer", "route53:ChangeResourceRecordSets", "iam:PassRole"]));
    expect(actions).not.toContain("*");
  }, 300_000);

  const token = (sub: string, aud = "aws.workload.identity") => ({ providerArn, host: HOST, sub, aud });
  const subject = (workspace: string, { org = ORG, project = "openshift", phase = "apply" } = {}) =>
    `organization:${org}:project:${project}:workspace:${workspace}:run_phase:${phase}`;

  test.each(["network", "infra", "bootstrap", "machines", "ingress"])("a plan or apply run of ocp-demo-%s may assume it", (part) => {
    for (const phase of ["plan", "apply"]) expect(assumeRoleWithWebIdentity(trust, roleArn, token(subject(`ocp-demo-${part}`, { phase })))).toBe("Allowed");
  });

  // Tokens are made inside the tests: the provider's ARN is known once the first test applied.
  test.each([
    ["another workspace of the organization", () => token(subject("ocp-web-network"))],
    ["a cluster whose name starts with this one's (demo-eu)", () => token(subject("ocp-demo-eu-network"))],
    ["this workspace's name in another organization", () => token(subject("ocp-demo-network", { org: "evil" }))],
    ["this workspace's name in another project", () => token(subject("ocp-demo-network", { project: "sandbox" }))],
    ["another audience", () => token(subject("ocp-demo-network"), "sts.amazonaws.com")],
  ])("refused: %s", (_what, t) => {
    expect(assumeRoleWithWebIdentity(trust, roleArn, t())).toBe("ImplicitlyDenied");
  });

  test("a second cluster, applied without the variable in an account that has the provider: the apply fails naming it, and creates no role", async () => {
    expect(await providersListed()).toStrictEqual([providerArn]);
    const folder = awsHalfFolder("untold", { clusterName: "api", infraId: "api-z9y8x" });
    await terraformOk(folder, ["init", "-input=false"], env);
    const r = await terraform(folder, ["apply", "-auto-approve", "-input=false", "-no-color"], env);
    expect(r.code).toBe(1);
    // AWS adds "Provider with url https://<host> already exists"; moto says "Unknown".
    expect(oneLine(r)).toMatch(/Error: creating IAM OIDC Provider: .*EntityAlreadyExists: .* with aws_iam_openid_connect_provider\.oidc-provider\[0\]/);
    const iam = awsClients(emulator.endpoint).iam;
    await expect(iam.send(new GetRoleCommand({ RoleName: "hcp-run-api-z9y8x" }))).rejects.toThrow("Role hcp-run-api-z9y8x not found");
  }, 300_000);

  test("a second cluster in the account uses the existing OIDC provider (-var existing_oidc_provider=true), and leaves it on destroy", async () => {
    // The check prints the provider's ARN: the summary's cue for the variable.
    expect(await providersListed()).toStrictEqual([providerArn]);
    const folder = awsHalfFolder("second", { clusterName: "web", infraId: "web-a1b2c" });
    await terraformOk(folder, ["init", "-input=false"], env);
    const plan = await terraform(folder, ["plan", "-input=false", "-var", "existing_oidc_provider=true", "-no-color"], env);
    expect(plan.stdout).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy/);
    await terraformOk(folder, ["apply", "-auto-approve", "-input=false", "-var", "existing_oidc_provider=true"], env);
    const iam = awsClients(emulator.endpoint).iam;
    const role = (await iam.send(new GetRoleCommand({ RoleName: "hcp-run-web-a1b2c" }))).Role!;
    const second = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!));
    expect(second.Statement[0].Principal.Federated).toBe(providerArn);
    expect(assumeRoleWithWebIdentity(second, role.Arn!, token(subject("ocp-web-network")))).toBe("Allowed");
    expect(assumeRoleWithWebIdentity(second, role.Arn!, token(subject("ocp-demo-network")))).toBe("ImplicitlyDenied");
    await terraformOk(folder, ["destroy", "-auto-approve", "-input=false", "-var", "existing_oidc_provider=true"], env);
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toHaveLength(1);
  }, 300_000);
});

/**
 * `npm run hcp-setup` (the summary's set-up line) on the synthesized folder, its set-up stack cut
 * to the AWS half as above: the command looks the account's OIDC provider up with the stack's own
 * provider settings, then applies with the answer. Every answer is checked against IAM.
 */
describe("npm run hcp-setup on the emulator", () => {
  let emulator: Emulator;
  let env: Record<string, string>;
  const dir = tempDir("upi-hcp-setup-");
  const url = `https://${HOST}`;

  onAccount(dir, (started, startedEnv) => {
    emulator = started;
    env = startedEnv;
  });

  /**
   * Synthesizes a cloud cluster into an output folder (a new one, unless `into` names the folder
   * it was synthesized in before) and cuts its set-up stack to the AWS half.
   */
  function synthesized(clusterName: string, infraId: string, cloud: Record<string, unknown> = {}, into?: string): string {
    const s = synthCluster(
      baseCluster({
        clusterName,
        infraId,
        aws: { maxRetries: 3, skipCredentialsValidation: true },
        backend: { type: "cloud", cloud: { organization: ORG, workspacePrefix: "ocp-", project: "openshift", ...cloud } },
      }),
      into ? path.dirname(into) : fs.mkdtempSync(path.join(dir, `${clusterName}-`)),
    );
    const file = path.join(setupStackFolder(s.outdir, clusterName), "cdk.tf.json");
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify(awsHalf(json, json.terraform.backend)));
    return s.outdir;
  }
  const hcpSetup = (cluster: string, outdir: string) => runDocumented(documented("npm-run-hcp-setup", { cluster, outdir }), { env });
  const iam = () => awsClients(emulator.endpoint).iam;
  const providers = async () => ((await iam().send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? []).map((p) => p.Arn!);
  const trustedProvider = async (role: string) =>
    JSON.parse(decodeURIComponent((await iam().send(new GetRoleCommand({ RoleName: role }))).Role!.AssumeRolePolicyDocument!)).Statement[0].Principal.Federated;

  let demo: string;
  let providerArn: string;

  test("an account without the provider: the command says so, and the apply creates it and the role trusting it", async () => {
    demo = synthesized("demo", "demo-x7k2p");
    const r = await hcpSetup("demo", demo);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/error/i) });
    expect(r.stdout).toContain(`The account has no IAM OIDC provider for ${url}: the set-up stack creates it (existing_oidc_provider=false).`);
    // The lookup it ran, then the plan it applied, as printed.
    expect(r.stdout).toContain(`plan -input=false -json -target=data.aws_iam_openid_connect_provider.existing-oidc-provider -var existing_oidc_provider=true`);
    expect(r.stdout).toContain("plan -input=false -out=hcp-setup.tfplan -no-color -var existing_oidc_provider=false");
    [providerArn] = await providers();
    expect(await providers()).toStrictEqual([providerArn]);
    expect(await trustedProvider("hcp-run-demo-x7k2p")).toBe(providerArn);
  }, 300_000);

  test("run again: the stack keeps the provider it created (told it exists, it would delete it); nothing changes", async () => {
    const r = await hcpSetup("demo", demo);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`This set-up stack created the account's IAM OIDC provider for ${url}: it keeps it (existing_oidc_provider=false).`);
    expect(r.stdout).toMatch(/Apply complete! Resources: 0 added, 0 changed, 0 destroyed/);
    expect(await providers()).toStrictEqual([providerArn]);
  }, 300_000);

  test("a second cluster in the account: the command finds the provider, and the apply uses it without owning it", async () => {
    const web = synthesized("web", "web-a1b2c");
    const r = await hcpSetup("web", web);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`The account already has an IAM OIDC provider for ${url}: the set-up stack uses it, and neither owns nor deletes it (existing_oidc_provider=true).`);
    expect(r.stdout).toMatch(/Apply complete! Resources: 2 added, 0 changed, 0 destroyed/);
    expect(await providers()).toStrictEqual([providerArn]);
    expect(await trustedProvider("hcp-run-web-a1b2c")).toBe(providerArn);
  }, 300_000);

  test("a provider for the host made for another audience: refused before anything applies, naming its client IDs", async () => {
    const other = "https://tfe.example.com";
    await iam().send(new CreateOpenIDConnectProviderCommand({ Url: other, ClientIDList: ["sts.amazonaws.com"], ThumbprintList: ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"] }));
    const r = await hcpSetup("eu", synthesized("eu", "eu-q1w2e", { hostname: "tfe.example.com" }));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`The account's IAM OIDC provider for ${other} cannot be used as it is: nothing applied (Terraform says why below).`);
    expect(r.stderr.replace(/\s+/g, " ")).toContain(
      `The account's IAM OIDC provider for ${other} does not accept the audience aws.workload.identity (its client IDs: sts.amazonaws.com)`,
    );
    await expect(iam().send(new GetRoleCommand({ RoleName: "hcp-run-eu-q1w2e" }))).rejects.toThrow("Role hcp-run-eu-q1w2e not found");
  }, 300_000);

  test("the cluster that created the provider, given an existing role of its own: refused in one line, and the provider stays", async () => {
    synthesized("demo", "demo-x7k2p", { awsRoleArn: "arn:aws:iam::123456789012:role/hcp-runs" }, demo);
    const r = await hcpSetup("demo", demo);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(
      /^demo: its set-up stack created the account's IAM OIDC provider \(aws_iam_openid_connect_provider\.oidc-provider\[0\]\), .*applying would delete it, .*first terraform -chdir=\S+ state rm 'aws_iam_openid_connect_provider\.oidc-provider\[0\]'; to delete it, apply by hand \(docs\/hcp-terraform\.md\)$/,
    );
    expect(await providers()).toContain(providerArn);
  }, 300_000);

  test("an account the lookup cannot reach: the command says it cannot tell, exits 2, and applies nothing", async () => {
    const api = synthesized("api", "api-z9y8x");
    // A port nothing listens on: the provider's requests fail (max_retries 3), so the answer is unknown.
    const r = await runDocumented(documented("npm-run-hcp-setup", { cluster: "api", outdir: api }), { env: { ...env, AWS_ENDPOINT_URL: "http://127.0.0.1:9" } });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`Could not tell whether the account has an IAM OIDC provider for ${url}: nothing applied;`);
    expect(r.stdout).not.toMatch(/ (plan -input=false -out=|apply -input=false)/);
    expect(r.stderr).toContain("terraform plan failed:");
    await expect(iam().send(new GetRoleCommand({ RoleName: "hcp-run-api-z9y8x" }))).rejects.toThrow("Role hcp-run-api-z9y8x not found");
  }, 300_000);

  test("refused in one line, before any Terraform: no terminal and no --auto-approve; a cluster without a set-up stack", async () => {
    const command = documented("npm-run-hcp-setup", { cluster: "demo", outdir: demo });
    const asked = await runDocumented({ ...command, script: command.script.replace(/ --auto-approve$/, "") }, { env });
    expect([asked.code, asked.stderr.trim()]).toEqual([1, "no terminal to ask for approval: pass --auto-approve to apply without asking"]);
    const none = await hcpSetup("nosuch", demo);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toMatch(
      /^\S+\/hcp\/stacks\/nosuch-hcp\/cdk\.tf\.json: no set-up stack of nosuch \(synth writes one for each cluster with backend\.type cloud: run npm run synth first\)$/,
    );
  }, 120_000);
});
