import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, tempDir } from "./paths";
import { Run, terraformEnv, TerraformProcess, watchProcess } from "./terraform";

/**
 * Every command README.md, the guides in docs/, `help` and a synth's output show a user, exactly
 * as shown, and how a test runs it. __tests__/docs/commands.test.ts fails when a document shows a command that is not
 * here, or when an entry here is run by no test. A test runs a documented command only through
 * `documented(id, vars)` (then `runDocumented` or `startDocumented`), with the id as a string
 * literal, so that test can find which ids are run.
 *
 * Adding a command to a document: add an entry (or a form of an existing one), then run it in the
 * test that exercises that step, or say why no test runs it.
 */

/** Values a test gives for the placeholders and example values of a command. */
export type CommandVars = Readonly<Record<string, string>>;

/**
 * One change between the command as shown and as run, with the reason. Everything else is run
 * as written, through `sh -c`, from the project root.
 * - `substitute`: a placeholder or example value (`<stack>`, `demo-network`, `cluster.yaml`,
 *   `cdktf.out`) replaced by a test's value (`{stack}`, `{clusterFile}`...).
 * - `append`: arguments added at the end (`onlyOffline`: only when the tests use the provider
 *   mirror, TERRAFORM_PROVIDER_MIRROR).
 * - `env`: environment the command reads (CLUSTER_CONFIG, CDKTF_OUTDIR).
 * - `answer`: what the test types when the command asks.
 */
export type Adaptation =
  | { readonly substitute: string | RegExp; readonly by: string; readonly why: string }
  | { readonly append: string; readonly onlyOffline?: boolean; readonly why: string }
  | { readonly env: string; readonly value: string; readonly why: string }
  | { readonly answer: string; readonly why: string };

/** Why no test runs a command. */
export type NotRun =
  /** Run by CI itself (.ci/run); `check` verifies the claim. */
  | "ci"
  /** Run by `npm run bench`, which measures; tests do not time. */
  | "bench"
  /** Another tool's command, shown for the steps around ours. */
  | "external"
  /** A command's name in a sentence, not a command line a user runs as such. */
  | "mention"
  /** A form a user completes with what only they have (their URL). */
  | "illustration"
  /** A usage line with optional parts in brackets; its concrete forms are other entries. */
  | "synopsis"
  /**
   * Needs a real HCP Terraform host: a login, or the hashicorp/tfe provider, which the tests'
   * mirror lacks (the HCP API double stands in for the API that Terraform's cloud block calls).
   */
  | "hcp";

export interface DocumentedCommandEntry {
  readonly id: string;
  /**
   * The command as each document shows it, character for character. Several forms are one
   * command when they are equal once substituted, with a leading `NAME=value` moved into the
   * environment and `npx` dropped (the project's own binary either way); the test checks that.
   * Tests run the first form.
   */
  readonly forms: readonly string[];
  /** Where the forms are run, or why they are not. */
  readonly run?: "unit" | "e2e";
  readonly adapt?: readonly Adaptation[];
  readonly notRun?: NotRun;
  readonly why?: string;
  /** For `ci` and `bench`: checks the claim against the repository (true when it holds). */
  readonly check?: () => boolean;
}

