/**
 * A Terraform CLI config that installs hashicorp/aws from a filesystem mirror (a machine without
 * registry access) and anything else from the registry. Terraform reads it from TF_CLI_CONFIG_FILE.
 */
export function mirrorCliConfig(mirror: string): string {
  return `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`;
}
