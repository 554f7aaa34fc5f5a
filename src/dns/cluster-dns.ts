import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { providerAssumingRole } from "../aws/assume-role-provider";
import { cnameOnlyRegion } from "../aws/partition";
import { DEFAULT_RECORD_TYPE, RECORD_TYPES, RecordType } from "../defaults";
import { guard } from "../guards/guards";
import { clusterTagKey } from "../tags/tags";
import { assertValidProps, required, PropProblem, Problems, oneOf, isToken, echo } from "../validation/problems";
import { hostedZoneIdProblem, regionProblem, iamRoleArnProblem } from "../validation/aws";
import { clusterNameProblem, baseDomainProblem, infraIdProblem } from "../validation/names";

export type { RecordType } from "../defaults";

/** What the api records' guard records as the zone_id of the private zone the stack creates. */
export const PRIVATE_ZONE_CREATED = "(the private zone of this stack)";

/** Where a DNS name points: a load balancer's DNS name and its canonical hosted zone. */
export interface DnsTarget {
  readonly dnsName: string;
  readonly zoneId: string;
}

export const lbTarget = (lb: Lb): DnsTarget => ({ dnsName: lb.dnsName, zoneId: lb.zoneId });

/** `auto`: CNAME in GovCloud and the secret regions, alias elsewhere (and where the region is not known). */
export function resolveRecordType(recordType: RecordType | undefined, region: string | undefined): "alias" | "cname" {
  const type = recordType ?? DEFAULT_RECORD_TYPE;
  if (type !== "auto") return type;
  return region && cnameOnlyRegion(region) ? "cname" : "alias";
}

/** The provider for records in a private zone: the stack's own, or one assuming the zone owner's role. */
export function privateZoneProvider(scope: Construct, hostedZoneRoleArn: string | undefined, region?: string): TerraformProvider | undefined {
  return hostedZoneRoleArn ? providerAssumingRole(scope, hostedZoneRoleArn, region) : undefined;
}

export interface ClusterDnsProps {
  readonly clusterName: string;
  readonly baseDomain: string;
  readonly infraId: string;
  readonly vpcId: string;
  /** For recordType auto. @default alias records wherever the region is not given */
  readonly region?: string;
  /** The public zone; when absent it is looked up by baseDomain (public zones only). @default lookup */
  readonly publicHostedZoneId?: string;
  /**
   * An existing private zone for `<cluster>.<domain>`, already associated with the VPC: no zone
   * is created, only records. @default a new private zone
   */
  readonly privateHostedZoneId?: string;
  /** A role assumed for the private zone and its records (a zone of another account). @default the stack's provider */
  readonly hostedZoneRoleArn?: string;
  /** auto: CNAME with TTL 10 in GovCloud and the secret regions, alias elsewhere. @default "auto" */
  readonly recordType?: RecordType;
}

/**
 * The private zone `<cluster>.<domain>` on the VPC (tagged so the ingress operator finds it), or
 * the one the network team made, and a way to add records to it and to the public zone.
 */
export class ClusterDns extends Construct {
  readonly privateZoneId: string;
  readonly clusterDomain: string;
  /** The provider of the private zone's records; undefined is the stack's own. */
  readonly privateZoneProvider?: TerraformProvider;
  private readonly props: ClusterDnsProps;
  /** The private zone as the api records' guard compares it (see addRecord). */
  private readonly privateZoneGuarded: string;
  private publicZone?: string;

  constructor(scope: Construct, id: string, props: ClusterDnsProps) {
    super(scope, id);
    assertValidProps(this, checkClusterDnsProps(props));
    this.props = props;
    this.clusterDomain = `${props.clusterName}.${props.baseDomain}`;
    this.privateZoneProvider = privateZoneProvider(this, props.hostedZoneRoleArn, props.region);
    if (props.privateHostedZoneId) {
      // Read once through the zone owner's provider: a wrong id, name or a public zone stops the
      // plan here, before any record is written into someone else's zone.
      const zone = new DataAwsRoute53Zone(this, "private-zone", {
        zoneId: props.privateHostedZoneId,
        provider: this.privateZoneProvider,
        lifecycle: {
          postcondition: [
            {
              condition: `\${self.private_zone && trimsuffix(lower(self.name), ".") == "${this.clusterDomain}"}`,
              errorMessage: `dns.privateHostedZoneId ${props.privateHostedZoneId} must be the private zone ${this.clusterDomain}, associated with the cluster's VPC.`,
            },
          ],
        },
      });
      this.privateZoneId = this.privateZoneGuarded = zone.zoneId;
      return;
    }
    const zone = new Route53Zone(this, "private-zone", {
      name: this.clusterDomain,
      comment: `OpenShift ${props.clusterName} (${props.infraId}), private`,
      vpc: [{ vpcId: props.vpcId }],
      // A private zone is bound to the VPC; destroying the cluster should also remove leftover records.
      forceDestroy: true,
      tags: { Name: `${props.infraId}-int`, [clusterTagKey(props.infraId)]: "owned" },
    });
    // A new name is a new zone (the VPC association changes in place).
    guard(zone, { rule: "PLAN-DNS-1", what: `the private zone ${this.clusterDomain}`, replacedBy: { name: this.clusterDomain } });
    this.privateZoneId = zone.zoneId;
    // Its id is unknown while the zone is (re)created, which would defer the records' guard to
    // apply; a rename is the zone's own guard's finding, so a stand-in tells this zone from a given one.
    this.privateZoneGuarded = PRIVATE_ZONE_CREATED;
  }

