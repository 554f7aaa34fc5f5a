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
  /** `security.tls.certificateAuthorities[0].source` of master.ign and worker.ign (data URLs). */
  readonly masterCa: string;
  readonly workerCa: string;
}

/** A problem reading the folder; the loader reports it against the `installDir` field. */
export class InstallDirError extends Error {}

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
  const metadata = readJson(path.join(dir, "metadata.json"));
  const masterFile = path.join(dir, "master.ign");
  const master = readJson(masterFile);
  const workerFile = path.join(dir, "worker.ign");
  const worker = readJson(workerFile);
  const bootstrapIgnitionFile = path.join(dir, "bootstrap.ign");
  if (!fs.existsSync(bootstrapIgnitionFile)) {
    throw new InstallDirError(`cannot read ${bootstrapIgnitionFile} (no such file)`);
  }

  const clusterName: string | undefined = metadata.clusterName;
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
    infraId: metadata.infraID,
    region: metadata.aws?.region,
    baseDomain,
    bootstrapIgnitionFile,
    masterCa: caOf(masterFile, master),
    workerCa: caOf(workerFile, worker),
  };
}
