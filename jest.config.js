const path = require("node:path");
const { emulatorSuites } = require("./test-support/sequencer.cjs");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/test-support/setup.ts"],
  // The emulator suites, each with its own moto, start first and mostly wait on the AWS provider's
  // pollers (an NLB create is two 30 s waits): each gets a worker, and two more run the other
  // suites meanwhile, on the cores they leave idle. With fewer workers than emulator suites, the
  // last of them (emulator.e2e, 350 s) queued behind the first to end (300 s): the run took both.
  maxWorkers: emulatorSuites(path.join(__dirname, "__tests__")) + 2,
  // Those other suites run at a lower priority (test-support/setup.ts); a command one of them starts
  // can wait seconds for a core, so jest's 5 s default is no sign of a hang there.
  testTimeout: 120_000,
  testSequencer: "<rootDir>/test-support/sequencer.cjs",
};
