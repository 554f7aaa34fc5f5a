import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A digest of every path under `dir` with its type and content (links as their target), and with
 * `mtimes` each file's modification time too: equal digests mean the folder was left as it was.
 */
export function treeDigest(dir: string, options: { mtimes?: boolean } = {}): string {
  const hash = crypto.createHash("sha256");
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      hash.update(`${path.relative(dir, full)}\0`);
      if (entry.isSymbolicLink()) hash.update(`-> ${fs.readlinkSync(full)}`);
      else if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        hash.update(fs.readFileSync(full));
        if (options.mtimes) hash.update(String(fs.statSync(full).mtimeMs));
      } else hash.update("special");
    }
  };
  walk(dir);
  return hash.digest("hex");
}
