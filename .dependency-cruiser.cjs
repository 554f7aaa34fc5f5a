// @ts-check
/**
 * The layers of the code, top to bottom: a module imports only from its own layer or the ones
 * below it, and no import cycle is allowed, type imports included (tsPreCompilationDeps). This list
 * is the one place the order is written (the development guide mirrors it):
 *
 *   1. entry       main.ts, scripts/, examples/, src/index.ts, src/summary.ts, src/plan/commands.ts
 *   2. synth       src/synth.ts, src/cluster-file.ts (load the file, build the props, check them),
 *                  src/output/, src/state/changes.ts and moves.ts, src/hcp/synth.ts and next-steps.ts,
 *                  src/plan/ (the plan checker), src/diagram/
 *   3. stacks      src/stacks/, src/backend/backend.ts
 *   4. cluster     src/cluster/ (OpenShiftUpiCluster, its parts and its cross-part rules)
 *   5. constructs  src/network/, dns/, loadbalancing/, security/, machines/, guards/, and the HCP
 *                  set-up constructs (src/hcp/setup-stack.ts, aws-permissions.ts, workspaces.ts)
 *   6. config      src/config/ (the cluster file: never imports a stack or a construct)
 *   7. rules       src/policy/, src/plan/rules.ts and plan-json.ts, src/state/own-state.ts and day2-rules.ts
 *   8. validation  src/validation/ (leaf checks: AWS ID shapes, names, CIDR math, the problem list)
 *   9. helpers     src/tags/, src/aws/, src/cdktf/, src/defaults.ts, src/shell-word.ts,
 *                  src/backend/local-state.ts, src/hcp/names.ts
 */
const LAYERS = [
  ["entry", "^(main\\.ts|scripts/|examples/|src/index\\.ts$|src/summary\\.ts$|src/plan/commands\\.ts$)"],
  ["synth", "^src/(synth\\.ts|cluster-file\\.ts|output/|state/(changes|moves)\\.ts|hcp/(synth|next-steps)\\.ts|plan/(?!(commands|rules|plan-json)\\.ts$)|diagram/)"],
  ["stacks", "^src/(stacks/|backend/backend\\.ts$)"],
  ["cluster", "^src/cluster/"],
  ["constructs", "^src/((network|dns|loadbalancing|security|machines|guards)/|hcp/(setup-stack|aws-permissions|workspaces)\\.ts$)"],
  ["config", "^src/config/"],
  ["rules", "^src/(policy/|plan/(rules|plan-json)\\.ts$|state/(own-state|day2-rules)\\.ts$)"],
  ["validation", "^src/validation/"],
  ["helpers", "^src/((tags|aws|cdktf)/|defaults\\.ts$|shell-word\\.ts$|backend/local-state\\.ts$|hcp/names\\.ts$)"],
];

const anyLayer = LAYERS.map(([, path]) => `(${path})`).join("|");

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle, type imports included: the modules cannot be read (or moved) one at a time.",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-in-a-layer",
      severity: "error",
      comment: "Every module of src/ belongs to one layer: add a new folder or file to LAYERS.",
      from: { path: "^src/", pathNot: anyLayer },
      to: {},
    },
    {
      name: "to-no-layer",
      severity: "error",
      comment: "Every module of src/ belongs to one layer: add a new folder or file to LAYERS.",
      from: {},
      to: { path: "^src/", pathNot: anyLayer },
    },
    // A layer never imports one above it.
    ...LAYERS.flatMap(([name, path], i) =>
      LAYERS.slice(0, i).map(([above, abovePath]) => ({
        name: `${name}-not-to-${above}`,
        severity: /** @type {const} */ ("error"),
        comment: `The ${name} layer is below the ${above} layer (the list at the top of .dependency-cruiser.cjs).`,
        from: { path },
        to: { path: abovePath },
      })),
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|\\.build|cdktf\\.out[^/]*|coverage)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".cjs", ".json"] },
  },
};
