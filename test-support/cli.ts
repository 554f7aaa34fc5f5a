import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./paths";

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command the npm scripts and cdktf.json's app run: `sh scripts/run <entry.ts>`. */
export const RUN = ["sh", path.join(ROOT, "scripts", "run")] as const;

/**
 * A script that runs longer has hung. Generous: in `npm test` the suites that run scripts are niced
 * (test-support/setup.ts) beside the emulator suites' Terraform, and a fleet-50 synth (2 s on an
 * idle machine) once took over 120 s there.
 */
const SCRIPT_TIMEOUT_MS = 600_000;

/** Runs a TypeScript entry point as the npm scripts do, in a child process. */
export function runScript(entry: string, env: Record<string, string>, cwd = ROOT): CliResult {
  const r = spawnSync(RUN[0], [RUN[1], entry], { cwd, env: { ...process.env, ...env }, encoding: "utf8", timeout: SCRIPT_TIMEOUT_MS });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `npm run synth`'s command as a user would. */
export function runSynth(env: Record<string, string>, cwd = ROOT): CliResult {
  return runScript("main.ts", env, cwd);
}

/**
 * Runs `npm run <script>`'s command (sh scripts/run scripts/<script>.ts <args>) in a child process,
 * without blocking this one: the emulator's log is read by this process, and a blocked reader
 * would stall the emulator. On a timeout the script and its Terraform processes are ended.
 */
export function runNpmScript(script: string, args: readonly string[], env: Record<string, string> = {}, timeoutMs = 900_000): Promise<CliResult> {
  const child = spawn(RUN[0], [RUN[1], `scripts/${script}.ts`, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGTERM"), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
