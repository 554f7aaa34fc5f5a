/**
 * `npm run plan`, `npm run roll` and `npm run hcp-setup`: argument parsing, synth (plan and roll; hcp-setup
 * applies the folder the last synth wrote), and the exit code. Exit codes:
 * 0 safe (acknowledged findings print as warnings), 1 unsafe plan, a refused stack or bad input, 2 a Terraform
 * command failed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { readStackJson } from "../cdktf/stack-json";
import { ConfigError } from "../config/errors";
import { loadClusterFile } from "../cluster-file";
import type { ClusterConfig } from "../config/load";
import { GuardrailError } from "../policy/guardrails";
import { EXISTING_OIDC_PROVIDER_VARIABLE, setupStackFolder } from "../hcp/names";
import { clusterStackNames } from "../stacks/names";
import { defaultClusterFile, synthesize, SynthResult } from "../synth";
import { blockingFindings, checkPlan } from "./check";
import { readDependencies } from "./graph";
import { fetchRunPlanJson, HcpApiError } from "./hcp";
import { askOidcProvider, createdOidcProviders, lookupArgs, oidcAnswerLine, OidcProviderAnswer, oidcProviderChoice, SHOW_STATE, stateAddresses } from "./hcp-setup";
import { parsePlanJson, PlanJsonError } from "./plan-json";
import { planStacks } from "./plan";
import { planRefusal } from "./preflight";
import { changesObjects, countChanges, formatReport, PlanCounts, refusedStacks } from "./report";
import {
  controlPlaneReplacementNote,
  controlPlaneStopNote,
  findMachine,
  judgeRollPlan,
  MACHINE_NAME,
  machineNames,
  machineStack,
  rollDoneLine,
  rollPlanArgs,
  workerReplacementNote,
} from "./roll";
import { commandLine, lastLines, needsInit, showPlan, terraform } from "./terraform";

/** A problem with what the user asked for: printed as is, exit 1. */
class UsageError extends Error {}

const PLAN_USAGE =
  "usage: npm run plan [-- [<clusterName>...] [--concurrency <n>]] | npm run plan -- --check <plan.json> [<clusterName>] | npm run plan -- --check-run <run-id> [<clusterName>]";
const ROLL_USAGE = "usage: npm run roll -- <clusterName> <master-N|worker-N|bootstrap> [--replace] [--auto-approve]";
const HCP_SETUP_USAGE = "usage: npm run hcp-setup -- <clusterName> [--auto-approve]";
const NO_TERMINAL = "no terminal to ask for approval: pass --auto-approve to apply without asking";

interface Args {
  readonly positional: string[];
  readonly flags: Set<string>;
  readonly values: Map<string, string>;
}