// Adaptations shared by several commands.
const OUTDIR = { substitute: "cdktf.out", by: "{outdir}", why: "the test's own output folder, beside other tests'" } as const;
const OUTDIR_ENV = { env: "CDKTF_OUTDIR", value: "{outdir}", why: "the test's own output folder (CDKTF_OUTDIR, as help says), beside other tests'" } as const;
const CLUSTER_FILE_ENV = { env: "CLUSTER_CONFIG", value: "{clusterFile}", why: "the test's cluster file (help: CLUSTER_CONFIG picks another file)" } as const;
const YES = { answer: "yes", why: "Terraform asks `Enter a value:` before it applies; the test answers yes" } as const;
const STACK = (shown: string | RegExp) => ({ substitute: shown, by: "{stack}", why: "the stack the test works on" }) as const;
const CLUSTER = (shown: string) => ({ substitute: shown, by: "{cluster}", why: "the test's cluster" }) as const;
const CDKTF_OUTPUT = { append: "--output {outdir}", why: "the test's own output folder (cdktf reads no CDKTF_OUTDIR), beside other tests'" } as const;
const SKIP_PROVIDER_LOCK = {
  append: "--skip-provider-lock",
  onlyOffline: true,
  why: "offline with a provider mirror, as docs/deploying.md says to (cdktf would ask the registry for other platforms' checksums)",
} as const;
/** `cdktf deploy`/`destroy` without a terminal, in the test's output folder, offline. */
const CDKTF_APPLY: readonly Adaptation[] = [
  CLUSTER_FILE_ENV,
  { append: "--auto-approve", why: "cdktf asks for approval in an interactive terminal UI, which a test has not" },
  CDKTF_OUTPUT,
  SKIP_PROVIDER_LOCK,
];
/** roll asks before it applies only on a terminal (without one it stops, asking for the flag). */
const ROLL_APPROVAL = { append: "--auto-approve", why: "roll asks for approval on a terminal, which a test has not; help's usage line gives --auto-approve" } as const;
const STACK_NAMES = ["network", "infra", "bootstrap", "machines", "ingress"];

/**
 * The Markdown documents a user reads: README.md, then the guides in docs/ (by name), each with
 * its path from the project root and its text.
 */
export function markdownDocuments(): { name: string; text: string }[] {
  const guides = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort();
  return ["README.md", ...guides.map((f) => `docs/${f}`)].map((name) => ({ name, text: fs.readFileSync(path.join(ROOT, name), "utf8") }));
}

const packageJson = () => JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const ciScript = () => fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");

