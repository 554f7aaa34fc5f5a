// The emulator the tests start is the one `npm run emulator` starts (scripts/emulator/).
export { EMULATOR_ENV, startEmulator } from "../scripts/emulator/moto";
export type { Emulator } from "../scripts/emulator/moto";