function parseArgs(argv: readonly string[], flags: readonly string[], valued: readonly string[], usage: string): Args {
  const out: Args = { positional: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    if (flags.includes(name) && inline === undefined) out.flags.add(name);
    else if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value\n${usage}`);
      out.values.set(name, value);
    } else if (argv[i].startsWith("-")) throw new UsageError(`unknown option ${argv[i]}\n${usage}`);
    else out.positional.push(argv[i]);
  }
  return out;
}

const configFile = () => process.env.CLUSTER_CONFIG || defaultClusterFile();
const outdir = () => process.env.CDKTF_OUTDIR || "cdktf.out";

/** The clusters named on the command line (all when none is named). */
function selectClusters(clusters: readonly ClusterConfig[], names: readonly string[]): number[] {
  const known = clusters.map((c) => c.clusterName);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new UsageError(`${unknown.join(", ")}: no such cluster in ${configFile()} (clusters: ${known.join(", ")})`);
  return clusters.flatMap((c, i) => (!names.length || names.includes(c.clusterName) ? [i] : []));
}

function synthesizeOrExplain(): SynthResult {
  const result = synthesize(configFile(), outdir());
  [...result.warnings, ...result.notes].forEach((w) => console.error(w));
  console.error(`Synthesized ${result.summary.length} stacks into ${path.relative(process.cwd(), result.outdir) || "."}/stacks`);
  return result;
}

/** The stack names of one synthesized cluster, in synth order. */
const stacksOf = (result: SynthResult, index: number): string[] => {
  const { network, infra, bootstrap, machines, ingress } = result.stacks[index];
  return [network, infra, bootstrap, machines, ingress].map((s) => s.node.id);
};

/** `--help`: the usage line on stdout, exit 0. */
function helped(argv: readonly string[], usage: string): boolean {
  if (!argv.includes("--help") && !argv.includes("-h")) return false;
  console.log(usage);
  return true;
}

/**
 * Terraform processes at once: two per core the process may use. A plan waits on the AWS API
 * about half its time, so one per core leaves cores idle (on 2 cores, 2 at once took 57 s where
 * 4 took 39 s: bench/plan.md).
 */
function defaultConcurrency(): number {
  return 2 * os.availableParallelism();
}

async function plan(argv: readonly string[]): Promise<number> {
  if (helped(argv, PLAN_USAGE)) return 0;
  const args = parseArgs(argv, [], ["--check", "--check-run", "--concurrency"], PLAN_USAGE);
  const check = args.values.get("--check");
  if (check !== undefined) return checkSavedPlan(check, args.positional);
  const run = args.values.get("--check-run");
  if (run !== undefined) return checkRunPlan(run, args.positional);

  const concurrency = Number(args.values.get("--concurrency") ?? defaultConcurrency());
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency must be a whole number of 1 or more (got ${args.values.get("--concurrency")})\n${PLAN_USAGE}`);
  refuseRemoteExecution(args.positional);
  const result = synthesizeOrExplain();
  const selected = selectClusters(result.clusters, args.positional);
  const stacks = selected.flatMap((i) => stacksOf(result, i).map((name) => ({ name, dir: path.join(result.outdir, "stacks", name), cluster: result.clusters[i] })));
  const report = await planStacks({
    stacks,
    dependencies: readDependencies(result.outdir),
    concurrency,
    progress: (line) => console.error(line),
  });
  console.log(formatReport(report, (o, verb) => commandLine(o.stackDir, [verb, o.planFile])));
  if (blockingFindings(report.findings).length || refusedStacks(report).length) return 1;
  return report.outcomes.some((o) => o.status === "failed") ? 2 : 0;
}

/**
 * With remote or agent execution, `terraform plan` runs in HCP Terraform and streams the run's
 * rendered log: no plan the rules can read. Refused before anything runs, saying what to run.
 */
function refuseRemoteExecution(clusterNames: readonly string[]): void {
  const { clusters } = loadClusterFile(configFile());
  for (const i of selectClusters(clusters, clusterNames)) {
    const { clusterName, backend } = clusters[i];
    const mode = backend.type === "cloud" ? backend.cloud!.executionMode : "local";
    if (mode !== "local") {
      throw new UsageError(
        `${clusterName}: backend.cloud.executionMode is ${mode}, so plans run in HCP Terraform and npm run plan cannot read them; ` +
          `judge each run's plan with npm run plan -- --check-run <run-id> ${clusterName} (the run ID is in its URL), or plan here with executionMode: local`,
      );
    }
  }
}

