import * as fs from "node:fs";
import * as path from "node:path";
import { hcpToken } from "../../src/plan/hcp";
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
