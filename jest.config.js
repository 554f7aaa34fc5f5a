/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/test-support/setup.ts"],
  // Three emulator suites (cluster, terraform-lifecycle, restricted), each with its own moto, side
  // by side with the rest. They mostly wait on the AWS provider's pollers (an NLB create is two
  // 30 s waits), so a fourth worker on two cores keeps the short suites from queueing behind them.
  maxWorkers: 4,
  testSequencer: "<rootDir>/test-support/sequencer.cjs",
};
