import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { echo } from "../validation/problems";
import { FileReadError, MiB, readRegularFile, shownPath } from "./read-file";

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
  /** `security.tls.certificateAuthorities` of master.ign and worker.ign: the one data URL, or several bundled into one. */
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

const inFile = (file: string, field = "") => ({ file, path: field });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const asString = (v: unknown) => (typeof v === "string" ? v : undefined);
/** The value at `keys` in parsed JSON; undefined where a step is missing or not a container. */
const dig = (value: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string | number, unknown>)[k] : undefined), value);

/** metadata.json, master.ign and worker.ign from openshift-install are a few KiB each. */
const SMALL_ASSET_LIMIT = MiB;
/**
 * Real bootstrap.ign files are 0.3 to a few MiB (manifests and certificates). It is uploaded to S3
 * and fetched whole by Ignition into the bootstrap node's memory at boot, so a file ten times the
 * largest real one is a wrong file, not a big cluster.
 */
export const BOOTSTRAP_IGNITION_LIMIT = 32 * MiB;

function readAsset(file: string, limit: number, why: string): Buffer {
  try {
    return readRegularFile(file, limit, why);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    // A missing asset is the folder's problem (a wrong installDir); anything else, the file's.
    if (!fs.existsSync(file)) throw new InstallDirError(`cannot read ${file} (no such file)`);
    throw new InstallDirError(e.message, inFile(file));
  }
}

/** The parser's message quotes the file: kept short (formatProblem keeps it on one line). */
const short = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

/** `what`: what the object holds, for the message. */
function parseJsonObject(file: string, text: string, what = ""): Record<string, unknown> {
  if (!text.trim()) throw new InstallDirError("is empty; run openshift-install create ignition-configs again", inFile(file));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InstallDirError(`is not valid JSON (${short((e as Error).message)})`, inFile(file));
  }
  if (!isObject(value)) throw new InstallDirError(`must be a JSON object${what} (got ${echo(value)})`, inFile(file));
  return value;
}

function readJson(file: string, what?: string): Record<string, unknown> {
  return parseJsonObject(file, readAsset(file, SMALL_ASSET_LIMIT, "openshift-install writes a few KiB").toString("utf8"), what);
}

const caField = (i: number) => `ignition.security.tls.certificateAuthorities[${i}].source`;

