import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AwsProvider, AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { DataTfeProject } from "@cdktf/provider-tfe/lib/data-tfe-project";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { RunTrigger } from "@cdktf/provider-tfe/lib/run-trigger";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { WorkspaceSettings } from "@cdktf/provider-tfe/lib/workspace-settings";
import { Fn, LocalBackend, TerraformOutput, TerraformSelf, TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { CLOUD_EXECUTION_MODES } from "../defaults";
import { agentPoolProblem, hostnameProblem, organizationProblem, projectProblem, terraformVersionProblem } from "../validation/backend";
import { assertValidProps, echo, Problems, PropProblem } from "../validation/problems";
import { PolicyStatement } from "./aws-permissions";
import { AWS_WORKLOAD_AUDIENCE, EXISTING_OIDC_PROVIDER_VARIABLE, oidcAudienceRefusal, oidcProviderQuery } from "./names";
import type { WorkloadWorkspace } from "./workspaces";

/** The project HCP Terraform puts a workspace in when none is named. */
export const DEFAULT_PROJECT_NAME = "Default Project";

/** tfe_workspace arguments that choose how runs start: the user's, set in HCP. */
export const WORKFLOW_SETTINGS = [
  "vcs_repo",
  "working_directory",
  "trigger_prefixes",
  "trigger_patterns",
  "file_triggers_enabled",
  "auto_apply",
  "auto_apply_run_trigger",
] as const;

/** The run role: created here, trusted by the cluster's workspaces only. */
export interface RunRoleProps {
  /** Role name; outside the `<infraId>-*` names its own policy may change, so a run cannot widen it. */
  readonly name: string;
  /** The permission policy (src/hcp/aws-permissions.ts). */
  readonly statements: PolicyStatement[];
  /** The AWS provider's settings: region, endpoints, default tags. */
  readonly provider: AwsProviderConfig;
}

export interface HcpSetupStackProps {
  readonly organization: string;
  /** HCP Terraform or a Terraform Enterprise host. */
  readonly hostname: string;
  /** An existing project, by name. @default the organization's default project */
  readonly project?: string;
  /** The workload stacks' workspaces and their cross-stack reads (src/hcp/workspaces.ts). */
  readonly workspaces: WorkloadWorkspace[];
  readonly executionMode: (typeof CLOUD_EXECUTION_MODES)[number];
  /** With executionMode agent only. @default none */
  readonly agentPoolId?: string;
  /** Pinned on every workspace. @default HCP's latest at creation */
  readonly terraformVersion?: string;
  /** A run trigger along every cross-stack read. @default false */
  readonly runTriggers?: boolean;
  /**
   * Dynamic credentials: an existing role's ARN, or a role to create with the OIDC provider.
   * @default none: the workspaces get no AWS credentials from here
   */
  readonly dynamicCredentials?: { readonly roleArn: string } | RunRoleProps;
  /** This stack's own state file, relative to its synthesized folder. */
  readonly statePath: string;
}

/**
 * `<clusterName>-hcp`: what the cluster's HCP Terraform workspaces need before their first run,
 * applied once by an administrator. The workspaces, named exactly as the stacks' cloud blocks
 * (so `terraform init` finds them rather than creating bare ones), their settings, remote state
 * sharing with exactly the workspaces that read each one, optional run triggers along the same
 * reads, and AWS dynamic credentials: the OIDC trust and a role for the runs.
 */
export class HcpSetupStack extends TerraformStack {
  /** The role the workspaces' runs assume, when dynamic credentials are on. */
  readonly runRoleArn?: string;

  constructor(scope: Construct, id: string, props: HcpSetupStackProps) {
    super(scope, id);
    const { organization, hostname, workspaces } = props;
    assertValidProps(this, checkHcpSetupProps(props));
    new LocalBackend(this, { path: props.statePath });
    // The token comes from TFE_TOKEN or `terraform login <hostname>` (Terraform's credentials file).
    new TfeProvider(this, "tfe", { hostname, organization });
    const projectId = props.project === undefined ? undefined : new DataTfeProject(this, "project", { name: props.project, organization }).id;

    const credentials = props.dynamicCredentials;
    this.runRoleArn =
      credentials && ("roleArn" in credentials ? credentials.roleArn : this.runRole(hostname, organization, props.project ?? DEFAULT_PROJECT_NAME, workspaces, credentials));

    const ids = new Map<string, string>();
    for (const w of workspaces) {
      const workspace = new Workspace(this, `workspace-${w.stack}`, {
        name: w.workspace,
        organization,
        projectId,
        terraformVersion: props.terraformVersion,
        description: `Stack ${w.stack}, synthesized by openshift-upi-aws-cdktf`,
      });
      // How runs start (a repository and its folder, auto-apply) is set in HCP (docs/hcp-terraform.md: the
      // VCS-driven workflow); a later apply of this stack leaves it alone.
      workspace.lifecycle = { ignoreChanges: [...WORKFLOW_SETTINGS] };
      ids.set(w.stack, workspace.id);
    }
    for (const w of workspaces) {
      const workspaceId = ids.get(w.stack)!;
      new WorkspaceSettings(this, `settings-${w.stack}`, {
        workspaceId,
        executionMode: props.executionMode,
        agentPoolId: props.agentPoolId,
        // Never organization-wide: each state is shared with the stacks that read it, no others.
        globalRemoteState: false,
        remoteStateConsumerIds: w.readBy.map((s) => ids.get(s)!),
      });
      if (props.runTriggers) {
        for (const upstream of w.reads) new RunTrigger(this, `trigger-${upstream}-to-${w.stack}`, { workspaceId, sourceableId: ids.get(upstream)! });
      }
      if (this.runRoleArn) {
        new Variable(this, `aws-auth-${w.stack}`, { workspaceId, category: "env", key: "TFC_AWS_PROVIDER_AUTH", value: "true", description: "AWS dynamic credentials" });
        new Variable(this, `aws-role-${w.stack}`, { workspaceId, category: "env", key: "TFC_AWS_RUN_ROLE_ARN", value: this.runRoleArn, description: "The role the runs assume" });
      }
    }
    if (this.runRoleArn) new TerraformOutput(this, "RunRoleArn", { value: this.runRoleArn, description: "The role the workspaces' runs assume" });
  }

  /**
   * The OIDC provider for the host and a role only this cluster's workspaces can assume. IAM
   * holds one OIDC provider per URL per account, shared by every cluster there: with
   * `-var existing_oidc_provider=true` the account's one is read, neither owned nor deleted here.
   * No data source of the aws provider lists OIDC providers and the singular one fails when there
   * is none, so no configuration adopts it without failing in one case: `npm run hcp-setup` finds
   * out first (src/plan/hcp-setup.ts), or the administrator says.
   */
  private runRole(hostname: string, organization: string, project: string, workspaces: WorkloadWorkspace[], props: RunRoleProps): string {
    new AwsProvider(this, "aws", props.provider);
    const url = `https://${hostname}`;
    const existing = new TerraformVariable(this, EXISTING_OIDC_PROVIDER_VARIABLE, {
      type: "bool",
      default: false,
      description: `true when the account already has an IAM OIDC provider for ${url} (\`${oidcProviderQuery(hostname)}\` prints its ARN): it is used, not created`,
    });
    const created = new IamOpenidConnectProvider(this, "oidc-provider", { url, clientIdList: [AWS_WORKLOAD_AUDIENCE] });
    created.count = Token.asNumber(Fn.conditional(existing.booleanValue, 0, 1));
    const clientIds = Token.asList(TerraformSelf.getAny("client_id_list"));
    const found = new DataAwsIamOpenidConnectProvider(this, "existing-oidc-provider", {
      url,
      // Made by someone else, perhaps for another audience: STS would refuse every run's token, long after this apply.
      lifecycle: {
        postcondition: [
          {
            condition: Fn.contains(clientIds, AWS_WORKLOAD_AUDIENCE) as boolean,
            errorMessage: `${oidcAudienceRefusal(url)} (its client IDs: ${Fn.join(", ", clientIds)}): add it to the provider (aws iam add-client-id-to-open-id-connect-provider), or give backend.cloud.awsRoleArn a role of your own`,
          },
        ],
      },
    });
    found.count = Token.asNumber(Fn.conditional(existing.booleanValue, 1, 0));
    const providerArn = `\${var.${existing.friendlyUniqueId} ? data.${found.terraformResourceType}.${found.friendlyUniqueId}[0].arn : ${created.terraformResourceType}.${created.friendlyUniqueId}[0].arn}`;
    const role = new IamRole(this, "run-role", {
      name: props.name,
      description: `HCP Terraform runs of ${workspaces.map((w) => w.workspace).join(", ")}`,
      // IAM's `${*}` escapes written as Terraform's `$${`, so Terraform passes them to IAM as they are.
      assumeRolePolicy: JSON.stringify(runRoleTrust(providerArn, hostname, organization, project, workspaces)).replace(/\$\{[*?$]\}/g, (escape) => `$${escape}`),
    });
    new IamRolePolicy(this, "run-policy", { name: `${props.name}-policy`, role: role.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: props.statements }) });
    return role.arn;
  }
}

