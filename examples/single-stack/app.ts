import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, LocalBackend, TerraformStack } from "cdktf";
import * as path from "node:path";
// From a git install this is `from "openshift-upi-aws-cdktf"`.
import { defaultTags, OpenShiftUpiCluster, readInstallDir } from "../../src";

/**
 * A whole cluster in one stack of your own app, with your own provider and backend.
 * `installDir` is your `openshift-install create ignition-configs` folder.
 */
export function buildApp(outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out.example", installDir = path.resolve("examples", "default", "install")): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "openshift");
  const assets = readInstallDir(installDir);
  // Your tags and the cluster's ownership tag, which the guardrails check on every resource.
  new AwsProvider(stack, "aws", { region: assets.region, defaultTags: [{ tags: defaultTags(assets.infraId!, { team: "platform" }) }] });
  new LocalBackend(stack, { path: "terraform.openshift.tfstate" });
  new OpenShiftUpiCluster(stack, "cluster", {
    clusterName: assets.clusterName!,
    baseDomain: assets.baseDomain!,
    infraId: assets.infraId!,
    region: assets.region!,
    network: { availabilityZones: 2, natGateways: "single" },
    rhcosAmi: "ami-0123456789abcdef0",
    ignition: assets,
    compute: { replicas: 3 },
  });
  return app;
}
