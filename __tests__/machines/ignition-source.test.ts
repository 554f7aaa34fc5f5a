import { bootstrapFetchesOverHttps, httpsObjectUrl } from "../../src/machines/ignition";
import { baseCluster, resourceValues, synthCluster } from "../../test-support/synth";

const bootstrapOf = (extra: Record<string, unknown>) => synthCluster(baseCluster(extra)).stack("bootstrap");
const sourceOf = (stack: ReturnType<typeof bootstrapOf>) => JSON.parse(resourceValues(stack, "aws_instance")[0].user_data).ignition.config.replace.source;
const statements = (stack: ReturnType<typeof bootstrapOf>) => JSON.parse(resourceValues(stack, "aws_s3_bucket_policy")[0].policy).Statement as any[];
const BUCKET = "\\$\\{aws_s3_bucket\\.[\\w-]+\\.bucket\\}";
const KEY = "\\$\\{aws_s3_object\\.[\\w-]+\\.key\\}";

describe("where the bootstrap node fetches bootstrap.ign", () => {
  test.each([
    ["us-east-1", undefined, false],
    ["eu-central-1", undefined, false],
    ["us-east-1", "https://s3.internal.example", true],
    ["us-gov-west-1", undefined, true],
    ["cn-north-1", undefined, true],
    ["us-iso-east-1", undefined, true],
  ] as const)("%s with S3 endpoint %s: over https %s", (region, endpoint, https) => {
    expect(bootstrapFetchesOverHttps(region, endpoint)).toBe(https);
  });

  test("https URLs: virtual-hosted or path-style on a custom endpoint, the regional name otherwise", () => {
    const common = { bucket: "b-1", key: "bootstrap.ign", regionalDomainName: "b-1.s3.us-gov-west-1.amazonaws.com" };
    expect(httpsObjectUrl(common)).toBe("https://b-1.s3.us-gov-west-1.amazonaws.com/bootstrap.ign");
    expect(httpsObjectUrl({ ...common, endpoint: "https://s3-fips.us-gov-west-1.amazonaws.com" })).toBe("https://b-1.s3-fips.us-gov-west-1.amazonaws.com/bootstrap.ign");
    expect(httpsObjectUrl({ ...common, endpoint: "https://objects.internal:8443/s3/", pathStyle: true })).toBe("https://objects.internal:8443/s3/b-1/bootstrap.ign");
  });

  test("commercial regions without a custom endpoint: s3:// with the node's role, nothing readable without it", () => {
    const stack = bootstrapOf({});
    expect(sourceOf(stack)).toMatch(new RegExp(`^s3://${BUCKET}/${KEY}$`));
    expect(statements(stack).map((s) => s.Sid)).toEqual(["DenyInsecureTransport"]);
  });

  test("aws.serviceEndpoints.s3: https on that endpoint, readable from the bootstrap node's subnet through the VPC only", () => {
    const stack = bootstrapOf({ aws: { serviceEndpoints: { s3: "https://bucket.vpce-0123-abcd.s3.us-east-1.vpce.amazonaws.com" } } });
    expect(sourceOf(stack)).toMatch(new RegExp(`^https://${BUCKET}\\.bucket\\.vpce-0123-abcd\\.s3\\.us-east-1\\.vpce\\.amazonaws\\.com/${KEY}$`));
    const grant = statements(stack).find((s) => s.Sid === "BootstrapSubnetReadsIgnition");
    expect(grant).toEqual({
      Sid: "BootstrapSubnetReadsIgnition",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: expect.stringMatching(/^\$\{aws_s3_bucket\..*\.arn\}\/bootstrap\.ign$/),
      Condition: {
        StringEquals: { "aws:SourceVpc": expect.stringMatching(/terraform_remote_state.*vpc/) },
        IpAddress: { "aws:VpcSourceIp": expect.stringMatching(/^\$\{data\.aws_subnet\..*\.cidr_block\}$/) },
      },
    });
    const [subnet] = Object.values<any>(stack.data!.aws_subnet);
    expect(subnet.id).toMatch(/public-subnet-0/);
    // The TLS-only deny still holds for it, and the bucket still blocks public access.
    expect(statements(stack)[0]).toMatchObject({ Sid: "DenyInsecureTransport", Effect: "Deny" });
  });

  test("path-style endpoints (aws.s3UsePathStyle)", () => {
    const stack = bootstrapOf({ aws: { serviceEndpoints: { s3: "http://127.0.0.1:5000" }, s3UsePathStyle: true } });
    expect(sourceOf(stack)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:5000/${BUCKET}/${KEY}$`));
  });

  test("GovCloud: https on the bucket's regional endpoint, as the provider names it in the partition", () => {
    const stack = bootstrapOf({ region: "us-gov-west-1" });
    expect(sourceOf(stack)).toMatch(new RegExp(`^https://\\$\\{aws_s3_bucket\\.[\\w-]+\\.bucket_regional_domain_name\\}/${KEY}$`));
  });
});
