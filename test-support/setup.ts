import { Testing } from "cdktf";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "./paths";

// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...).
Testing.setupJest();

// The run lasts as long as its longest suites, the emulator ones, which start first and alternate
// bursts of Terraform work with waits on the AWS provider's pollers. Every other suite's worker
// (and what it starts) yields the CPU to those bursts and runs in the waits.
const testPath = expect.getState().testPath ?? "";
if (!/\.e2e\.test\.ts$/.test(testPath)) os.setPriority(Math.max(os.getPriority(), 10));

// Commands started with this suite's environment carry its name: bench/test-cpu.cjs charges each
// Terraform run to its test file.
process.env.UPI_TEST_FILE = path.relative(ROOT, testPath);
