/** One problem with the cluster file, printed as one line: `<file>[:<line>]: <field path>: <message>`. */
export interface ConfigProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
  readonly line?: number;
}

const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Control characters escaped (a path or key holding a newline, say), so a problem stays one line,
 * and so a value echoed to a terminal cannot drive it (escape sequences) or reorder what it shows
 * (bidirectional overrides).
 */
export function oneLine(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Text for a terminal: each line made safe by oneLine, the lines kept. */
export function terminalSafe(text: string): string {
  return text.split("\n").map(oneLine).join("\n");
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return oneLine(p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`);
}

/** Thrown for bad input; main prints `problems` one per line and exits non-zero, with no stack trace. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
  }
}
