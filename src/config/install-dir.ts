import * as fs from "node:fs";
import * as path from "node:path";

/** What the product takes from an `openshift-install create ignition-configs` folder. */
export interface InstallAssets {
  readonly dir: string;
  readonly clusterName?: string;
  readonly infraId?: string;
  readonly region?: string;
  /** From master.ign's `https://api-int.<cluster>.<domain>:22623/config/master` source. */
  readonly baseDomain?: string;
  readonly bootstrapIgnitionFile: string;
  /**
   * metadata.json's identity exactly as written (`clusterName`, `infraID`, `aws.region`), types
   * unchecked: the loader validates it like the cluster file's own fields, naming this file.
   */
  readonly metadata: { readonly file: string; readonly clusterName?: unknown; readonly infraId?: unknown; readonly region?: unknown };
  /** `security.tls.certificateAuthorities[0].source` of master.ign and worker.ign (data URLs). */
  readonly masterCa: string;
  readonly workerCa: string;
}

/**
 * A problem reading the folder; the loader reports it against the `installDir` field, or against
 * `source` (a file of the folder and a field in it) when one is given.
 */
export class InstallDirError extends Error {
  constructor(
    message: string,
    readonly source?: { readonly file: string; readonly path: string },
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const asString = (v: unknown) => (typeof v === "string" ? v : undefined);

function readJson(file: string): any {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InstallDirError(`cannot read ${file} (${code === "ENOENT" ? "no such file" : code})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InstallDirError(`${file} is not valid JSON`);
  }
}

function caOf(file: string, ign: any): string {
  const source = ign?.ignition?.security?.tls?.certificateAuthorities?.[0]?.source;
  if (typeof source !== "string" || !source.startsWith("data:")) {
    throw new InstallDirError(`${file} has no ignition.security.tls.certificateAuthorities[0].source data URL`);
  }
  return source;
}

export function readInstallDir(dir: string): InstallAssets {
  const metadataFile = path.join(dir, "metadata.json");
  const metadata = readJson(metadataFile);
  if (!isObject(metadata)) {
    throw new InstallDirError(`must be a JSON object with clusterName, infraID and aws.region (got ${JSON.stringify(metadata)})`, { file: metadataFile, path: "" });
  }
  if (metadata.aws !== undefined && !isObject(metadata.aws)) {
    throw new InstallDirError(`must be an object holding region (got ${JSON.stringify(metadata.aws)?.slice(0, 60)})`, { file: metadataFile, path: "aws" });
  }
  const masterFile = path.join(dir, "master.ign");
  const master = readJson(masterFile);
  const workerFile = path.join(dir, "worker.ign");
  const worker = readJson(workerFile);
  const bootstrapIgnitionFile = path.join(dir, "bootstrap.ign");
  if (!fs.existsSync(bootstrapIgnitionFile)) {
    throw new InstallDirError(`cannot read ${bootstrapIgnitionFile} (no such file)`);
  }

  const clusterName = asString(metadata.clusterName);
  let baseDomain: string | undefined;
  const source: unknown = master?.ignition?.config?.merge?.[0]?.source;
  if (typeof source === "string" && clusterName) {
    const host = /^https:\/\/([^/:]+)/.exec(source)?.[1];
    const prefix = `api-int.${clusterName}.`;
    if (host?.startsWith(prefix)) baseDomain = host.slice(prefix.length);
  }
  return {
    dir,
    clusterName,
    infraId: asString(metadata.infraID),
    region: asString(metadata.aws?.region),
    baseDomain,
    bootstrapIgnitionFile,
    metadata: { file: metadataFile, clusterName: metadata.clusterName, infraId: metadata.infraID, region: metadata.aws?.region },
    masterCa: caOf(masterFile, master),
    workerCa: caOf(workerFile, worker),
  };
}
