import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { Construct } from "constructs";
import { DEFAULT_RECORD_TYPE, RecordType } from "../defaults";
import { clusterTagKey } from "../tags/tags";
import { checkClusterDnsProps } from "../validation/constructs";
import { assertValidProps } from "../validation/problems";

export type { RecordType } from "../defaults";

/** Where a DNS name points: a load balancer's DNS name and its canonical hosted zone. */
export interface DnsTarget {
  readonly dnsName: string;
  readonly zoneId: string;
}

export const lbTarget = (lb: Lb): DnsTarget => ({ dnsName: lb.dnsName, zoneId: lb.zoneId });

export interface ClusterDnsProps {
  readonly clusterName: string;
  readonly baseDomain: string;
  readonly infraId: string;
  readonly vpcId: string;
  /** The public zone; when absent it is looked up by baseDomain (public zones only). @default lookup */
  readonly publicHostedZoneId?: string;
  /** GovCloud and secret regions: CNAME records with TTL 10. @default "alias" */
  readonly recordType?: RecordType;
}

/**
 * The private zone `<cluster>.<domain>` on the VPC (tagged so the ingress operator finds it)
 * and a way to add records to it and to the public zone.
 */
export class ClusterDns extends Construct {
  readonly privateZoneId: string;
  readonly clusterDomain: string;
  private readonly props: ClusterDnsProps;
  private publicZone?: string;

  constructor(scope: Construct, id: string, props: ClusterDnsProps) {
    super(scope, id);
    assertValidProps(this, checkClusterDnsProps(props));
    this.props = props;
    this.clusterDomain = `${props.clusterName}.${props.baseDomain}`;
    const zone = new Route53Zone(this, "private-zone", {
      name: this.clusterDomain,
      comment: `OpenShift ${props.clusterName} (${props.infraId}), private`,
      vpc: [{ vpcId: props.vpcId }],
      // A private zone is bound to the VPC; destroying the cluster should also remove leftover records.
      forceDestroy: true,
      tags: { Name: `${props.infraId}-int`, [clusterTagKey(props.infraId)]: "owned" },
    });
    this.privateZoneId = zone.zoneId;
  }

  /** The public zone id, given or looked up once. */
  get publicZoneId(): string {
    if (!this.publicZone) {
      this.publicZone =
        this.props.publicHostedZoneId ??
        new DataAwsRoute53Zone(this, "public-zone", { name: this.props.baseDomain, privateZone: false }).zoneId;
    }
    return this.publicZone;
  }

  /** `<label>.<cluster>.<domain>` in the private or public zone, as alias A or CNAME (TTL 10). */
  addRecord(id: string, zone: "private" | "public", label: string, target: DnsTarget): Route53Record {
    return dnsRecord(this, id, {
      zoneId: zone === "private" ? this.privateZoneId : this.publicZoneId,
      name: `${label}.${this.clusterDomain}`,
      recordType: this.props.recordType,
      target,
    });
  }
}

/** An alias A record to a load balancer, or (GovCloud, secret regions) a CNAME with TTL 10. */
export function dnsRecord(
  scope: Construct,
  id: string,
  props: { zoneId: string; name: string; target: DnsTarget; recordType?: RecordType },
): Route53Record {
  const { zoneId, name, target } = props;
  if ((props.recordType ?? DEFAULT_RECORD_TYPE) === "cname") {
    return new Route53Record(scope, id, { zoneId, name, type: "CNAME", ttl: 10, records: [target.dnsName] });
  }
  return new Route53Record(scope, id, {
    zoneId,
    name,
    type: "A",
    alias: { name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: false },
  });
}
