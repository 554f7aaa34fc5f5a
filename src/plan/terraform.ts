/**
 * Terraform as the plan and roll commands run it: the `terraform` on PATH, in a stack folder,
 * with the caller's environment (credentials, TF_CLI_CONFIG_FILE, TF_* settings) passed through.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StackJson } from "../cdktf/stack-json";
import { OutputAction } from "./waits";

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment Terraform runs with: the caller's, plus TF_IN_AUTOMATION, and GOGC=400 unless
 * the caller set GOGC. Go's collector in Terraform and the AWS provider then runs a quarter as
 * often: 21 to 31% less CPU per plan (about 3 s of it is the provider's start-up) for some 150 MB
 * more at peak, which matters when a fleet's plans share a few cores.
 */
export function terraformEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, TF_IN_AUTOMATION: "1", GOGC: env.GOGC ?? "400" };
}

export function terraform(stackDir: string, args: readonly string[], options: { stdio?: "inherit" } = {}): Promise<TerraformRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", args, {
      cwd: stackDir,
      env: terraformEnv(),
      stdio: options.stdio === "inherit" ? ["inherit", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("error", (e) => reject((e as NodeJS.ErrnoException).code === "ENOENT" ? new Error("terraform is not on PATH (install Terraform >= 1.10)") : e));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The command as a user would type it from `cwd`. */
export function commandLine(stackDir: string, args: readonly string[], cwd = process.cwd()): string {
  const dir = path.relative(cwd, stackDir) || ".";
  return ["terraform", `-chdir=${dir}`, ...args].map(quote).join(" ");
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/** A value without its nulls, for comparing backend settings as Terraform stores and as synth writes them. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === "object") {
    const kept = Object.entries(v).filter(([, x]) => x !== null && x !== undefined);
    return Object.fromEntries(kept.sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, withoutNulls(x)]));
  }
  return v;
}

/**
 * The backend `.terraform` records against the stack's: "none" before any init, "changed" when
 * init ran with other backend settings (Terraform then refuses to run until init -migrate-state
 * or -reconfigure).
 */
export function backendSinceInit(stackDir: string, stack: unknown): "none" | "same" | "changed" {
  const stackJson = stack as StackJson;
  let recorded: { readonly type?: string; readonly config?: unknown } | undefined;
  try {
    recorded = (JSON.parse(fs.readFileSync(path.join(stackDir, ".terraform", "terraform.tfstate"), "utf8")) as { backend?: typeof recorded }).backend;
  } catch {
    return "none";
  }
  if (!recorded) return "none";
  // A `cloud` block is recorded as a backend of type cloud.
  const declared = stackJson.terraform?.cloud ? { cloud: stackJson.terraform.cloud } : (stackJson.terraform?.backend ?? { local: {} });
  const [type, config] = Object.entries(declared)[0];
  const same = recorded.type === type && JSON.stringify(withoutNulls(recorded.config)) === JSON.stringify(withoutNulls(config));
  return same ? "same" : "changed";
}

/**
 * Whether `terraform init` must run in a synthesized stack folder: not when `.terraform` records the
 * same backend and the lock file pins the provider versions the stack requires. Only a shortcut:
 * Terraform itself refuses to plan with a changed backend or providers, and init then reports it.
 */
export function needsInit(stackDir: string, stackJson: unknown): boolean {
  let lock: string;
  try {
    lock = fs.readFileSync(path.join(stackDir, ".terraform.lock.hcl"), "utf8");
    if (!fs.existsSync(path.join(stackDir, ".terraform", "providers"))) return true;
  } catch {
    return true;
  }
  if (backendSinceInit(stackDir, stackJson) !== "same") return true;
  const required = Object.values((stackJson as StackJson).terraform?.required_providers ?? {});
  const locked = new Set([...lock.matchAll(/^\s*version\s*=\s*"([^"]+)"/gm)].map((m) => m[1]));
  return !required.every((p) => p.version !== undefined && locked.has(p.version));
}

export interface PlanRun {
  readonly ok: boolean;
  /** The error diagnostics, one line each, when the plan failed. */
  readonly errors: string[];
  /** How each output changes (empty on a failure). */
  readonly outputs: Map<string, OutputAction>;
  /** The change summary says nothing changes (no object, no output): its JSON plan has nothing to check. */
  readonly unchanged: boolean;
}

/** One line of `terraform plan -json`, as far as this code reads it. */
interface PlanLogMessage {
  readonly type?: string;
  readonly "@level"?: string;
  readonly diagnostic?: { readonly address?: string; readonly summary?: string; readonly detail?: string };
  readonly outputs?: Readonly<Record<string, { readonly action: OutputAction }>>;
  readonly changes?: Readonly<Record<string, unknown>>;
}

/** What a plan's machine-readable log (`terraform plan -json`) says: its errors, how each output changes, whether anything changes. */
export function readPlanLog(log: string): Omit<PlanRun, "ok"> {
  const messages = log
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => {
      try {
        return JSON.parse(l) as PlanLogMessage;
      } catch {
        return undefined;
      }
    })
    .filter((m): m is PlanLogMessage => Boolean(m));
  const errors = messages
    .filter((m) => m.type === "diagnostic" && m["@level"] === "error")
    .map((m) =>
      [m.diagnostic?.address, m.diagnostic?.summary, m.diagnostic?.detail]
        .filter(Boolean)
        .join(": ")
        .replace(/\s*\n\s*/g, " "),
    );
  const outputs = new Map(Object.entries(messages.find((m) => m.type === "outputs")?.outputs ?? {}).map(([name, o]) => [name, o.action]));
  // Every count of the summary (add, change, remove, import, and forget where Terraform reports it); no summary, no claim.
  const summary = messages.find((m) => m.type === "change_summary")?.changes;
  const counts = Object.entries<unknown>(summary ?? {}).filter(([k]) => k !== "operation");
  const unchanged = summary !== undefined && counts.every(([, n]) => n === 0) && [...outputs.values()].every((a) => a === "noop");
  return { errors, outputs, unchanged };
}

/**
 * `terraform plan -input=false -out=<planFile> -json`: the machine-readable log says how each
 * output changes as soon as the plan ends, so downstream stacks need not wait for
 * `terraform show -json`.
 */
export async function planToFile(stackDir: string, planFile: string, extraArgs: readonly string[] = []): Promise<PlanRun> {
  const run = await terraform(stackDir, ["plan", "-input=false", "-json", `-out=${planFile}`, ...extraArgs]);
  const log = readPlanLog(run.stdout);
  if (run.code === 0) return { ok: true, ...log };
  return { ok: false, ...log, errors: log.errors.length ? log.errors : [lastLines(run.stderr || run.stdout)] };
}

/** `terraform show -json <planFile>`: the JSON plan, as text. */
export async function showPlan(stackDir: string, planFile: string): Promise<string> {
  const run = await terraform(stackDir, ["show", "-json", planFile]);
  if (run.code !== 0) throw new Error(`terraform show -json ${planFile} failed:\n${lastLines(run.stderr)}`);
  return run.stdout;
}

export const lastLines = (text: string, n = 12) => text.trim().split("\n").slice(-n).join("\n");
