import { markdownDocuments } from "../../test-support/documented-commands";

/**
 * A block of shell lines in README or a guide in docs/ is pasted as one: its commands must run
 * one cluster file, or the synth and the deploy that follows it work on different clusters.
 */
test("each shell block of README and docs/ names one cluster file", () => {
  const blocks = markdownDocuments().flatMap((doc) =>
    [...doc.text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)].map((m) => ({
      at: `${doc.name}:${doc.text.slice(0, m.index).split("\n").length}`,
      files: [...new Set([...m[1].matchAll(/\bCLUSTER_CONFIG=(\S+)/g)].map((f) => f[1]))],
    })),
  );
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.filter((b) => b.files.length > 1)).toEqual([]);
});
