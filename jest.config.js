/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/test-support/setup.ts"],
  // The four long emulator suites (cluster, terraform-lifecycle, plan, restricted), each with its
  // own moto, start first and mostly wait on the AWS provider's pollers (an NLB create is two 30 s
  // waits): two more workers run the other suites meanwhile, on the two cores they leave idle.
  maxWorkers: 6,
  // Those other suites run at a lower priority (test-support/setup.ts); a command one of them starts
  // can wait seconds for a core, so jest's 5 s default is no sign of a hang there.
  testTimeout: 120_000,
  testSequencer: "<rootDir>/test-support/sequencer.cjs",
};
