import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./paths";

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm run synth`'s command (node scripts/run.cjs main.ts) as a user would, in a child process. */
export function runSynth(env: Record<string, string>, cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "run.cjs"), "main.ts"], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `npm run <script>`'s command (node scripts/run.cjs scripts/<script>.ts <args>) in a child process. */
export function runScript(script: string, args: readonly string[], env: Record<string, string> = {}, cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "run.cjs"), `scripts/${script}.ts`, ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 600_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
