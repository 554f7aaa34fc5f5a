import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./paths";

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command the npm scripts and cdktf.json's app run: `sh scripts/run <entry.ts>`. */
export const RUN = ["sh", path.join(ROOT, "scripts", "run")] as const;

/** Runs a TypeScript entry point as the npm scripts do, in a child process. */
export function runScript(entry: string, env: Record<string, string>, cwd = ROOT): CliResult {
  const r = spawnSync(RUN[0], [RUN[1], entry], { cwd, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `npm run synth`'s command as a user would. */
export function runSynth(env: Record<string, string>, cwd = ROOT): CliResult {
  return runScript("main.ts", env, cwd);
}
