import * as fs from "node:fs";
import * as path from "node:path";
import { markdownDocuments } from "../../test-support/documented-commands";
import { ROOT, tempDir } from "../../test-support/paths";

/**
 * README is a landing page that links into the guides in docs/, and the guides link to each
 * other and to the repository's files: every relative link must reach an existing file, and
 * its #anchor, when it has one, a heading of that file (as GitHub names headings).
 */

/** The text outside fenced blocks, each fenced line blanked so line numbers stay. */
const prose = (markdown: string) => {
  let fenced = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line;
    })
    .join("\n");
};

/**
 * GitHub's anchor of each heading: lower case, punctuation dropped (hyphens and underscores
 * kept), spaces made hyphens; a repeated one gets -1, -2...
 */
function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

/** Relative links (`[text](target)`) outside fenced blocks and code spans, with their line. */
function relativeLinks(markdown: string): { target: string; line: number }[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, (span) => " ".repeat(span.length));
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].filter((m) => !/^[a-z][a-z+.-]*:/i.test(m[1])).map((m) => ({ target: m[1], line: text.slice(0, m.index).split("\n").length }));
}

/** Each broken link of the documents (paths from `root`), as `file:line: target: why`. */
function brokenLinks(root: string, documents: readonly { name: string; text: string }[]): string[] {
  return documents.flatMap((doc) =>
    relativeLinks(doc.text).flatMap(({ target, line }) => {
      const at = `${doc.name}:${line}: ${target}`;
      const [file, anchor] = target.split("#", 2);
      if (!file) return headingAnchors(doc.text).has(anchor) ? [] : [`${at}: no heading with that anchor`];
      const resolved = path.join(path.dirname(path.join(root, doc.name)), decodeURIComponent(file));
      if (!fs.existsSync(resolved)) return [`${at}: no such file`];
      if (anchor === undefined) return [];
      if (!resolved.endsWith(".md") || !fs.statSync(resolved).isFile()) return [`${at}: an anchor into a file that is not Markdown`];
      return headingAnchors(fs.readFileSync(resolved, "utf8")).has(anchor) ? [] : [`${at}: no heading with that anchor`];
    }),
  );
}

test("every relative link of README.md and docs/*.md reaches a file, and its anchor a heading there", () => {
  const documents = markdownDocuments();
  expect(documents.map((d) => d.name)).toContain("docs/deploying.md");
  expect(documents.flatMap((d) => relativeLinks(d.text)).length).toBeGreaterThan(20);
  expect(brokenLinks(ROOT, documents)).toEqual([]);
});

test("every guide in docs/ is linked from README", () => {
  const readme = markdownDocuments().find((d) => d.name === "README.md")!;
  const linked = new Set(relativeLinks(readme.text).map((l) => l.target.split("#")[0]));
  const guides = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
  expect(guides.filter((g) => !linked.has(`docs/${g}`))).toEqual([]);
});

describe("the rules that check links", () => {
  test("anchors as GitHub makes them: punctuation and code marks dropped, repeats numbered", () => {
    const markdown = [
      "# Edge zones: Local Zones and Wavelength Zones",
      "## The VCS-driven workflow, and what of cdktf.out may be committed",
      "## `roll` and_more",
      "```sh",
      "# a comment",
      "```",
      "## Notes",
      "## Notes",
    ].join("\n");
    expect([...headingAnchors(markdown)]).toEqual([
      "edge-zones-local-zones-and-wavelength-zones",
      "the-vcs-driven-workflow-and-what-of-cdktfout-may-be-committed",
      "roll-and_more",
      "notes",
      "notes-1",
    ]);
  });

  test("a missing file, a missing heading and an anchor into a folder are reported; web links, code and fenced blocks are not read", () => {
    const text = [
      "See [a](docs/a.md#second), [b](docs/missing.md), [c](docs/a.md#third), [d](#top), [e](docs#x), [f](#bottom),",
      "[web](https://example.com/x.md), `[code](nowhere.md)`.",
      "```",
      "[fenced](nowhere.md)",
      "```",
      "# Top",
    ].join("\n");
    const root = tempDir("upi-links-");
    fs.mkdirSync(path.join(root, "docs"));
    fs.writeFileSync(path.join(root, "docs", "a.md"), "# First\n\n## Second\n");
    expect(brokenLinks(root, [{ name: "README.md", text }])).toEqual([
      "README.md:1: docs/missing.md: no such file",
      "README.md:1: docs/a.md#third: no heading with that anchor",
      "README.md:1: docs#x: an anchor into a file that is not Markdown",
      "README.md:1: #bottom: no heading with that anchor",
    ]);
  });
});