/** The bytes of a data URL (RFC 2397), or undefined when it is not one. */
function dataUrlBytes(url: string): Buffer | undefined {
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (!match) return undefined;
  if (/;base64$/i.test(match[1])) {
    const data = match[2].replace(/\s/g, "");
    return /^[A-Za-z0-9+/]*={0,2}$/.test(data) ? Buffer.from(data, "base64") : undefined;
  }
  try {
    return Buffer.from(decodeURIComponent(match[2]), "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The CAs the machines trust for the machine config server: only PEM certificates, each one a
 * parseable X.509 certificate valid now. Anything else (a private key pasted by mistake, a
 * truncated file, a CA that expired) would either leak into user data or leave the machines
 * unable to join. Every CA listed is kept: several are carried as one PEM bundle, which Ignition
 * reads whole.
 */
function caOf(file: string, ign: Record<string, unknown>, now = new Date()): string {
  const list = dig(ign, "ignition", "security", "tls", "certificateAuthorities");
  if (!Array.isArray(list) || list.length === 0) {
    throw new InstallDirError("is missing; expected the cluster CA as a data URL, as openshift-install writes it", inFile(file, caField(0)));
  }
  const pems = list.map((entry, i) => caPem(file, i, (entry as { source?: unknown } | null)?.source, now));
  if (pems.length === 1) return (list[0] as { source: string }).source;
  return `data:text/plain;charset=utf-8;base64,${Buffer.from(pems.map((p) => p.trim()).join("\n") + "\n").toString("base64")}`;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The PEM text of CA entry `i`, checked. */
function caPem(file: string, i: number, source: unknown, now: Date): string {
  const fail = (message: string): never => {
    throw new InstallDirError(message, inFile(file, caField(i)));
  };
  if (typeof source !== "string") return fail("is missing; expected the cluster CA as a data URL, as openshift-install writes it");
  const bytes = dataUrlBytes(source);
  if (!bytes) return fail("must be a data URL holding the cluster CA, as openshift-install writes it (data:text/plain;charset=utf-8;base64,...)");
  const text = bytes.toString("utf8");
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  const others = blocks.filter((b) => b[1] !== "CERTIFICATE").map((b) => b[1]);
  if (others.length) return fail(`holds a ${others[0]} block; only CA certificates (PEM CERTIFICATE blocks) belong here`);
  if (!blocks.length) return fail("holds no PEM CERTIFICATE block");
  const outside = blocks.reduce((rest, b) => rest.replace(b[0], ""), text);
  if (outside.trim()) return fail("holds text outside its PEM CERTIFICATE blocks");
  blocks.forEach((b, k) => {
    let cert: X509Certificate | undefined;
    try {
      cert = new X509Certificate(b[0]);
    } catch {
      fail(`certificate ${k + 1} of ${blocks.length} is not a valid X.509 certificate`);
    }
    // Ignition refuses a TLS peer whose CA is outside its validity, so the machines would never join.
    const from = new Date(cert!.validFrom);
    const to = new Date(cert!.validTo);
    if (to < now) fail(`certificate ${k + 1} of ${blocks.length} expired on ${day(to)}; run openshift-install create ignition-configs again`);
    if (from > now) fail(`certificate ${k + 1} of ${blocks.length} is not valid before ${day(from)}; check this machine's clock, or the CA's`);
  });
  return text;
}

/**
 * The config spec versions Ignition accepts (coreos/ignition's config/v3_* folders, release notes):
 * the stable specs, and the experimental spec of recent releases, which Ignition refuses once it
 * makes that spec stable: 3.7.0-experimental from 2.26.0 (2026-02), 3.6.0-experimental in 2.20 to
 * 2.25, which older RHCOS images run. Earlier experimental specs only releases before 2.20 took.
 */
const IGNITION_VERSIONS = ["3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.6.0-experimental", "3.7.0-experimental"];

/**
 * bootstrap.ign is copied into the output and uploaded as it is, so it is checked here: a regular
 * file inside the folder (not a link to elsewhere), within the size bound, and an Ignition 3 config
 * (the bootstrap pointer is Ignition 3.1.0 and replaces itself with this file).
 */
function checkBootstrapIgnition(dir: string, file: string): string {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" && !fs.existsSync(file)) throw new InstallDirError(`cannot read ${file} (no such file)`);
    throw new InstallDirError(`cannot read the file (${(e as NodeJS.ErrnoException).code})`, inFile(file));
  }
  const realDir = fs.realpathSync(dir);
  if (path.relative(realDir, real).startsWith("..") || path.isAbsolute(path.relative(realDir, real))) {
    throw new InstallDirError(`is a link to ${real}, outside the install folder; copy the file into ${shownPath(dir)} instead`, inFile(file));
  }
  const ign = parseJsonObject(file, readAsset(file, BOOTSTRAP_IGNITION_LIMIT, "it is uploaded to S3 and fetched whole at boot; real ones are a few MiB").toString("utf8"));
  const version = dig(ign, "ignition", "version");
  if (typeof version !== "string" || !IGNITION_VERSIONS.includes(version)) {
    const got = version === undefined ? "" : ` (got ${JSON.stringify(version)})`;
    throw new InstallDirError(
      `must be an Ignition 3 config version such as "3.2.0", as openshift-install 4.6 and later writes; Ignition knows ${IGNITION_VERSIONS.join(", ")}${got}`,
      inFile(file, "ignition.version"),
    );
  }
  return real;
}

export function readInstallDir(dir: string): InstallAssets {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    throw new InstallDirError(`cannot read ${dir} (${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such folder" : (e as NodeJS.ErrnoException).code})`);
  }
  if (!stat.isDirectory()) throw new InstallDirError(`${dir} is not a folder; give openshift-install's asset folder`);

  const metadataFile = path.join(dir, "metadata.json");
  const metadata = readJson(metadataFile, " with clusterName, infraID and aws.region");
  if (metadata.aws !== undefined && !isObject(metadata.aws)) {
    throw new InstallDirError(`must be an object holding region (got ${echo(metadata.aws)})`, inFile(metadataFile, "aws"));
  }
  const masterFile = path.join(dir, "master.ign");
  const master = readJson(masterFile);
  const workerFile = path.join(dir, "worker.ign");
  const worker = readJson(workerFile);
  const bootstrapIgnitionFile = checkBootstrapIgnition(dir, path.join(dir, "bootstrap.ign"));

  const clusterName = asString(metadata.clusterName);
  let baseDomain: string | undefined;
  const source = dig(master, "ignition", "config", "merge", 0, "source");
  if (typeof source === "string" && clusterName) {
    const host = /^https:\/\/([^/:]+)/.exec(source)?.[1];
    const prefix = `api-int.${clusterName}.`;
    if (host?.startsWith(prefix)) baseDomain = host.slice(prefix.length);
  }
  return {
    dir,
    clusterName,
    infraId: asString(metadata.infraID),
    region: asString(dig(metadata, "aws", "region")),
    baseDomain,
    bootstrapIgnitionFile,
    metadata: { file: metadataFile, clusterName: metadata.clusterName, infraId: metadata.infraID, region: dig(metadata, "aws", "region") },
    masterCa: caOf(masterFile, master),
    workerCa: caOf(workerFile, worker),
  };
}
