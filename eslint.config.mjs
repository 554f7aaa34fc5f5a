// @ts-check
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Generated or copied, not written here.
    ignores: ["**/node_modules/", "dist/", "**/.build/", "**/cdktf.out*/", "coverage/", "schema/", "**/fixtures/", "bench/results/"],
  },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A leading underscore is this code's (and tsc's noUnusedParameters') mark of a value left out on purpose.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      // `import x = require()` is TypeScript's own import of an `export =` module (src/cdktf/stable-stringify.ts).
      "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
      // An async function without await is how this code meets a Promise-returning interface, and turns a throw into a rejection.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // `any` is what these are given: the guardrails' public API hands rules and readers Terraform JSON
    // (Subject.attrs, readSynthesized), and fast-resolve patches cdktf's untyped private resolver.
    files: ["src/policy/**/*.ts", "src/cdktf/fast-resolve.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Tests read synthesized Terraform JSON, plan JSON and API replies: untyped by nature, and `any` is what they are.
    files: ["__tests__/**/*.ts", "test-support/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // expect(object.method) and type-literal signatures of require()d CommonJS helpers are not calls.
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    // Plain JavaScript (the runner, bench, jest's config and sequencer, this file): no types to check them with.
    files: ["**/*.{cjs,js,mjs}"],
    extends: [tseslint.configs.recommended, tseslint.configs.disableTypeChecked],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.{cjs,js}"],
    languageOptions: { sourceType: "commonjs" },
  },
);
