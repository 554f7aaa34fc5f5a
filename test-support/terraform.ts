import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { mirrorCliConfig } from "../scripts/emulator/cli-config";
import { tempDir } from "./paths";

/**
 * Terraform for the tests. TERRAFORM_PROVIDER_MIRROR (set by .ci/run) names a filesystem mirror
 * holding hashicorp/aws; it is passed to Terraform through a CLI config file, Terraform's own
 * mechanism. Without it Terraform installs from its registry as usual.
 */
let cliConfig: string | undefined;

export function terraformEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    // Go's collector in Terraform and the AWS provider runs a quarter as often as by default: about
    // a fifth less CPU per plan for some 150 MB more at peak, and the suites run dozens of them on two cores.
    GOGC: process.env.GOGC ?? "400",
    ...extra,
  };
  const mirror = process.env.TERRAFORM_PROVIDER_MIRROR;
  // A caller's own CLI config (the HCP double's carries its credentials and the mirror) wins.
  if (mirror && extra.TF_CLI_CONFIG_FILE === undefined) {
    if (!cliConfig) {
      cliConfig = path.join(tempDir("upi-tfrc-"), "terraform.rc");
      fs.writeFileSync(cliConfig, mirrorCliConfig(mirror));
    }
    env.TF_CLI_CONFIG_FILE = cliConfig;
  }
  return env;
}

/** Fails loudly (rather than skipping) when a tool the suite needs is missing. */
export function requireTool(command: string, args: string[], hint: string): void {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`${[command, ...args].join(" ")} failed; this suite needs it: ${hint}`);
}

export const requireTerraform = () => requireTool("terraform", ["version"], "install Terraform >= 1.10 (README: prerequisites)");
export const requireMoto = () => requireTool("python3", ["-c", "import moto.server"], "install moto 5 with its server: pip install 'moto[server]' (README: prerequisites)");

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running terraform: its process, its output so far, and its end. */
export interface TerraformProcess {
  readonly child: ChildProcess;
  output(): string;
  readonly done: Promise<Run>;
}

/** Collects a started process's output (through `clean`, for what a log should not keep) and its end. */
export function watchProcess(child: ChildProcess, clean: (text: string) => string = (text) => text): TerraformProcess {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<Run>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: clean(stdout), stderr: clean(stderr) }));
  });
  return { child, output: () => clean(stdout), done };
}

export function startTerraform(cwd: string, args: string[], env: Record<string, string> = {}): TerraformProcess {
  return watchProcess(spawn("terraform", [...args, "-no-color"], { cwd, env: terraformEnv(env) }));
}

/** Runs terraform in `cwd`; resolves with its exit code and output (never rejects on a failure). */
export function terraform(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return startTerraform(cwd, args, env).done;
}

/** Resolves once the process's output matches `pattern` (or rejects when it ends first). */
export async function waitForOutput(p: TerraformProcess, pattern: RegExp | ((output: string) => boolean), timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const matches = typeof pattern === "function" ? pattern : (output: string) => pattern.test(output);
  let ended = false;
  void p.done.then(() => (ended = true));
  while (!matches(p.output())) {
    if (ended) throw new Error(`terraform ended before printing ${String(pattern)}:\n${p.output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Like terraform(), but throws with the output when it fails. */
export async function terraformOk(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const r = await terraform(cwd, args, env);
  if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} in ${cwd} failed (${r.code}):\n${r.stderr}\n${r.stdout.slice(-3000)}`);
  return r;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function inBatches<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