/** A name inside an IAM StringLike pattern: its `*`, `?` and `$` match only themselves (IAM's `${*}` escapes). */
const literal = (name: string) => name.replace(/[*?$]/g, (c) => `\${${c}}`);

/** The set-up stack's own checks, by prop: the cluster file's rules for the same values. */
export function checkHcpSetupProps(props: HcpSetupStackProps): PropProblem[] {
  const p = new Problems();
  p.add(["organization"], organizationProblem(props.organization));
  p.add(["hostname"], hostnameProblem(props.hostname));
  if (props.project !== undefined) p.add(["project"], projectProblem(props.project));
  if (!CLOUD_EXECUTION_MODES.includes(props.executionMode)) p.add(["executionMode"], `must be one of ${CLOUD_EXECUTION_MODES.join(", ")} (got ${echo(props.executionMode)})`);
  p.add(["agentPoolId"], agentPoolProblem(props.executionMode, props.agentPoolId));
  if (props.terraformVersion !== undefined) p.add(["terraformVersion"], terraformVersionProblem(props.terraformVersion));
  if (!props.workspaces.length) p.add(["workspaces"], "must hold at least one workspace");
  const stacks = new Set(props.workspaces.map((w) => w.stack));
  props.workspaces.forEach((w, i) => {
    const unknown = [...w.reads, ...w.readBy].filter((s) => !stacks.has(s));
    if (unknown.length) p.add(["workspaces", i], `reads or is read by stacks that have no workspace here: ${unknown.join(", ")}`);
  });
  return p.list;
}

/**
 * Who may assume the run role: a token HCP issued for a run (plan or apply) of one of these
 * workspaces, by name, in this organization and project, for AWS's audience. Names, not a
 * `<prefix><cluster>-*` pattern: another cluster named `<cluster>-eu` would match that.
 */
export function runRoleTrust(providerArn: string, hostname: string, organization: string, project: string, workspaces: readonly WorkloadWorkspace[]) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${hostname}:aud`]: AWS_WORKLOAD_AUDIENCE },
          StringLike: {
            [`${hostname}:sub`]: workspaces.map((w) => `organization:${literal(organization)}:project:${literal(project)}:workspace:${literal(w.workspace)}:run_phase:*`),
          },
        },
      },
    ],
  };
}
