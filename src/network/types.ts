import { PropProblem, Problems, isToken } from "../validation/problems";

/** What the cluster's other constructs need from a network, created here or brought by the user. */
export interface INetwork {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
}

/** A network's subnets: public ones are needed where something internet-facing goes. */
export function networkProblems(network: INetwork | undefined, needsPublic: boolean): PropProblem[] {
  if (!network) return [{ prop: [], message: "is required" }];
  const p = new Problems();
  const empty = (list: unknown) => !isToken(list) && Array.isArray(list) && list.length === 0;
  if (empty(network.privateSubnetIds)) p.add(["privateSubnetIds"], "must hold at least one subnet");
  if (needsPublic && empty(network.publicSubnetIds)) {
    p.add(["publicSubnetIds"], "must hold at least one subnet with publish: External (the internet-facing parts live there)");
  }
  return p.list;
}
