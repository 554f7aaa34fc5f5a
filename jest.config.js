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
  testSequencer: "<rootDir>/test-support/sequencer.cjs",
};
