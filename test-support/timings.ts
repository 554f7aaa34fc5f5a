/**
 * Wall times of an emulator suite's steps, printed by its afterAll: what the suite's time is
 * made of, without timing assertions.
 */
export function stepTimer(): {
  readonly timings: Record<string, number>;
  readonly timed: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
} {
  const timings: Record<string, number> = {};
  return {
    timings,
    async timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const start = Date.now();
      try {
        return await fn();
      } finally {
        timings[name] = (Date.now() - start) / 1000;
      }
    },
  };
}
