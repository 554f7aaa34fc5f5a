/** What the cluster's other constructs need from a network, created here or brought by the user. */
export interface INetwork {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
}
