import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { SETUP_APP_FOLDER } from "../hcp/names";

/**
 * `cdktf synth --hcl` (SYNTH_HCL_OUTPUT=true) renders a resource's lifecycle as plain attributes,
 * so its preconditions and postconditions come out as `precondition = [ {...}, ]`, which
 * Terraform refuses ("An argument named "precondition" is not expected here"): they are blocks,
 * one per check. The stacks' guards are such checks, so each cdk.tf is rewritten here with them
 * as blocks, and the references cdktf quotes (lists of them, a provider) written bare; the rest is
 * left as cdktf wrote it.
 */

const CONDITION_LIST = /^(\s*)(precondition|postcondition) = \[$/;
const REFERENCE_LIST = /^\s*(depends_on|ignore_changes|replace_triggered_by) = \[$/;
/** A resource's or data source's provider, which cdktf quotes: `provider = "aws.assumed_role"`. */
const PROVIDER_REFERENCE = /^(\s*provider = )"([\w-]+\.[\w-]+)"$/;

/** cdktf's rendering of one condition list as blocks; throws when it is not the form cdktf writes. */
export function conditionListsAsBlocks(hcl: string, file: string): string {
  const lines = hcl.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    // References written as strings, which Terraform reads but warns are deprecated: written bare.
    if (REFERENCE_LIST.test(lines[i])) {
      out.push(lines[i]);
      for (i++; i < lines.length && lines[i] !== "]"; i++) out.push(lines[i].replace(/^"([\w.[\]-]+)",$/, "$1,"));
      out.push(lines[i]);
      continue;
    }
    if (PROVIDER_REFERENCE.test(lines[i])) {
      out.push(lines[i].replace(PROVIDER_REFERENCE, "$1$2"));
      continue;
    }
    const start = CONDITION_LIST.exec(lines[i]);
    if (!start) {
      out.push(quotedTemplate(lines[i]));
      continue;
    }
    const [, indent, kind] = start;
    const unexpected = (at: number): never => {
      throw new ConfigError([
        { file, line: at + 1, path: "", message: `cdktf's HCL for a ${kind} list is not in the form this product rewrites; synthesize without --hcl (JSON)` },
      ]);
    };
    for (i++; lines[i] !== "]"; i++) {
      if (i >= lines.length || lines[i] !== "{") unexpected(i);
      out.push(`${indent}${kind} {`);
      for (i++; lines[i] !== "},"; i++) {
        // One `name = "..."` line per argument: a condition and its message, each a single string.
        if (i >= lines.length || !/^(condition|error_message) = ".*"$/.test(lines[i])) unexpected(i);
        out.push(`${indent}  ${quotedTemplate(lines[i])}`);
      }
      out.push(`${indent}}`);
    }
  }
  return out.join("\n");
}

/**
 * Rewrites every stack's cdk.tf in an output folder being written: the cluster stacks' and the
 * HCP Terraform set-up stacks' (`hcp/stacks`, an app of its own), so it runs once both are synthesized.
 */
export function fixHclOutput(outdir: string): void {
  for (const app of ["stacks", path.join(SETUP_APP_FOLDER, "stacks")]) {
    const stacks = path.join(outdir, app);
    if (!fs.existsSync(stacks)) continue;
    for (const stack of fs.readdirSync(stacks)) {
      const file = path.join(stacks, stack, "cdk.tf");
      if (!fs.existsSync(file)) continue;
      const hcl = fs.readFileSync(file, "utf8");
      const fixed = conditionListsAsBlocks(hcl, path.join(app, stack, "cdk.tf"));
      if (fixed !== hcl) fs.writeFileSync(file, fixed);
    }
  }
}

/** `name = "<template>"` and `"<template>",` (a list item): the forms cdktf writes a one-line string in. */
const STRING_LINE = /^(\s*(?:[\w-]+|"[^"]*") = |\s*)"(.*)"(,?)$/;

/**
 * cdktf writes a string holding `${` as it is, without escaping its quotes (an IAM policy's JSON
 * with an interpolated ARN comes out as `policy = "{"Version":...}"`, which Terraform cannot
 * parse). Written again here: the text escaped, the interpolations kept as they are.
 */
function quotedTemplate(line: string): string {
  const m = STRING_LINE.exec(line);
  if (!m || !/[$%]\{/.test(m[2])) return line;
  const [, head, template, comma] = m;
  let out = "";
  let i = 0;
  while (i < template.length) {
    if (template.startsWith("$${", i) || template.startsWith("%%{", i)) {
      out += template.slice(i, i + 3);
      i += 3;
    } else if (template.startsWith("${", i) || template.startsWith("%{", i)) {
      const end = expressionEnd(template, i + 2);
      out += template.slice(i, end);
      i = end;
    } else {
      const c = template[i++];
      out += c === "\\" ? "\\\\" : c === '"' ? '\\"' : c;
    }
  }
  return `${head}"${out}"${comma}`;
}

/** The index after the `}` that closes an interpolation whose expression starts at `from`. */
function expressionEnd(text: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < text.length && depth > 0) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i + 1);
    else {
      if (c === "{") depth++;
      else if (c === "}") depth--;
      i++;
    }
  }
  return i;
}

/** The index after the `"` that closes a string literal inside an expression. */
function stringEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === "\\") i += 2;
    else if (text.startsWith("${", i) || text.startsWith("%{", i)) i = expressionEnd(text, i + 2);
    else i++;
  }
  return i + 1;
}
