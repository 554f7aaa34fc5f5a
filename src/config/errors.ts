/** One problem with the cluster file, printed as one line: `<file>[:<line>]: <field path>: <message>`. */
export interface ConfigProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
  readonly line?: number;
}

const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Control characters escaped (a path or key holding a newline, say), so a problem stays one line. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
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

/** Renders a value for an error message: short, on one line. */
export function echo(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
