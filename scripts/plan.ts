// npm run plan: synthesize, plan every stack of the selected clusters, check the plans (see src/plan).
import { planMain } from "../src/plan/commands";

void planMain(process.argv.slice(2)).then((code) => (process.exitCode = code));