/** The checker alone, on a saved `terraform show -json` plan; acknowledgements from CLUSTER_CONFIG when set. */
function checkSavedPlan(file: string, clusterNames: readonly string[]): number {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${file}: cannot read the plan (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let acknowledge: ClusterConfig["guardrails"]["acknowledge"] = [];
  if (process.env.CLUSTER_CONFIG) acknowledge = oneCluster(clusterNames).guardrails.acknowledge;
  else if (clusterNames.length) throw new UsageError(`a cluster name needs CLUSTER_CONFIG (its acknowledgements apply)\n${PLAN_USAGE}`);
  return judge(text, file, acknowledge);
}

/**
 * The checker on an HCP Terraform run's JSON plan, read through the API of the cluster's
 * backend.cloud.hostname; acknowledgements from the same cluster.
 */
async function checkRunPlan(runId: string, clusterNames: readonly string[]): Promise<number> {
  const cluster = oneCluster(clusterNames);
  if (cluster.backend.type !== "cloud") {
    throw new UsageError(`--check-run reads an HCP Terraform run: cluster ${cluster.clusterName} in ${configFile()} has backend.type ${cluster.backend.type}, not cloud`);
  }
  const { hostname, organization, workspacePrefix } = cluster.backend.cloud!;
  const workspaces = clusterStackNames(cluster.clusterName).map((s) => `${workspacePrefix}${s}`);
  const text = await fetchRunPlanJson(hostname, runId, { clusterName: cluster.clusterName, organization, workspaces });
  return judge(text, `run ${runId}`, cluster.guardrails.acknowledge);
}

/** The one cluster of the cluster file a check is about. */
function oneCluster(clusterNames: readonly string[]): ClusterConfig {
  const { clusters } = loadClusterFile(configFile());
  const selected = selectClusters(clusters, clusterNames);
  if (selected.length > 1) throw new UsageError(`${configFile()} has ${selected.length} clusters: name the one the plan belongs to\n${PLAN_USAGE}`);
  return clusters[selected[0]];
}

function judge(text: string, source: string, acknowledge: ClusterConfig["guardrails"]["acknowledge"]): number {
  const planJson = parsePlanJson(text, source);
  const findings = checkPlan(planJson, source, { acknowledge });
  const outcome = { stack: source, status: "planned" as const, counts: countChanges(planJson), planFile: source, stackDir: "." };
  console.log(formatReport({ outcomes: [outcome], findings }));
  return blockingFindings(findings).length ? 1 : 0;
}

async function roll(argv: readonly string[]): Promise<number> {
  if (helped(argv, ROLL_USAGE)) return 0;
  const args = parseArgs(argv, ["--replace", "--auto-approve"], [], ROLL_USAGE);
  const [clusterName, machine, ...extra] = args.positional;
  if (!clusterName || !machine || extra.length) throw new UsageError(ROLL_USAGE);
  if (!MACHINE_NAME.test(machine)) throw new UsageError(`${JSON.stringify(machine)} is not a machine: give master-<n>, worker-<n> or bootstrap\n${ROLL_USAGE}`);
  const replace = args.flags.has("--replace");

  const result = synthesizeOrExplain();
  const [index] = selectClusters(result.clusters, [clusterName]);
  const cluster = result.clusters[index];
  const stack = machineStack(clusterName, machine);
  const stackDir = path.join(result.outdir, "stacks", stack);
  const stackJson = readStackJson(path.join(stackDir, "cdk.tf.json"));
  const addresses = findMachine(stackJson, cluster.infraId, machine);
  if (!addresses) {
    const known = machineNames(stackJson, cluster.infraId);
    throw new UsageError(`${clusterName} has no machine ${machine} in ${stack} (machines: ${known.join(", ") || "none"})`);
  }

  const planFile = "roll.tfplan";
  fs.rmSync(path.join(stackDir, planFile), { force: true });
  // Terraform colours its output whether or not it goes to a terminal.
  const color = process.stdout.isTTY ? [] : ["-no-color"];
  const planArgs = [...rollPlanArgs(addresses, replace, planFile), ...color];
  const applyArgs = ["apply", "-input=false", ...color, planFile];
  // As npm run plan checks before a plan: no init that would create an HCP workspace bare, no plan against a moved state.
  const preflight = await planRefusal({ name: stack, dir: stackDir, cluster }, stackJson);
  if (preflight.refusal || preflight.failure) {
    console.log(`Not rolled: ${preflight.refusal ?? preflight.failure}`);
    return 1;
  }
  if (preflight.warning) console.log(preflight.warning);
  const init = needsInit(stackDir, stackJson);
  console.log(`Rolling ${addresses.name}${replace ? " (replace)" : ""} with these commands:`);
  if (init) console.log(`  ${commandLine(stackDir, ["init", "-input=false"])}`);
  console.log(`  ${commandLine(stackDir, planArgs)}\n  ${commandLine(stackDir, applyArgs)}\n`);

  if (init) {
    const run = await terraform(stackDir, ["init", "-input=false", "-no-color"]);
    if (run.code !== 0) return terraformFailed("init", run.stderr || run.stdout);
  }
  const planned = await terraform(stackDir, planArgs, { stdio: "inherit" });
  if (planned.code !== 0) return 2;
  const verdict = judgeRollPlan(parsePlanJson(await showPlan(stackDir, planFile), path.join(stackDir, planFile)), addresses, replace);
  if (verdict.kind !== "apply") {
    fs.rmSync(path.join(stackDir, planFile), { force: true });
    console.log(verdict.kind === "nothing" ? `Nothing to roll: ${verdict.message}.` : `Refused: ${verdict.message}.`);
    return verdict.kind === "nothing" ? 0 : 1;
  }
  if (machine.startsWith("master-")) console.log(`\n${replace ? controlPlaneReplacementNote(addresses.name) : controlPlaneStopNote(addresses.name)}\n`);
  else if (machine.startsWith("worker-") && replace) console.log(`\n${workerReplacementNote(addresses.name)}\n`);

  if (!args.flags.has("--auto-approve") && !(await confirm(`Apply this plan to ${addresses.name}? Only 'yes' will be accepted: `))) {
    console.log(`Not applied. The plan is kept: ${commandLine(stackDir, applyArgs)}`);
    return 1;
  }
  const applied = await terraform(stackDir, applyArgs, { stdio: "inherit" });
  if (applied.code !== 0) return 2;
  const recorded = await recordOutputs(stackDir, color);
  console.log(`\n${rollDoneLine(addresses.name, replace, stack, recorded.pending)}`);
  return recorded.code;
}

/**
 * A targeted apply leaves the stack's outputs as they were (a replaced machine's private IP, say):
 * plan the whole stack, and apply that plan only when it changes no object. Returns what that
 * plan would still change (undefined when it could not be made).
 */
async function recordOutputs(stackDir: string, color: readonly string[]): Promise<{ code: number; pending?: PlanCounts }> {
  const file = "outputs.tfplan";
  const planArgs = ["plan", "-input=false", `-out=${file}`, ...color];
  const applyArgs = ["apply", "-input=false", ...color, file];
  console.log(`\nRecording the stack's outputs anew (a targeted apply leaves them as they were):\n  ${commandLine(stackDir, planArgs)}`);
  const planned = await terraform(stackDir, planArgs);
  // A guard of the stack (src/guards) refusing its other pending changes: nothing to record now
  // (the rolled machine's own record was updated by the targeted apply).
  const guard = /terraform_data\.guard-(PLAN-[A-Z0-9]+-\d+)/.exec(planned.stderr);
  if (planned.code !== 0 && guard) {
    console.log(`The stack's other pending changes wait: its ${guard[1]} guard refuses them as one plan (roll the next machine, or see npm run plan).`);
    return { code: 0 };
  }
  if (planned.code !== 0) return { code: terraformFailed("plan", planned.stderr || planned.stdout) };
  const counts = countChanges(parsePlanJson(await showPlan(stackDir, file), path.join(stackDir, file)));
  if (changesObjects(counts) || !counts.outputs) {
    fs.rmSync(path.join(stackDir, file), { force: true });
    console.log(changesObjects(counts) ? "The outputs are recorded when the stack's other pending changes are applied." : "The outputs are up to date.");
    return { code: 0, pending: counts };
  }
  console.log(`  ${commandLine(stackDir, applyArgs)}`);
  const applied = await terraform(stackDir, applyArgs);
  return applied.code === 0 ? { code: 0, pending: counts } : { code: terraformFailed("apply", applied.stderr || applied.stdout) };
}

/**
 * Init, plan and apply of a cluster's HCP Terraform set-up stack, in the folder the last synth
 * wrote (as docs/hcp-terraform.md's plain Terraform line), with `existing_oidc_provider` answered
 * first (src/plan/hcp-setup.ts). It asks before it applies, unless --auto-approve is given.
 */
async function hcpSetup(argv: readonly string[]): Promise<number> {
  if (helped(argv, HCP_SETUP_USAGE)) return 0;
  const args = parseArgs(argv, ["--auto-approve"], [], HCP_SETUP_USAGE);
  const [clusterName, ...extra] = args.positional;
  if (!clusterName || extra.length) throw new UsageError(HCP_SETUP_USAGE);
  const autoApprove = args.flags.has("--auto-approve");
  if (!autoApprove && !process.stdin.isTTY) throw new UsageError(NO_TERMINAL);
  const stackDir = setupStackFolder(outdir(), clusterName);
  const file = path.join(stackDir, "cdk.tf.json");
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `${path.relative(process.cwd(), file)}: no set-up stack of ${clusterName} (synth writes one for each cluster with backend.type cloud: run npm run synth first)`,
    );
  }
  const stackJson = readStackJson(file);
  const choice = oidcProviderChoice(stackJson);
  const color = process.stdout.isTTY ? [] : ["-no-color"];
  /** Runs a Terraform command in the set-up folder, printed first as a user would type it. */
  const shown = (args: readonly string[], options: { stdio?: "inherit" } = {}) => {
    console.log(`  ${commandLine(stackDir, args)}`);
    return terraform(stackDir, args, options);
  };

  if (needsInit(stackDir, stackJson)) {
    const run = await shown(["init", "-input=false", "-no-color"]);
    if (run.code !== 0) return terraformFailed("init", run.stderr || run.stdout);
  }
  console.log(`  ${commandLine(stackDir, SHOW_STATE)}`);
  const state = await stateAddresses(stackDir);
  if (!state.addresses) return terraformFailed("show", state.error ?? "");
  const created = createdOidcProviders(state.addresses);
  const variables: string[] = [];
  if (choice) {
    let answer: OidcProviderAnswer = { kind: "owned" };
    if (!created.length) {
      console.log(`  ${commandLine(stackDir, lookupArgs(choice))}`);
      answer = await askOidcProvider(stackDir, choice);
    }
    console.log(oidcAnswerLine(answer, choice));
    if (answer.kind === "failed" || answer.kind === "unusable") return terraformFailed("plan", answer.output);
    variables.push("-var", `${EXISTING_OIDC_PROVIDER_VARIABLE}=${answer.kind === "found"}`);
  } else if (created.length) {
    // Other clusters' run roles may trust it: deleting it is the administrator's call, not a side effect.
    throw new UsageError(
      `${clusterName}: its set-up stack created the account's IAM OIDC provider (${created.join(", ")}), and its backend.cloud settings no longer ask for one (awsRoleArn, or awsCredentials other than dynamic): ` +
        `applying would delete it, and the run role of every other cluster that uses it would stop working; to leave it in the account, first ${commandLine(stackDir, ["state", "rm", ...created])}; to delete it, apply by hand (docs/hcp-terraform.md)`,
    );
  }

  const planFile = "hcp-setup.tfplan";
  const planned = await shown(["plan", "-input=false", `-out=${planFile}`, ...color, ...variables], { stdio: "inherit" });
  if (planned.code !== 0) return 2;
  const applyArgs = ["apply", "-input=false", ...color, planFile];
  if (!autoApprove && !(await confirm(`Apply this plan to ${clusterName}'s set-up stack? Only 'yes' will be accepted: `))) {
    console.log(`Not applied. The plan is kept: ${commandLine(stackDir, applyArgs)}`);
    return 1;
  }
  const applied = await shown(applyArgs, { stdio: "inherit" });
  if (applied.code !== 0) return 2;
  fs.rmSync(path.join(stackDir, planFile), { force: true });
  return 0;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError(NO_TERMINAL);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim() === "yes";
  } finally {
    rl.close();
  }
}

function terraformFailed(what: string, output: string): number {
  console.error(`terraform ${what} failed:\n${lastLines(output)}`);
  return 2;
}

/** Runs a command and turns the user's mistakes into one-line errors (exit 1), anything else into exit 2. */
async function main(command: (argv: readonly string[]) => Promise<number> | number, argv: readonly string[]): Promise<number> {
  try {
    return await command(argv);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof GuardrailError || e instanceof UsageError || e instanceof PlanJsonError || e instanceof HcpApiError) {
      console.error(e.message);
      return 1;
    }
    console.error(`error: ${(e as Error).message}${process.env.UPI_DEBUG ? `\n${(e as Error).stack}` : ""}`);
    return 2;
  }
}

export const planMain = (argv: readonly string[]) => main(plan, argv);
export const rollMain = (argv: readonly string[]) => main(roll, argv);
export const hcpSetupMain = (argv: readonly string[]) => main(hcpSetup, argv);
