import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Each file under `dir` (relative path, / separated, sorted) with the sha256 of its bytes. */
export function fileDigests(dir: string): Record<string, string> {
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push([path.relative(dir, full).split(path.sep).join("/"), crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex")]);
    }
  };
  walk(dir);
  return Object.fromEntries(out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
