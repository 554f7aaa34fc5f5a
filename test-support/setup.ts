import { Testing } from "cdktf";
import * as os from "node:os";

// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...).
Testing.setupJest();

// The run lasts as long as its longest suites, the emulator ones, which start first and alternate
// bursts of Terraform work with waits on the AWS provider's pollers. Every other suite's worker
// (and what it starts) yields the CPU to those bursts and runs in the waits.
if (!/\.e2e\.test\.ts$/.test(expect.getState().testPath ?? "")) os.setPriority(Math.max(os.getPriority(), 10));
