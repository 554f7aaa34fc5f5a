import { echo } from "./problems";

/** State backends: the names S3, DynamoDB and HCP Terraform accept. */

/** S3 general purpose bucket naming rules. */
export function s3BucketNameProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a string (got ${echo(value)})`;
  const rule = "S3 bucket names are 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit";
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) return `must be an S3 bucket name: ${rule} (got ${echo(value)})`;
  if (value.includes("..") || value.includes(".-") || value.includes("-.")) return `must not hold '..', '.-' or '-.' (S3 bucket names) (got ${echo(value)})`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) return `must not look like an IP address (S3 bucket names) (got ${echo(value)})`;
  const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => value.startsWith(p));
  if (prefix) return `must not start with ${prefix}, which S3 reserves (got ${echo(value)})`;
  const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((s) => value.endsWith(s));
  if (suffix) return `must not end with ${suffix}, which S3 reserves (got ${echo(value)})`;
  return undefined;
}

/** `<keyPrefix>/<stack>.tfstate`: no empty path segment, within S3's 1024-byte keys. */
export function stateKeyPrefixProblem(value: unknown, longestStackName: string): string | undefined {
  if (typeof value !== "string") return `must be a string (got ${echo(value)})`;
  if (!value) return "must not be empty";
  if (value.startsWith("/") || value.endsWith("/")) return `must not start or end with / (got ${echo(value)})`;
  if (value.includes("//")) return `must not hold // (an empty folder name in the state key) (got ${echo(value)})`;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return `must not hold control characters or backslashes (got ${echo(value)})`;
  const key = `${value}/${longestStackName}.tfstate`;
  if (Buffer.byteLength(key) > 1024) return `makes state keys of ${Buffer.byteLength(key)} bytes; S3 allows 1024`;
  return undefined;
}

export function dynamodbTableProblem(value: unknown): string | undefined {
  return typeof value === "string" && /^[a-zA-Z0-9_.-]{3,255}$/.test(value)
    ? undefined
    : `must be a DynamoDB table name: 3 to 255 letters, digits, '_', '-' and '.' (got ${echo(value)})`;
}

/** HCP Terraform: organization names (letters, digits, '-', '_', '.' as its API client checks). */
export function organizationProblem(value: unknown): string | undefined {
  return typeof value === "string" && /^[A-Za-z0-9._-]+$/.test(value)
    ? undefined
    : `must be an HCP Terraform organization name: letters, digits, '-', '_' and '.' (got ${echo(value)})`;
}

export const WORKSPACE_NAME_MAX = 90;

/** Workspace names are `<workspacePrefix><stack>`: letters, digits, '-' and '_', 90 characters at most. */
export function workspacePrefixProblem(value: unknown, longestStackName: string): string | undefined {
  if (typeof value !== "string") return `must be a string (got ${echo(value)})`;
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return `may hold only letters, digits, '-' and '_' (HCP Terraform workspace names) (got ${echo(value)})`;
  const longest = `${value}${longestStackName}`;
  if (longest.length > WORKSPACE_NAME_MAX) return `makes the workspace name ${echo(longest)} ${longest.length} characters; HCP Terraform allows ${WORKSPACE_NAME_MAX}`;
  return undefined;
}

/** A host name, with a port of 1 to 65535 if any: labels of 1 to 63 letters, digits and '-'. */
export function hostnameProblem(value: unknown): string | undefined {
  const m = typeof value === "string" ? /^(?=[^:]{1,253}(:|$))([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:(\d{1,5}))?$/i.exec(value) : null;
  if (!m) return `must be a host name such as app.terraform.io, with no empty label (got ${echo(value)})`;
  const port = m[6] === undefined ? undefined : Number(m[6]);
  if (port !== undefined && (port < 1 || port > 65535)) return `has port ${port}; ports are 1 to 65535 (got ${echo(value)})`;
  return undefined;
}

export const PROJECT_NAME_MAX = 40;

/** HCP Terraform project names: 3 to 40 letters, digits, '-', '_' and inner spaces. */
export function projectProblem(value: unknown): string | undefined {
  return typeof value === "string" && value.length >= 3 && value.length <= PROJECT_NAME_MAX && /^[\w-][\w -]*[\w-]$/.test(value)
    ? undefined
    : `must be an HCP Terraform project name: 3 to ${PROJECT_NAME_MAX} letters, digits, '-', '_' and spaces, not starting or ending with a space (got ${echo(value)})`;
}

/** An agent pool runs the workspaces' runs with executionMode: agent, and only then. */
export function agentPoolProblem(executionMode: string, value: unknown): string | undefined {
  if (executionMode !== "agent") {
    return value === undefined ? undefined : `is used only with executionMode: agent (got executionMode: ${executionMode}); remove it, or set executionMode: agent`;
  }
  if (value === undefined) return "is required with executionMode: agent (an agent pool ID such as apool-1a2b3c4d5e6f7g8h)";
  return typeof value === "string" && /^apool-[A-Za-z0-9]+$/.test(value) ? undefined : `must be an agent pool ID such as apool-1a2b3c4d5e6f7g8h (got ${echo(value)})`;
}

/** An exact release, as HCP Terraform pins workspaces (1.11.4, 1.12.0-beta1); no constraints. */
export function terraformVersionProblem(value: unknown): string | undefined {
  return typeof value === "string" && /^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(value) ? undefined : `must be an exact Terraform version such as 1.11.4 (got ${echo(value)})`;
}