  /** The public zone id, given or looked up once. */
  get publicZoneId(): string {
    if (!this.publicZone) {
      this.publicZone = this.props.publicHostedZoneId ?? new DataAwsRoute53Zone(this, "public-zone", { name: this.props.baseDomain, privateZone: false }).zoneId;
    }
    return this.publicZone;
  }

  /** `<label>.<cluster>.<domain>` in the private or public zone, as alias A or CNAME (TTL 10). */
  addRecord(id: string, zone: "private" | "public", label: string, target: DnsTarget): Route53Record {
    const name = `${label}.${this.clusterDomain}`;
    const record = dnsRecord(this, id, {
      zoneId: zone === "private" ? this.privateZoneId : this.publicZoneId,
      name,
      recordType: resolveRecordType(this.props.recordType, this.props.region),
      target,
      provider: zone === "private" ? this.privateZoneProvider : undefined,
    });
    // The API's names (PLAN-DNS-1). A new name or zone replaces a record; a new type (alias <->
    // CNAME) changes it in place (AWS provider 5.100, guards/provider-replacements.cli.test.ts).
    // The public zone is looked up or given by id, so known at plan time.
    if (label === "api" || label === "api-int") {
      const zoneId = zone === "private" ? this.privateZoneGuarded : this.publicZoneId;
      guard(record, { rule: "PLAN-DNS-1", what: `the ${zone} record ${name}`, replacedBy: { name, zone_id: zoneId } });
    }
    return record;
  }
}

/** An alias A record to a load balancer, or (GovCloud, secret regions) a CNAME with TTL 10. */
export function dnsRecord(
  scope: Construct,
  id: string,
  props: { zoneId: string; name: string; target: DnsTarget; recordType?: "alias" | "cname"; provider?: TerraformProvider },
): Route53Record {
  const { zoneId, name, target, provider } = props;
  if (props.recordType === "cname") {
    return new Route53Record(scope, id, { zoneId, name, type: "CNAME", ttl: 10, records: [target.dnsName], provider });
  }
  return new Route53Record(scope, id, {
    zoneId,
    name,
    type: "A",
    alias: { name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: false },
    provider,
  });
}

/** What ClusterDns checks of its props in its constructor; each problem names the prop. */
export function checkClusterDnsProps(props: ClusterDnsProps): PropProblem[] {
  const p = new Problems()
    .add(["clusterName"], clusterNameProblem(props.clusterName))
    .add(["baseDomain"], baseDomainProblem(props.baseDomain, typeof props.clusterName === "string" ? props.clusterName : undefined))
    .add(["infraId"], infraIdProblem(props.infraId))
    .add(["vpcId"], required(props.vpcId));
  if (props.publicHostedZoneId !== undefined && !isToken(props.publicHostedZoneId)) p.add(["publicHostedZoneId"], hostedZoneIdProblem(props.publicHostedZoneId));
  if (props.recordType !== undefined) p.add(["recordType"], oneOf(RECORD_TYPES, props.recordType));
  return p.addAll([], zoneProblems(props, typeof props.region === "string" && !regionProblem(props.region) ? props.region : undefined)).list;
}

/** An existing private zone, the role its records are written with, and the record type for the region. */
export function zoneProblems(dns: { privateHostedZoneId?: unknown; hostedZoneRoleArn?: unknown; recordType?: unknown }, region?: string): PropProblem[] {
  const p = new Problems();
  if (dns.privateHostedZoneId !== undefined && !isToken(dns.privateHostedZoneId)) p.add(["privateHostedZoneId"], hostedZoneIdProblem(dns.privateHostedZoneId));
  if (dns.hostedZoneRoleArn !== undefined && !isToken(dns.hostedZoneRoleArn)) {
    p.add(
      ["hostedZoneRoleArn"],
      iamRoleArnProblem(dns.hostedZoneRoleArn, region) ??
        (dns.privateHostedZoneId === undefined
          ? `needs dns.privateHostedZoneId: the role is assumed for the records in that zone (got ${echo(dns.hostedZoneRoleArn)})`
          : undefined),
    );
  }
  if (dns.recordType === "alias" && region && cnameOnlyRegion(region)) {
    p.add(["recordType"], `alias cannot be used in ${region}, where Route 53 records to the load balancers are CNAMEs; use auto or cname (got "alias")`);
  }
  return p.list;
}