export const DOCUMENTED_COMMANDS: readonly DocumentedCommandEntry[] = [
  // Installing and the project's npm scripts.
  {
    id: "npm-ci",
    forms: ["npm ci"],
    notRun: "ci",
    why: ".ci/run runs it (with --no-audit --no-fund) before the tests; from a test it would delete and reinstall the node_modules the test runs from",
    check: () => /^npm ci\b/m.test(ciScript()),
  },
  {
    id: "npm-test",
    forms: ["npm test"],
    notRun: "ci",
    why: "it is what .ci/run runs: the type check and every test, this one included",
    check: () => /^npm test$/m.test(ciScript()),
  },
  {
    id: "npm-run-typecheck",
    forms: ["npm run typecheck"],
    notRun: "ci",
    why: "`npm test` starts with the same command (tsc -p .), so CI runs it once; a test would type-check the project a second time",
    check: () => packageJson().scripts.test.startsWith(`${packageJson().scripts.typecheck} && `),
  },
  {
    id: "npm-run-lint",
    forms: ["npm run lint"],
    notRun: "ci",
    why: "`npm test` runs it between the type check and jest, so CI runs it once; a test would lint the project a second time",
    check: () => packageJson().scripts.test === `${packageJson().scripts.typecheck} && npm run lint && jest`,
  },
  {
    id: "npm-run-bench",
    forms: ["npm run bench"],
    notRun: "bench",
    why: "it is the benchmark (nine timed synths of seven series, fleets of up to 200 clusters, the stock path installed from the registry on first use); speed is measured there, not in timed tests",
  },
  {
    id: "ts-node-main",
    forms: ["npx ts-node main.ts"],
    notRun: "bench",
    why: "the stock cdktf path the bench compares with; ts-node is installed into the bench's scratch folder, not into this project",
    check: () => fs.readFileSync(path.join(ROOT, "scripts", "bench.cjs"), "utf8").includes('app: "npx ts-node main.ts"'),
  },
  { id: "npm-run-synth", forms: ["npm run synth"], run: "unit", adapt: [OUTDIR_ENV] },
  {
    id: "npm-run-synth-cluster-file",
    forms: ["CLUSTER_CONFIG=path/to/cluster.yaml npm run synth"],
    run: "unit",
    adapt: [{ substitute: "path/to/cluster.yaml", by: "{clusterFile}", why: "the test's cluster file" }, OUTDIR_ENV],
  },
  { id: "synth-runner", forms: ["sh scripts/run main.ts"], run: "unit", adapt: [OUTDIR_ENV] },
  {
    id: "npm-run-test-unit",
    forms: ["npm run test:unit"],
    run: "unit",
    adapt: [{ append: "-- --listTests", why: "lists the suites it selects instead of running them: run from a test, it would run that test again" }],
  },
  {
    id: "npm-run-test-e2e",
    forms: ["npm run test:e2e"],
    run: "unit",
    adapt: [{ append: "-- --listTests", why: "lists the suites it selects instead of running them (the emulator suites run in CI's `npm test`)" }],
  },
  {
    id: "npm-run-emulator",
    forms: ["npm run emulator"],
    run: "e2e",
    adapt: [],
  },
  {
    id: "npm-run-emulator-cluster-file",
    forms: ["CLUSTER_CONFIG=my-cluster.yaml npm run emulator"],
    run: "e2e",
    adapt: [{ substitute: "my-cluster.yaml", by: "{clusterFile}", why: "the test's cluster file" }],
  },
  { id: "npm-run-schema", forms: ["npm run schema"], run: "unit", adapt: [] },
  { id: "npm-run-diagram", forms: ["npm run diagram"], run: "unit", adapt: [OUTDIR_ENV] },
  { id: "npm-run-build", forms: ["npm run build"], run: "unit", adapt: [] },
  { id: "npm-run-example", forms: ["npm run example"], run: "unit", adapt: [OUTDIR_ENV] },
  {
    id: "npm-install-git",
    forms: ["npm install git+https://…"],
    notRun: "illustration",
    why: "the URL is the reader's (elided); what it installs is what `npm run build` builds, and the build test loads it",
  },
  { id: "npm-install", forms: ["npm install"], notRun: "mention", why: "names an install as the event that rebuilds the synth bundle" },

  // cdktf.
  {
    id: "cdktf-deploy-all",
    forms: ["CLUSTER_CONFIG=cluster.yaml npx cdktf deploy '*'", "cdktf deploy '*'", "npx cdktf deploy '*'", "CLUSTER_CONFIG=path/to/cluster.yaml npx cdktf deploy '*'"],
    run: "e2e",
    adapt: [{ substitute: /(path\/to\/)?cluster\.yaml/, by: "{clusterFile}", why: "the test's cluster file" }, ...CDKTF_APPLY],
  },
  { id: "cdktf-destroy-all", forms: ["cdktf destroy '*'", "npx cdktf destroy '*'"], run: "e2e", adapt: CDKTF_APPLY },
  {
    id: "cdktf-destroy-bootstrap",
    forms: [
      "CLUSTER_CONFIG=cluster.yaml npx cdktf destroy demo-bootstrap",
      "cdktf destroy <clusterName>-bootstrap",
      "npx cdktf destroy <cluster>-bootstrap",
      "npx cdktf destroy demo-bootstrap",
    ],
    run: "e2e",
    adapt: [{ substitute: "cluster.yaml", by: "{clusterFile}", why: "the test's cluster file" }, CLUSTER("demo"), CLUSTER("<clusterName>"), CLUSTER("<cluster>"), ...CDKTF_APPLY],
  },
  {
    id: "cdktf-deploy-ingress",
    forms: [
      "cdktf deploy demo-ingress --ignore-missing-stack-dependencies",
      "cdktf deploy <clusterName>-ingress --ignore-missing-stack-dependencies",
      "npx cdktf deploy <cluster>-ingress --ignore-missing-stack-dependencies",
    ],
    run: "e2e",
    adapt: [CLUSTER("demo"), CLUSTER("<clusterName>"), CLUSTER("<cluster>"), ...CDKTF_APPLY],
  },
  {
    id: "cdktf-diff",
    forms: ["npx cdktf diff <stack>"],
    run: "e2e",
    adapt: [STACK("<stack>"), CLUSTER_FILE_ENV, CDKTF_OUTPUT, SKIP_PROVIDER_LOCK],
  },
  {
    id: "cdktf-synth",
    forms: ["cdktf synth"],
    run: "unit",
    adapt: [CLUSTER_FILE_ENV, CDKTF_OUTPUT],
  },
  {
    id: "cdktf-deploy",
    forms: ["cdktf deploy", "npx cdktf deploy", "npx cdktf destroy"],
    notRun: "mention",
    why: "names cdktf's deploy (or destroy) in a sentence (which flag to pass it, which commands run the guardrails); their command lines are cdktf-deploy-all, cdktf-deploy-ingress, cdktf-destroy-all and cdktf-destroy-bootstrap",
  },

  // Plain Terraform, per stack.
  {
    id: "terraform-init",
    forms: ["terraform -chdir=cdktf.out/stacks/<stack> init", "terraform -chdir=cdktf.out/stacks/demo-network init"],
    run: "e2e",
    adapt: [OUTDIR, STACK("<stack>"), STACK("demo-network")],
  },
  {
    id: "terraform-apply",
    forms: ["terraform -chdir=cdktf.out/stacks/<stack> apply", "terraform -chdir=cdktf.out/stacks/demo-network apply"],
    run: "e2e",
    adapt: [OUTDIR, STACK("<stack>"), STACK("demo-network"), YES],
  },
  {
    id: "terraform-init-apply",
    forms: ["terraform -chdir=cdktf.out/stacks/demo-network init && terraform -chdir=cdktf.out/stacks/demo-network apply"],
    run: "e2e",
    adapt: [OUTDIR, STACK(/demo-network/g), YES],
  },
  {
    id: "hcp-login",
    forms: ["terraform login app.terraform.io"],
    notRun: "hcp",
    why: "opens a browser on the HCP host for a token; the tests hand Terraform a token for the double through TF_TOKEN_<host> instead",
  },
  {
    id: "npm-run-hcp-setup",
    forms: ["npm run hcp-setup -- demo"],
    run: "e2e",
    adapt: [
      CLUSTER("demo"),
      OUTDIR_ENV,
      { append: "--auto-approve", why: "Terraform asks for approval on a terminal, which a test has not; help's usage line gives --auto-approve" },
    ],
  },
  {
    id: "npm-run-hcp-setup-synopsis",
    forms: ["npm run hcp-setup -- <clusterName> [--auto-approve]", "npm run hcp-setup -- <clusterName>"],
    notRun: "synopsis",
    why: "the usage line, a placeholder for the cluster and an optional part in brackets; its command line is npm-run-hcp-setup",
  },
  { id: "npm-run-hcp-setup-mention", forms: ["npm run hcp-setup"], notRun: "mention", why: "names the command in a sentence on what it asks" },
  {
    id: "hcp-setup-apply",
    forms: ["terraform -chdir=cdktf.out/hcp/stacks/demo-hcp init && terraform -chdir=cdktf.out/hcp/stacks/demo-hcp apply"],
    notRun: "hcp",
    why: "init installs hashicorp/tfe, which the tests' mirror lacks; the stack's JSON is checked by __tests__/hcp/setup-stack.test.ts, and its AWS half is applied on moto by __tests__/hcp/run-role.e2e.test.ts",
  },
  { id: "terraform-plan", forms: ["terraform -chdir=cdktf.out/stacks/<stack> plan"], run: "e2e", adapt: [OUTDIR, STACK("<stack>")] },
  {
    id: "terraform-import",
    forms: ["terraform -chdir=cdktf.out/stacks/<stack> import <address> <id>"],
    run: "e2e",
    adapt: [
      OUTDIR,
      STACK("<stack>"),
      { substitute: "<address>", by: "{address}", why: "the resource the test imports" },
      { substitute: "<id>", by: "{importId}", why: "the live object's id" },
    ],
  },
  {
    id: "terraform-migrate-state",
    forms: STACK_NAMES.map((s) => `terraform -chdir=cdktf.out/stacks/demo-${s} init -migrate-state`),
    run: "e2e",
    adapt: [OUTDIR, STACK(new RegExp(`demo-(${STACK_NAMES.join("|")})`)), YES],
  },
  {
    id: "terraform-state-copy-init",
    forms: ["terraform -chdir=cdktf.out/stacks/demo-network/moved-from init && terraform -chdir=cdktf.out/stacks/demo-network init"],
    run: "unit",
    adapt: [{ substitute: "cdktf.out/stacks/demo-network", by: "{stackDir}", why: "a stack folder of the test's, its moved-from folder reaching an old state" }],
  },
  {
    id: "terraform-state-copy",
    forms: ["terraform -chdir=cdktf.out/stacks/demo-network/moved-from state pull | terraform -chdir=cdktf.out/stacks/demo-network state push -"],
    run: "unit",
    adapt: [{ substitute: "cdktf.out/stacks/demo-network", by: "{stackDir}", why: "a stack folder of the test's, its moved-from folder reaching an old state" }],
  },
  {
    id: "terraform-plan-mention",
    forms: ["terraform plan"],
    notRun: "mention",
    why: 'names Terraform\'s plan in a sentence ("as `terraform plan` will"); its command line is terraform-plan',
  },
  {
    id: "terraform-validate",
    forms: ["terraform validate"],
    notRun: "mention",
    why: "names the check the tests themselves run on every stack (__tests__/stacks/terraform-validate.test.ts)",
  },
  {
    id: "terraform-init-mention",
    forms: ["terraform init"],
    notRun: "mention",
    why: "names Terraform's init in a sentence (when `npm run plan` runs it); its command line is terraform-init",
  },
  {
    id: "terraform-import-mention",
    forms: ["terraform import"],
    notRun: "mention",
    why: "names the import command a refused plan prints; its command line is terraform-import",
  },
  {
    id: "terraform-show-json-mention",
    forms: ["terraform show -json"],
    notRun: "mention",
    why: "names the kind of plan `npm run plan -- --check` reads; its command line is plan-check",
  },
  {
    id: "terraform-init-reconfigure",
    forms: ["terraform init -reconfigure"],
    run: "e2e",
    why: "the mistake the VPC precondition guards against: run in a stack folder (the test's cwd) pointed at an empty state, the next plan stops naming the old state",
  },

  // npm run plan and roll (day 2).
  { id: "npm-run-plan", forms: ["npm run plan"], run: "e2e", adapt: [CLUSTER_FILE_ENV, OUTDIR_ENV] },
  {
    id: "npm-run-plan-check-run",
    forms: ["npm run plan -- --check-run <run-id>"],
    run: "unit",
    adapt: [{ substitute: "<run-id>", by: "{runId}", why: "a run the test's HCP Terraform double serves" }, CLUSTER_FILE_ENV],
  },
  {
    // As the synth summary prints it: the cluster named, as a fleet file needs.
    id: "npm-run-plan-check-run-cluster",
    forms: ["npm run plan -- --check-run <run-id> demo"],
    run: "unit",
    adapt: [{ substitute: "<run-id>", by: "{runId}", why: "a run the test's HCP Terraform double serves" }, CLUSTER("demo"), CLUSTER_FILE_ENV],
  },
  {
    id: "plan-check",
    forms: ["terraform show -json plan.tfplan > plan.json; npm run plan -- --check plan.json"],
    run: "e2e",
    adapt: [
      { substitute: "terraform show", by: "terraform -chdir={stackDir} show", why: "the stack folder holding the saved plan (docs/day-2.md's reader is in it)" },
      { substitute: "plan.json", by: "{planJson}", why: "the test's own file for the JSON plan" },
      CLUSTER_FILE_ENV,
    ],
  },
  {
    id: "terraform-apply-saved-plan",
    forms: ["terraform -chdir=… apply upi.tfplan"],
    run: "e2e",
    adapt: [{ substitute: "…", by: "{outdir}/stacks/{stack}", why: "the folder `npm run plan` names for the stack (docs/day-2.md elides it)" }],
  },
  {
    id: "npm-run-roll",
    forms: ["npm run roll -- demo master-0"],
    run: "e2e",
    adapt: [CLUSTER("demo"), { substitute: "master-0", by: "{machine}", why: "the machine the test rolls" }, CLUSTER_FILE_ENV, OUTDIR_ENV, ROLL_APPROVAL],
  },
  {
    id: "npm-run-roll-replace",
    forms: ["npm run roll -- demo master-0 --replace", "npm run roll -- demo <machine> --replace"],
    run: "e2e",
    adapt: [
      CLUSTER("demo"),
      { substitute: "master-0", by: "{machine}", why: "the machine the test rolls" },
      { substitute: "<machine>", by: "{machine}", why: "the machine the test rolls" },
      CLUSTER_FILE_ENV,
      OUTDIR_ENV,
      ROLL_APPROVAL,
    ],
  },
  {
    id: "npm-run-roll-synopsis",
    forms: ["npm run roll -- <clusterName> <master-N|worker-N|bootstrap> [--replace] [--auto-approve]"],
    notRun: "synopsis",
    why: "the usage line, optional parts in brackets; its command lines are npm-run-roll and npm-run-roll-replace",
  },

  // The edge zones' outputs, a script of four lines (the first sets ZONE for the next two).
  {
    id: "edge-zone-variable",
    forms: ["ZONE=us-east-1-nyc-1a"],
    run: "e2e",
    adapt: [{ substitute: "us-east-1-nyc-1a", by: "{zone}", why: "the zone the test deployed" }],
  },
  {
    id: "edge-private-subnet",
    forms: ["terraform -chdir=cdktf.out/stacks/demo-network output -json EdgePrivateSubnetIds | jq -r --arg z $ZONE '.[$z]'"],
    run: "e2e",
    adapt: [OUTDIR],
  },
  {
    id: "edge-zone-group",
    forms: ["terraform -chdir=cdktf.out/stacks/demo-network output -json EdgeZoneGroups | jq -r --arg z $ZONE '.[$z]'"],
    run: "e2e",
    adapt: [OUTDIR],
  },
  {
    id: "worker-security-group-output",
    forms: ["terraform -chdir=cdktf.out/stacks/demo-infra output -raw WorkerSecurityGroupId"],
    run: "e2e",
    adapt: [OUTDIR],
  },

  // Other tools' commands, around ours.
  ...(
    [
      ["pip-install-moto", "pip install 'moto[server]'", "installs the AWS emulator the end-to-end tests need (a prerequisite)"],
      ["openshift-install-ignition-configs", "openshift-install create ignition-configs", "Red Hat's installer writes the installDir our synth reads"],
      ["openshift-install-install-config", "openshift-install create install-config", "Red Hat's installer, step 1 of the UPI flow"],
      ["openshift-install-bootstrap-complete", "openshift-install wait-for bootstrap-complete", "Red Hat's installer, waiting on the running cluster"],
      ["openshift-install-destroy", "openshift-install destroy", "Red Hat's installer, named for how it finds a cluster's resources"],
      [
        "aws-opt-in-zone",
        "aws ec2 modify-availability-zone-group --region us-east-1 --group-name us-east-1-nyc-1 --opt-in-status opted-in",
        "the AWS CLI, an account setting our plan's postcondition asks for",
      ],
      [
        "aws-oidc-provider-check",
        `aws iam list-open-id-connect-providers --query "OpenIDConnectProviderList[?ends_with(Arn, '/app.terraform.io')].Arn" --output text`,
        "the AWS CLI (no test prerequisite): whether the account has the HCP host's IAM OIDC provider; __tests__/hcp/run-role.e2e.test.ts asks IAM the same through the SDK on both paths",
      ],
      ["aws-s3-mb", "aws s3 mb", "the CloudFormation flow's step that our bootstrap stack replaces"],
      ["aws-s3-cp", "aws s3 cp bootstrap.ign", "the CloudFormation flow's step that our bootstrap stack replaces"],
      ["jq-infra-id", "jq -r .infraID metadata.json", "the CloudFormation flow's step that installDir replaces"],
      ["oc-router-service", "oc -n openshift-ingress get service router-default", "reads the running cluster's router, for ingress.routerLoadBalancerHostname"],
      ["oc-adm-drain", "oc adm drain", "drains a node before its worker is scaled away"],
      ["oc-delete-node", "oc delete node", "removes a scaled-away worker's node"],
      ["oc-get-co", "oc get co", "the cluster operators' health, between two rolled masters"],
      ["oc-get-nodes", "oc get nodes", "the nodes' health, between two rolled masters"],
      ["oc-patch", "oc patch", "names the cluster-network MTU migration on a running cluster"],
      ["oc-get-mtu", "oc get network.config cluster -o jsonpath='{.status.clusterNetworkMTU}'", "reads the running cluster's network MTU"],
      [
        "oc-patch-mtu",
        `oc patch Network.operator.openshift.io cluster --type=merge --patch '{"spec":{"migration":{"mtu":{"network":{"from":<current>,"to":1200},"machine":{"to":9001}}}}}'`,
        "migrates the running cluster's network MTU",
      ],
    ] as const
  ).map(([id, form, why]): DocumentedCommandEntry => ({ id, forms: [form], notRun: "external", why })),
];

