import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { startEmulator } from "../../scripts/emulator/moto";
import { tempDir } from "../../test-support/paths";

/**
 * What `npm run emulator` (and every emulator suite) says when its prerequisites are missing: one
 * line naming what to install, never a stack trace or a Python traceback.
 */

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `body` with PATH holding only `bin`, as spawn looks commands up in it. */
async function withPath<T>(bin: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = bin;
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}

test("without python3 on PATH: one line saying what to install", async () => {
  const empty = path.join(dir, "empty");
  fs.mkdirSync(empty);
  await expect(withPath(empty, () => startEmulator())).rejects.toThrow(/^python3 not found; install Python 3 and pip install 'moto\[server\]'$/);
});

test("with a python3 that has no moto: one line naming the module and what to install", async () => {
  // The real interpreter with its site-packages off (-S -s), where moto is installed.
  const real = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "python3"), `#!/bin/sh\nexec ${real} -S -s "$@"\n`, { mode: 0o755 });
  const error = await withPath(`${bin}:/usr/bin:/bin`, () => startEmulator()).catch((e: Error) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(/^moto not found: \S+ cannot import moto; pip install 'moto\[server\]'$/);
});
