// The emulator the tests start is the one `npm run emulator` starts (scripts/emulator/).
import { type Emulator, startEmulator } from "../scripts/emulator/moto";
import { requireMoto } from "./terraform";

export { EMULATOR_ENV, startEmulator } from "../scripts/emulator/moto";
export type { Emulator } from "../scripts/emulator/moto";

/**
 * A fresh emulator (an empty account) for the tests of the file or describe block that calls
 * this: started before them and handed to `started`, stopped after them.
 */
export function onEmulator(started: (emulator: Emulator) => void): void {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    requireMoto();
    emulator = await startEmulator();
    started(emulator);
  }, 180_000);
  afterAll(() => emulator?.stop());
}
