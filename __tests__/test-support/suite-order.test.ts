import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, tempDir } from "../../test-support/paths";

/**
 * `npm test`'s schedule (jest.config.js, test-support/sequencer.cjs): the emulator suites spend
 * most of their time waiting on the AWS provider's pollers, so each starts at once in a worker of
 * its own, and two more workers run everything else around them. With one worker too few, the
 * last emulator suite waits for the first to end, and the run lasts both.
 */
// jest's config and sequencer are CommonJS files without types: required, then typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require("../../jest.config.js") as { maxWorkers: number };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SuiteOrder = require("../../test-support/sequencer.cjs") as new (options: object) => { sort(tests: object[]): Promise<{ path: string }[]> };

const suites = (fs.readdirSync(path.join(ROOT, "__tests__"), { recursive: true }) as string[]).filter((f) => f.endsWith(".test.ts"));
const emulatorSuites = suites.filter((f) => f.endsWith(".e2e.test.ts"));

test("a worker for every emulator suite, and two for the rest", () => {
  expect(emulatorSuites.length).toBeGreaterThan(0);
  expect(config.maxWorkers).toBe(emulatorSuites.length + 2);
});

test("the emulator suites first, terraform validate last, every suite once", async () => {
  const sequencer = new SuiteOrder({ contexts: [], globalConfig: {} });
  // No recorded durations (a fresh clone): jest's own order is by file size.
  const cacheDirectory = tempDir("upi-order-");
  const context = { config: { cacheDirectory, id: "order" }, hasteFS: { getSize: () => 1 } };
  const ordered: string[] = (await sequencer.sort(suites.map((f) => ({ path: path.join(ROOT, "__tests__", f), context })))).map((t: { path: string }) =>
    path.relative(path.join(ROOT, "__tests__"), t.path),
  );
  expect([...ordered].sort()).toEqual([...suites].sort());
  expect(ordered.slice(0, emulatorSuites.length).sort()).toEqual([...emulatorSuites].sort());
  const validate = suites.filter((f) => f.endsWith("terraform-validate.test.ts"));
  expect(ordered.slice(-validate.length).sort()).toEqual([...validate].sort());
  fs.rmSync(cacheDirectory, { recursive: true, force: true });
});
