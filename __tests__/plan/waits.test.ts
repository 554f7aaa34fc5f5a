import { limiter, readDependencies, visitInOrder } from "../../src/plan/graph";
import { crossStackInputs, OutputAction, UpstreamState, waitsOn } from "../../src/plan/waits";
import { baseCluster, synthCluster } from "../../test-support/synth";

const synthesized = synthCluster(baseCluster({ network: { availabilityZones: 1, natGateways: "single" } }));

describe("cross-stack inputs of the synthesized stacks", () => {
  test("each stack reads outputs that its upstream stack declares, and only from its manifest dependencies", () => {
    const deps = readDependencies(synthesized.outdir);
    expect(Object.fromEntries([...deps].map(([s, d]) => [s, [...d].sort()]))).toEqual({
      "demo-network": [],
      "demo-infra": ["demo-network"],
      "demo-bootstrap": ["demo-infra", "demo-network"],
      "demo-machines": ["demo-infra", "demo-network"],
      // Always synthesized; while ingress is off it holds no resource, but reads the zones its
      // records will go into, so infra's state carries them from the first apply.
      "demo-ingress": ["demo-infra"],
    });
    for (const [stack, json] of Object.entries(synthesized.json)) {
      const inputs = crossStackInputs(json);
      expect([...inputs.keys()].sort()).toEqual([...deps.get(stack)!].sort());
      for (const [upstream, outputs] of inputs) {
        expect([...outputs].filter((o) => !(o in synthesized.json[upstream].output!))).toEqual([]);
      }
    }
    expect([...crossStackInputs(synthesized.json["demo-machines"]).get("demo-network")!]).toEqual([
      expect.stringMatching(/^cross-stack-output-aws_subnetnetwork_private-subnet-0_/),
    ]);
  });
});

describe("waits on", () => {
  const inputs = new Map([
    ["demo-network", new Set(["subnet"])],
    ["demo-infra", new Set(["sg", "profile"])],
  ]);
  const planned = (outputs: Record<string, OutputAction>): UpstreamState => ({ planned: true, outputs: new Map(Object.entries(outputs)) });
  const unchangedNetwork = planned({ subnet: "noop", vpc: "update" });

  test.each<[string, Record<string, UpstreamState>, string[]]>([
    ["every output it reads is unchanged (others may change)", { "demo-network": unchangedNetwork, "demo-infra": planned({ sg: "noop", profile: "noop" }) }, []],
    ["an output it reads changes", { "demo-network": unchangedNetwork, "demo-infra": planned({ sg: "update", profile: "noop" }) }, ["demo-infra"]],
    ["an output it reads is new", { "demo-network": planned({ subnet: "create" }), "demo-infra": planned({ sg: "noop", profile: "noop" }) }, ["demo-network"]],
    ["an output it reads is not in the upstream's state or plan (never applied)", { "demo-network": unchangedNetwork, "demo-infra": planned({ sg: "noop" }) }, ["demo-infra"]],
    ["its upstream was not planned (waiting, refused or failed)", { "demo-network": { planned: false }, "demo-infra": planned({ sg: "noop", profile: "noop" }) }, ["demo-network"]],
    ["both", { "demo-network": planned({ subnet: "delete" }), "demo-infra": { planned: false } }, ["demo-network", "demo-infra"]],
    ["an upstream outside the stacks being planned is read as it is", { "demo-infra": planned({ sg: "noop", profile: "noop" }) }, []],
  ])("%s", (_, upstream, expected) => {
    expect(waitsOn(inputs, new Map(Object.entries(upstream)))).toEqual(expected);
  });
});

describe("dependency order", () => {
  const deps = new Map([
    ["net", []],
    ["infra", ["net"]],
    ["boot", ["infra", "net"]],
    ["machines", ["infra", "net"]],
    ["other-net", []],
  ]);
  const tick = () => new Promise((r) => setTimeout(r, 5));

  test("a stack starts after its upstream stacks, with their results; independent stacks run side by side", async () => {
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const results = await visitInOrder([...deps.keys()], deps, async (stack, upstream) => {
      events.push(`start ${stack} after [${[...upstream.keys()].sort().join(",")}]`);
      most = Math.max(most, ++running);
      await tick();
      running--;
      return stack.toUpperCase();
    });
    expect(results.get("machines")).toBe("MACHINES");
    expect(events.slice(0, 2)).toEqual(["start net after []", "start other-net after []"]);
    expect(events.indexOf("start infra after [net]")).toBeGreaterThan(0);
    expect(events.slice(-2).sort()).toEqual(["start boot after [infra,net]", "start machines after [infra,net]"]);
    expect(most).toBe(2);
  });

  test("only the stacks asked for; dependencies outside them are not waited for", async () => {
    const seen: string[] = [];
    await visitInOrder(["machines"], deps, async (stack, upstream) => {
      seen.push(`${stack} ${upstream.size}`);
    });
    expect(seen).toEqual(["machines 0"]);
  });

  test("a cycle is an error, not a hang", async () => {
    await expect(
      visitInOrder(
        ["a", "b"],
        new Map([
          ["a", ["b"]],
          ["b", ["a"]],
        ]),
        async () => undefined,
      ),
    ).rejects.toThrow("stacks a and b depend on each other");
  });

  test("the limiter runs at most N at once, in order", async () => {
    const run = limiter(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        run(async () => {
          most = Math.max(most, ++running);
          order.push(n);
          await tick();
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });
});
