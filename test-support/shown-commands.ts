/**
 * The commands a document shows a user, found by a few explicit rules (and nothing cleverer, so
 * a reader can predict them). A command is one line of shell as the document writes it, with
 * placeholders (`<stack>`, `…`) and example values (`demo`, `cluster.yaml`) kept.
 *
 * Command words: a command starts (after any `NAME=value` assignments) with one of these. Ours
 * are run by the tests; the others belong to tools users run around ours, and are only listed.
 */
export const OUR_COMMAND_WORDS = ["npm", "npx", "cdktf", "terraform", "sh"] as const;
export const EXTERNAL_COMMAND_WORDS = ["oc", "openshift-install", "aws", "jq", "kubectl", "pip", "python3"] as const;
const COMMAND_WORDS: readonly string[] = [...OUR_COMMAND_WORDS, ...EXTERNAL_COMMAND_WORDS];

export type Source = "README" | "help" | "synth";

export interface ShownCommand {
  readonly text: string;
  readonly source: Source;
  /** 1-based line of the document (of the synth's output for "synth"). */
  readonly line: number;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=\S*$/;

/** The first word after leading `NAME=value` assignments, or undefined when there is none. */
function commandWord(text: string): string | undefined {
  return text
    .trim()
    .split(/\s+/)
    .find((w) => !ASSIGNMENT.test(w));
}

/** A shell line counts as a command when its command word is one of ours or a known tool's. */
export function isCommand(text: string): boolean {
  const word = commandWord(text);
  return word !== undefined && COMMAND_WORDS.includes(word);
}

export function isExternal(text: string): boolean {
  return (EXTERNAL_COMMAND_WORDS as readonly string[]).includes(commandWord(text) ?? "");
}

/** Runs of whitespace (a span wrapped over two lines, too) read as one space. */
const oneLine = (text: string) => text.trim().replace(/\s+/g, " ");

/** ` # comment` at the end of a shell line (a `#` inside a word or quotes is not one). */
const withoutComment = (line: string) => line.replace(/\s+#\s.*$/, "").trimEnd();

/** Inline code spans (`...`, possibly wrapped over lines), with the line each starts on. */
function codeSpans(text: string, firstLine: number): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    out.push({ text: oneLine(m[1]), line: firstLine + text.slice(0, m.index).split("\n").length - 1 });
  }
  return out;
}

/**
 * README.md:
 * - Fenced blocks marked sh, bash or shell: every line that is not blank or a comment is a
 *   command (its trailing ` # comment` removed; a line ending in `\` continues on the next).
 *   A `NAME=value` line is a command too: the lines after it use it.
 * - Fenced blocks marked text, or unmarked (shown output): a line starting with `$ ` (the prompt
 *   removed, then its comment), or a line whose first word is a command word.
 * - Other fenced blocks (yaml, ts, json) hold no commands.
 * - Outside fenced blocks, an inline code span of two words or more whose command word is a
 *   command word (`cdktf deploy '*'`, `npm test`; a bare `cdktf` or `aws` is a name, and
 *   `UPI_DEBUG=1` alone is a setting).
 */
export function readmeCommands(markdown: string): ShownCommand[] {
  const out: ShownCommand[] = [];
  const lines = markdown.split("\n");
  let prose: string[] = [];
  let proseStart = 1;
  const flushProse = () => {
    for (const span of codeSpans(prose.join("\n"), proseStart)) {
      if (span.text.split(" ").length >= 2 && isCommand(span.text)) out.push({ text: span.text, source: "README", line: span.line });
    }
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```(\w*)\s*$/.exec(lines[i]);
    if (!fence) {
      if (!prose.length) proseStart = i + 1;
      prose.push(lines[i]);
      continue;
    }
    flushProse();
    const language = fence[1];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) {
      const line = lines[j].trim();
      if (["sh", "bash", "shell"].includes(language)) {
        if (!line || line.startsWith("#")) continue;
        let command = withoutComment(line);
        const start = j + 1;
        while (command.endsWith("\\") && j + 1 < lines.length) command = `${command.slice(0, -1).trimEnd()} ${withoutComment(lines[++j].trim())}`;
        out.push({ text: command, source: "README", line: start });
      } else if (["text", ""].includes(language)) {
        const prompted = line.startsWith("$ ") ? withoutComment(line.slice(2)) : undefined;
        if (prompted) out.push({ text: oneLine(prompted), source: "README", line: j + 1 });
        else if (isCommand(line)) out.push({ text: oneLine(line), source: "README", line: j + 1 });
      }
    }
    i = j;
    proseStart = i + 2;
  }
  flushProse();
  return out;
}

/**
 * `help`, and what a synth prints (stdout and stderr), which share a layout:
 * - A line whose command word is a command word: the command is that line up to the first run of
 *   two or more spaces, where its description column starts ("  cdktf deploy '*'    every stack").
 * - An inline code span whose command word is a command word, wherever it is (a command inside a
 *   sentence is written in backticks: "run `terraform -chdir=… init -migrate-state`").
 */
export function textCommands(text: string, source: "help" | "synth"): ShownCommand[] {
  const out: ShownCommand[] = [];
  text.split("\n").forEach((line, i) => {
    const column = line.trim().split(/\s{2,}/)[0];
    if (isCommand(column) && !column.includes("`")) out.push({ text: column, source, line: i + 1 });
  });
  for (const span of codeSpans(text, 1)) if (isCommand(span.text)) out.push({ text: span.text, source, line: span.line });
  return out;
}

/**
 * A command word followed by an argument in running text that none of the rules above found: a
 * command written into a sentence without backticks. Returned so the test can ask for them.
 */
export function unmarkedCommands(text: string, found: readonly ShownCommand[]): string[] {
  const marked = new Set(found.map((c) => c.line));
  const out: string[] = [];
  text.split("\n").forEach((line, i) => {
    // A command line's own command is its first column; its description is prose.
    const rest = marked.has(i + 1)
      ? line
          .trim()
          .split(/\s{2,}/)
          .slice(1)
          .join("  ")
      : line;
    const prose = rest.replace(/`[^`]*`/g, "``");
    for (const word of COMMAND_WORDS) {
      const m = new RegExp(`(^|[\\s(:])${word.replace("-", "\\-")} [-a-z<'*]`).exec(prose);
      if (m) out.push(`line ${i + 1}: ${line.trim()}`);
    }
  });
  return out;
}
