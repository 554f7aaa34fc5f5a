import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.join(__dirname, "..");
export const EXAMPLE_INSTALL_DIR = path.join(ROOT, "examples", "default", "install");
export const DEFAULT_CLUSTER_FILE = path.join(ROOT, "examples", "default", "cluster.yaml");

/** A fresh folder under the system's temporary folder. */
export function tempDir(prefix = "upi-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
