import * as fs from "node:fs";
import * as path from "node:path";

/** Why a file could not be read, in words for a one-line error. */
export class FileReadError extends Error {}

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** A byte count as people write it: 512 bytes, 16 KiB, 20.5 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < KiB) return `${bytes} bytes`;
  const [unit, size] = bytes < MiB ? ["KiB", KiB] : ["MiB", MiB];
  const value = bytes / size;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is not a folder",
  ENAMETOOLONG: "the path, or a name in it, is too long for the file system",
  ELOOP: "too many symbolic links",
  EISDIR: "is a folder",
  EIO: "input/output error",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EBUSY: "the folder is in use or a mount point",
  EEXIST: "something else is already there",
  ENOTEMPTY: "something else is already there",
};

/** An errno as a few words ("no such file"), the code itself when there are none. */
export function errnoWords(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code && ERRNO_WORDS[code]) ?? code ?? (e as Error)?.message ?? String(e);
}

/**
 * Reads a regular file of at most `limit` bytes. Anything else (a folder, a named pipe that would
 * block forever, /dev/zero that never ends) is refused before a byte is read: the file is opened
 * without blocking and checked through its own descriptor, so it cannot be swapped in between.
 * `why` says what the limit protects, for the message.
 */
export function readRegularFile(file: string, limit: number, why: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new FileReadError(`cannot read the file (${errnoWords(e)})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new FileReadError(`is ${kindOf(stat)}, not a regular file`);
    if (stat.size > limit) throw new FileReadError(`is ${formatBytes(stat.size)}; at most ${formatBytes(limit)} is read (${why})`);
    // Read to the end, not to the size stat gave: a file growing while it is read is caught too.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(Math.max(stat.size - length, 64 * KiB), limit + 1 - length));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > limit) throw new FileReadError(`is over ${formatBytes(limit)}; at most ${formatBytes(limit)} is read (${why})`);
    }
    return Buffer.concat(chunks, length);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(`cannot read the file (${errnoWords(e)})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** readRegularFile as UTF-8 text. */
export function readRegularText(file: string, limit: number, why: string): string {
  return readRegularFile(file, limit, why).toString("utf8");
}

/** A path as the user can open it: relative to the working folder when below it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}