const byId = new Map(DOCUMENTED_COMMANDS.map((e) => [e.id, e]));

/** A documented command ready to run: the form shown, and what the shell runs. */
export interface PreparedCommand {
  readonly id: string;
  readonly shown: string;
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly input?: string;
}

const offline = () => Boolean(process.env.TERRAFORM_PROVIDER_MIRROR);

/** A value put into a shell line: quoted unless it is plainly a word or a path. */
const shellWord = (value: string) => (/^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

function fill(template: string, vars: CommandVars, id: string, quote: boolean): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (vars[name] === undefined) throw new Error(`documented("${id}"): needs ${name} (${template})`);
    return quote ? shellWord(vars[name]) : vars[name];
  });
}

/** One form with the entry's adaptations applied; `input` is what the test answers. */
function prepareForm(entry: DocumentedCommandEntry, form: string, vars: CommandVars): PreparedCommand {
  let script = form;
  const env: Record<string, string> = {};
  let input: string | undefined;
  for (const a of entry.adapt ?? []) {
    if ("substitute" in a) {
      const by = fill(a.by, vars, entry.id, true);
      script = typeof a.substitute === "string" ? script.split(a.substitute).join(by) : script.replace(a.substitute, () => by);
    }
    if ("append" in a && (!a.onlyOffline || offline())) script = `${script} ${fill(a.append, vars, entry.id, true)}`;
    if ("env" in a) env[a.env] = fill(a.value, vars, entry.id, false);
    if ("answer" in a) input = `${a.answer}\n`;
  }
  const unresolved = /<[\w|-]+>|…/.exec(script);
  if (unresolved) throw new Error(`documented("${entry.id}"): ${unresolved[0]} is not substituted in ${script}`);
  return { id: entry.id, shown: form, script, env, input };
}

