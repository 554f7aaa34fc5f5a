// npm run hcp-setup: apply a cluster's HCP Terraform set-up stack (see src/plan/hcp-setup.ts).
import { hcpSetupMain } from "../src/plan/commands";

void hcpSetupMain(process.argv.slice(2)).then((code) => (process.exitCode = code));
