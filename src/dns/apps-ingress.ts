import { DataAwsElbHostedZoneId } from "@cdktf/provider-aws/lib/data-aws-elb-hosted-zone-id";
import { DataAwsLbHostedZoneId } from "@cdktf/provider-aws/lib/data-aws-lb-hosted-zone-id";
import { Construct } from "constructs";
import { DEFAULT_ROUTER_LOAD_BALANCER_TYPE, RECORD_TYPES, RecordType, ROUTER_LOAD_BALANCER_TYPES, RouterLoadBalancerType } from "../defaults";
import { dnsRecord, privateZoneProvider, resolveRecordType } from "./cluster-dns";
import { assertValidProps, required, PropProblem, Problems, oneOf, isToken } from "../validation/problems";
import { loadBalancerHostnameProblem, iamRoleArnProblem } from "../validation/aws";

export interface AppsIngressProps {
  /** `<cluster>.<domain>`: the records are `*.apps.` of it. */
  readonly clusterDomain: string;
  readonly privateZoneId: string;
  /** The public zone; absent with publish: Internal (no public record). @default none */
  readonly publicZoneId?: string;
  /** The router's load balancer: `oc -n openshift-ingress get service router-default`. */
  readonly routerLoadBalancerHostname: string;
  /** The router Service gets a classic ELB unless it asks for an NLB. @default "classic" */
  readonly loadBalancerType?: RouterLoadBalancerType;
  /** For recordType auto. @default alias records wherever the region is not given */
  readonly region?: string;
  /** auto: CNAME with TTL 10 in GovCloud and the secret regions, alias elsewhere. @default "auto" */
  readonly recordType?: RecordType;
  /** A role assumed for the private zone's record (a zone of another account). @default the stack's provider */
  readonly hostedZoneRoleArn?: string;
}

/**
 * Day 2: `*.apps.<cluster>.<domain>` to the ingress router's load balancer, in the private zone
 * and the public one, for clusters whose DNS config was removed from the manifests.
 */
export class AppsIngress extends Construct {
  readonly recordName: string;

  constructor(scope: Construct, id: string, props: AppsIngressProps) {
    super(scope, id);
    assertValidProps(this, checkAppsIngressProps(props));
    this.recordName = `*.apps.${props.clusterDomain}`;
    // The load balancers' canonical zones are per region and type; no lookup of the balancer itself.
    const zoneId =
      (props.loadBalancerType ?? DEFAULT_ROUTER_LOAD_BALANCER_TYPE) === "network"
        ? new DataAwsLbHostedZoneId(this, "router-zone", { loadBalancerType: "network" }).id
        : new DataAwsElbHostedZoneId(this, "router-zone").id;
    const target = { dnsName: props.routerLoadBalancerHostname, zoneId };
    const recordType = resolveRecordType(props.recordType, props.region);
    dnsRecord(this, "apps-private", {
      zoneId: props.privateZoneId,
      name: this.recordName,
      target,
      recordType,
      provider: privateZoneProvider(this, props.hostedZoneRoleArn, props.region),
    });
    if (props.publicZoneId) dnsRecord(this, "apps-public", { zoneId: props.publicZoneId, name: this.recordName, target, recordType });
  }
}

/** What AppsIngress checks of its props in its constructor; each problem names the prop. */
export function checkAppsIngressProps(props: AppsIngressProps): PropProblem[] {
  const p = new Problems().add(["clusterDomain"], required(props.clusterDomain)).add(["privateZoneId"], required(props.privateZoneId));
  if (!isToken(props.routerLoadBalancerHostname)) p.add(["routerLoadBalancerHostname"], loadBalancerHostnameProblem(props.routerLoadBalancerHostname));
  if (props.loadBalancerType !== undefined) p.add(["loadBalancerType"], oneOf(ROUTER_LOAD_BALANCER_TYPES, props.loadBalancerType));
  if (props.recordType !== undefined) p.add(["recordType"], oneOf(RECORD_TYPES, props.recordType));
  if (props.hostedZoneRoleArn !== undefined && !isToken(props.hostedZoneRoleArn)) p.add(["hostedZoneRoleArn"], iamRoleArnProblem(props.hostedZoneRoleArn));
  return p.list;
}