/** The entry of an id (throws for an unknown one). */
export function documentedEntry(id: string): DocumentedCommandEntry {
  const entry = byId.get(id);
  if (!entry) throw new Error(`no documented command "${id}" in test-support/documented-commands.ts`);
  return entry;
}

/**
 * The documented command `id` as a test runs it: its first form, with the test's values for its
 * placeholders and example values (`vars`), and the entry's other adaptations.
 */
export function documented(id: string, vars: CommandVars = {}): PreparedCommand {
  const entry = documentedEntry(id);
  if (!entry.run) throw new Error(`documented("${id}"): not run by tests (${entry.notRun}: ${entry.why})`);
  return prepareForm(entry, entry.forms[0], vars);
}

/**
 * What a form amounts to, for comparing the forms of one entry: substituted, its leading
 * `NAME=value` assignments moved into the environment, `npx` dropped.
 */
export function canonicalForm(entry: DocumentedCommandEntry, form: string, vars: CommandVars): { command: string; env: Record<string, string> } {
  const prepared = prepareForm(entry, form, vars);
  const env = { ...prepared.env };
  const words = prepared.script.split(" ");
  while (words.length > 1 && /^[A-Za-z_]\w*=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split("=");
    env[name] = value.join("=").replace(/^'(.*)'$/, "$1");
  }
  if (words[0] === "npx") words.shift();
  return { command: words.join(" "), env };
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Starts documented commands (several run as one script, in order, stopping at the first that
 * fails) through `sh -c`, from the project root, in a process group of their own, which a signal
 * to the group (a timeout) ends whole. The project's node_modules/.bin comes first on PATH, so
 * `cdktf` is the project's own, as `npx cdktf` finds it.
 */
export function startDocumented(commands: PreparedCommand | readonly PreparedCommand[], options: Pick<RunOptions, "env" | "cwd"> = {}): TerraformProcess {
  const list = Array.isArray(commands) ? (commands as readonly PreparedCommand[]) : [commands as PreparedCommand];
  const inputs = list.filter((c) => c.input);
  if (inputs.length > 1) throw new Error(`only one of ${list.map((c) => c.id).join(", ")} may ask for input`);
  const script = list.length === 1 ? list[0].script : ["set -e", ...list.map((c) => c.script)].join("\n");
  const env = terraformEnv({
    PATH: `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}`,
    // cdktf: plain output for a log, no update check.
    CI: "1",
    FORCE_COLOR: "0",
    ...options.env,
    ...Object.assign({}, ...list.map((c) => c.env)),
  });
  const child = spawn("sh", ["-c", script], { cwd: options.cwd ?? ROOT, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.end(inputs[0]?.input ?? "");
  return watchProcess(child, (text) => text.replace(ANSI, ""));
}

/** Options of a run: extra environment, the folder it runs in, and how long it may take. */
export interface RunOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Then its whole process group (the shell, Terraform, cdktf's children) is ended. Default 900 s. */
  readonly timeoutMs?: number;
}

/** Runs documented commands to the end (see startDocumented); never rejects on a failure. */
export async function runDocumented(commands: PreparedCommand | readonly PreparedCommand[], options: RunOptions = {}): Promise<Run> {
  const p = startDocumented(commands, options);
  const timer = setTimeout(() => process.kill(-p.child.pid!, "SIGTERM"), options.timeoutMs ?? 900_000);
  try {
    return await p.done;
  } finally {
    clearTimeout(timer);
  }
}

/** Like runDocumented, but throws with the output when the commands fail. */
export async function runDocumentedOk(commands: PreparedCommand | readonly PreparedCommand[], options: RunOptions = {}): Promise<Run> {
  const r = await runDocumented(commands, options);
  const list = Array.isArray(commands) ? (commands as readonly PreparedCommand[]) : [commands as PreparedCommand];
  if (r.code !== 0) throw new Error(`${list.map((c) => c.script).join("\n")}\nfailed (${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
  return r;
}

/**
 * A copy of the checkout's sources (package files, tsconfigs, scripts, src, schema, examples),
 * sharing its node_modules: for a command that rewrites committed files (`npm run schema`)
 * or the build output, so that running it from a test leaves the checkout as it was.
 */
export function checkoutCopy(): string {
  const dir = tempDir("upi-checkout-");
  for (const f of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "cdktf.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  for (const d of ["scripts", "src", "schema", "examples"]) fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}
