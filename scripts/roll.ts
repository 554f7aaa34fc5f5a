// npm run roll: apply one machine's pending change, or replace it, alone (see src/plan/roll.ts).
import { rollMain } from "../src/plan/commands";

void rollMain(process.argv.slice(2)).then((code) => (process.exitCode = code));
