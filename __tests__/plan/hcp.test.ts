import * as fs from "node:fs";
import * as path from "node:path";
import { explainOwnStateRead, hcpToken } from "../../src/plan/hcp";
import { backendSinceInit } from "../../src/plan/terraform";
import { tempDir } from "../../test-support/paths";

/** A HOME with `terraform login`'s credentials file, and a CLI config file; what Terraform would read. */
function home(loginToken?: string, cliConfig?: string) {
  const dir = tempDir();
  if (loginToken) {
    fs.mkdirSync(path.join(dir, ".terraform.d"));
    fs.writeFileSync(path.join(dir, ".terraform.d", "credentials.tfrc.json"), JSON.stringify({ credentials: { "tfe.example.com": { token: loginToken } } }));
  }
  const config = path.join(dir, "cli.tfrc");
  if (cliConfig) fs.writeFileSync(config, cliConfig);
  return { HOME: dir, TF_CLI_CONFIG_FILE: cliConfig ? config : "" };
}


describe("hcpToken: Terraform's own order", () => {
  test("TF_TOKEN_<host> first (dots as _, hyphens as __), then the CLI config's credentials block, then terraform login's file", () => {
    const cli = `plugin_cache_dir = "/tmp"\ncredentials "tfe.example.com" {\n  token = "from-cli-config"\n}\n`;
    const env = home("from-login", cli);
    expect(hcpToken("tfe.example.com", { ...env, TF_TOKEN_tfe_example_com: "from-env" })).toBe("from-env");
    expect(hcpToken("my-tfe.example.com", { ...env, TF_TOKEN_my__tfe_example_com: "hyphen" })).toBe("hyphen");
    expect(hcpToken("TFE.example.com", env)).toBe("from-cli-config");
    expect(hcpToken("tfe.example.com", { ...env, TF_CLI_CONFIG_FILE: "" })).toBe("from-login");
    expect(hcpToken("app.terraform.io", env)).toBeUndefined();
  });

  test("a JSON CLI config file is read as JSON", () => {
    const env = home(undefined, JSON.stringify({ credentials: { "tfe.example.com": { token: "json" } } }));
    expect(hcpToken("tfe.example.com", env)).toBe("json");
  });
});

describe("a stack folder initialized for HCP Terraform", () => {
  /** `.terraform/terraform.tfstate` as Terraform 1.11.4's init wrote it for a cloud block. */
  const recorded = (name: string) => ({
    version: 3,
    terraform_version: "1.11.4",
    backend: { type: "cloud", config: { hostname: "tfe.example.com", organization: "acme", token: null, workspaces: { name, project: "p", tags: null } }, hash: 3429299341 },
  });
  const folder = (name: string) => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, ".terraform"));
    fs.writeFileSync(path.join(dir, ".terraform", "terraform.tfstate"), JSON.stringify(recorded(name)));
    return dir;
  };
  const stack = { terraform: { cloud: { hostname: "tfe.example.com", organization: "acme", workspaces: { name: "demo-network", project: "p" } } } };

  test("records the stack's cloud block: the same backend; another workspace or an S3 backend: changed", () => {
    expect(backendSinceInit(folder("demo-network"), stack)).toBe("same");
    expect(backendSinceInit(folder("x-demo-network"), stack)).toBe("changed");
    expect(backendSinceInit(folder("demo-network"), { terraform: { backend: { s3: { bucket: "b", key: "k" } } } })).toBe("changed");
  });
});

describe("explainOwnStateRead", () => {
  test("the own-state guard's read of a workspace without state is said as the guard says it; other errors pass through", () => {
    const unread = "data.terraform_remote_state.own-state[0]: Unable to find remote state: No stored state was found for the given workspace in the given backend.";
    expect(explainOwnStateRead(unread, "demo-network", "tfe.example.com/acme/workspaces/demo-network")).toBe(
      "demo-network: objects this stack creates already live in AWS but its state at tfe.example.com/acme/workspaces/demo-network holds nothing: " +
        "they are managed by another Terraform state (an earlier backend setting, or another checkout's). Nothing was changed. Move that state here, or adopt the objects with terraform import",
    );
    const upstream = "data.terraform_remote_state.cross-stack-reference-input-demo-network: Unable to find remote state: No stored state was found.";
    expect(explainOwnStateRead(upstream, "demo-infra", "x")).toBe(upstream);
  });
});
