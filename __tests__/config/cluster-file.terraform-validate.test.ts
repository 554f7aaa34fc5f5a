import { fc } from "@fast-check/jest";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { GuardrailError } from "../../src/policy/guardrails";
import { synthesize } from "../../src/synth";
import { FUZZ_SEED, hostileYamlFile, mutatedFile, validFile } from "../../test-support/fuzz";
import { tempDir } from "../../test-support/paths";
import { requireTerraform } from "../../test-support/terraform";
import { validateAsModules } from "../../test-support/validate";

jest.setTimeout(1_800_000);

/**
 * The generated files' other half of the contract: what synth accepts, Terraform accepts. A
 * seeded sample of accepted files (FUZZ_VALIDATE_SAMPLES, 2 by default: one valid, one hostile
 * that was accepted) gets `terraform validate` on every stack.
 */
const SAMPLES = Number(process.env.FUZZ_VALIDATE_SAMPLES ?? 2);

describe("generated cluster files that synthesize pass terraform validate", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test(`a sample of ${SAMPLES} accepted files, every stack`, async () => {
    requireTerraform();
    const accepted: { outdir: string; text: string }[] = [];
    // Half valid files, half hostile ones that were accepted anyway: the class terraform validate
    // used to catch after synth had said yes.
    const hostile = Math.floor(SAMPLES / 2);
    const candidates = [
      ...fc.sample(fc.oneof(mutatedFile, hostileYamlFile), { seed: FUZZ_SEED + 4, numRuns: 100 * SAMPLES }).map((g) => ({ g, hostile: true })),
      ...fc.sample(validFile, { seed: FUZZ_SEED + 5, numRuns: 10 * SAMPLES }).map((g) => ({ g, hostile: false })),
    ];
    for (const { g, hostile: isHostile } of candidates) {
      if (accepted.length === SAMPLES) break;
      if (isHostile && accepted.length >= hostile) continue;
      const dir = tempDir("upi-fuzz-validate-");
      dirs.push(dir);
      fs.writeFileSync(path.join(dir, "cluster.yaml"), g.text);
      try {
        synthesize(path.join(dir, "cluster.yaml"), path.join(dir, "out"));
        accepted.push({ outdir: path.join(dir, "out"), text: g.text });
      } catch (e) {
        if (!(e instanceof ConfigError || e instanceof GuardrailError)) throw e;
      }
    }
    expect(accepted).toHaveLength(SAMPLES);

    // In one run, as modules of one root (test-support/validate.ts): the backend (an S3 bucket, an
    // HCP organization) is not what validate checks, and stacks/terraform-validate validates the
    // import blocks the product writes.
    const stacks = accepted.flatMap(({ outdir, text }) =>
      fs.readdirSync(path.join(outdir, "stacks")).map((stack) => ({ name: stack, dir: path.join(outdir, "stacks", stack), text })),
    );
    const outcomes = (await validateAsModules(stacks)).map((o, i) => ({
      stack: o.name,
      valid: o.errors.length === 0,
      out: o.errors.join("\n"),
      text: o.errors.length ? stacks[i].text : "",
    }));
    for (const o of outcomes) expect(o).toEqual({ stack: o.stack, valid: true, out: "", text: "" });
  });
});
