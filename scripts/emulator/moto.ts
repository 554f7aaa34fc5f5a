import { ChildProcess, spawn } from "node:child_process";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A moto server on 127.0.0.1, started through the patched launcher (moto_launcher.py, beside this
 * file): what `npm run emulator` and the emulator suites share.
 */
export interface Emulator {
  readonly endpoint: string;
  /** Ends moto; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** @default a free port */
  readonly port?: number;
  /**
   * Images moto loads at start, by id (MOTO_AMIS_PATH: a JSON list, replacing moto's stock images),
   * so that a cluster file's own `rhcosAmi` exists in the emulator as written.
   * @default moto's stock images; tests register theirs with RegisterImage
   */
  readonly imagesFile?: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A dead moto is seen at once by its exit; the deadline only catches one that hangs. It is long
 * because the suites that start moto share two cores with the emulator suites' Terraform: moto's
 * start-up (1.5 s of CPU alone) waited over 30 s for a core in a CI run.
 */
const START_DEADLINE_SECONDS = 120;

/** The launcher's exit code when moto cannot be imported: its one stderr line says what to install. */
const MOTO_MISSING = 3;

async function waitUntilUp(endpoint: string, child: ChildProcess, log: () => string, spawnError: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_SECONDS * 1000;
  while (Date.now() < deadline) {
    const failed = spawnError();
    if (failed) throw failed;
    if (child.exitCode === MOTO_MISSING) {
      // The exit can come before the last of stderr is read.
      if (!child.stderr!.closed) await new Promise((r) => child.stderr!.once("close", r));
      throw new Error(log().trim());
    }
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto did not start within ${START_DEADLINE_SECONDS} s:\n${log()}`);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn("python3", [path.join(__dirname, "moto_launcher.py"), "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...(options.imagesFile ? { MOTO_AMIS_PATH: options.imagesFile } : {}) },
  });
  // A test suite that is not an emulator suite runs niced (test-support/setup.ts), and moto would
  // inherit that; the Terraform it serves is niced already. Give it back the parent's priority
  // where that is allowed (raising a priority needs root or CAP_SYS_NICE); elsewhere the deadline
  // above covers it.
  try {
    os.setPriority(child.pid!, os.getPriority(process.ppid));
  } catch {
    // not permitted: moto keeps this process's priority
  }
  // Without this listener a missing python3 is an unhandled 'error' event: a stack trace.
  let spawnError: Error | undefined;
  child.on("error", (e: NodeJS.ErrnoException) => {
    spawnError = e.code === "ENOENT" ? new Error("python3 not found; install Python 3 and pip install 'moto[server]'") : new Error(`python3 could not be started: ${e.message}`);
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-20_000)));
  await waitUntilUp(
    endpoint,
    child,
    () => stderr,
    () => spawnError,
  );
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.on("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Fake credentials and the region every AWS client and Terraform run against the emulator uses. */
export const EMULATOR_ENV = {
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_REGION: "us-east-1",
  AWS_DEFAULT_REGION: "us-east-1",
};
