// @ts-check
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Generated or copied, not written here.
    ignores: ["node_modules/", "dist/", ".build/", "cdktf.out*/", "coverage/", "schema/", "__tests__/fixtures/", "**/fixtures/", "bench/results/", "examples/**/cdktf.out/"],
  },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    // Plain CommonJS scripts (the runner, bench, jest's sequencer): no types to check them with.
    files: ["**/*.{cjs,js,mjs}"],
    extends: [tseslint.configs.recommended, tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
