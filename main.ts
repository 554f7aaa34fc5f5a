import * as path from "node:path";
import { ConfigError, terminalSafe } from "./src/config/errors";
import { GuardrailError } from "./src/policy/guardrails";
import { formatSummary, summaryContext } from "./src/summary";
import { synthesize } from "./src/synth";

/**
 * The embedded default example (synthesizes on a fresh clone, with no AWS account), beside this
 * file: scripts/run.cjs runs the bundle with this file's own __dirname, as ts-node does.
 */
const DEFAULT_CLUSTER_FILE = path.join(__dirname, "examples", "default", "cluster.yaml");

function main(): number {
  const configFile = process.env.CLUSTER_CONFIG || DEFAULT_CLUSTER_FILE;
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  try {
    const result = synthesize(configFile, outdir);
    // Warnings, errors and the summary (CLUSTER_CONFIG, CDKTF_OUTDIR) echo the user's values:
    // made safe for the terminal they are printed on.
    result.warnings.forEach((w) => console.error(terminalSafe(w)));
    console.log(terminalSafe(formatSummary(result, summaryContext())));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof GuardrailError) {
      console.error(terminalSafe(e.message));
      return 1;
    }
    // Not the user's input: one line, with the trace only on request.
    console.error(`error: ${terminalSafe((e as Error).message)}${process.env.UPI_DEBUG ? `\n${(e as Error).stack}` : ""}`);
    return 2;
  }
}

const code = main();
// Nothing is left to do: exit now rather than wait for Node's teardown of a heap about to be
// dropped (10 ms of a 0.25 s synth here). Only once stdout and stderr are fully written, so no
// output is ever cut short.
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
process.exitCode = code;
