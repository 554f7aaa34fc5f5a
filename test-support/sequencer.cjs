// The emulator suites are the longest by far and spend most of their time in the AWS provider's
// pollers, not on the CPU: start them first, so the short suites fill the remaining workers
// around them. terraform validate is CPU-bound; it goes last, when the emulator suites wait on
// their load balancers, rather than at the start, when they plan. Otherwise jest's default order
// (last run's durations, or file size on a fresh clone) applies.
const fs = require("node:fs");
const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

// Every emulator suite, edge-zones.e2e (short, no load balancer) as well: queued behind the other
// suites, it started 13 minutes into a loaded run and was among the last to end.
const waitsOnEmulator = (file) => /\.e2e\.test\.ts$/.test(file);
const rank = (test) => (waitsOnEmulator(test.path) ? 0 : /terraform-validate\.test\.ts$/.test(test.path) ? 2 : 1);

/** How many suites under `dir` wait on the emulator (jest.config.js gives each a worker of its own). */
function emulatorSuites(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => waitsOnEmulator(path.join(dir, f))).length;
}

module.exports = class SuiteOrder extends Sequencer {
  async sort(tests) {
    // Array.prototype.sort is stable: within a rank, the default order stays.
    return [...(await super.sort(tests))].sort((a, b) => rank(a) - rank(b));
  }
};
module.exports.emulatorSuites = emulatorSuites;
