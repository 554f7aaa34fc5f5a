/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/test-support/setup.ts"],
  // The end-to-end suites apply real plans against the emulator; one of each at a time.
  maxWorkers: 2,
};
