import * as fs from "node:fs";
import * as path from "node:path";

/** Each stack's upstream stacks, from cdktf's manifest.json (`stacks.<name>.dependencies`). */
export function readDependencies(outdir: string): Map<string, string[]> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks?: Record<string, { dependencies?: string[] }> };
  return new Map(Object.entries(manifest.stacks ?? {}).map(([name, s]) => [name, [...(s.dependencies ?? [])]]));
}

/**
 * Visits `stacks` in dependency order: a stack starts as soon as every upstream stack among
 * `stacks` has finished, and `visit` receives their results. Stacks with no path between them run
 * side by side (bootstrap and machines; the stacks of different clusters).
 */
export async function visitInOrder<R>(
  stacks: readonly string[],
  dependencies: ReadonlyMap<string, readonly string[]>,
  visit: (stack: string, upstream: ReadonlyMap<string, R>) => Promise<R>,
): Promise<Map<string, R>> {
  const selected = new Set(stacks);
  const upstreamOf = (s: string) => (dependencies.get(s) ?? []).filter((d) => selected.has(d));
  for (const s of stacks) {
    for (const d of upstreamOf(s)) if (dependsOn(d, s, upstreamOf)) throw new Error(`stacks ${s} and ${d} depend on each other`);
  }
  const results = new Map<string, R>();
  const started = new Set<string>();
  return new Promise((resolve, reject) => {
    const pump = () => {
      if (results.size === stacks.length) return resolve(results);
      for (const s of stacks) {
        if (started.has(s) || !upstreamOf(s).every((d) => results.has(d))) continue;
        started.add(s);
        const upstream = new Map(upstreamOf(s).map((d) => [d, results.get(d)!]));
        visit(s, upstream).then((r) => {
          results.set(s, r);
          pump();
        }, reject);
      }
    };
    pump();
  });
}

/** Runs the functions it is given at most `limit` at a time, in the order they were given. */
export function limiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  return (fn) =>
    new Promise((resolve, reject) => {
      const start = () => {
        running++;
        fn()
          .then(resolve, reject)
          .finally(() => {
            running--;
            queue.shift()?.();
          });
      };
      if (running < limit) start();
      else queue.push(start);
    });
}

function dependsOn(stack: string, target: string, upstreamOf: (s: string) => string[], seen = new Set<string>()): boolean {
  if (stack === target) return true;
  if (seen.has(stack)) return false;
  seen.add(stack);
  return upstreamOf(stack).some((d) => dependsOn(d, target, upstreamOf, seen));
}
