import { VOLUME_TYPES, VolumeType } from "../defaults";
import { kmsKeyArnProblem } from "./aws";
import { echo, isToken, PropProblem } from "./problems";
import { throughputProblem } from "./restricted";

/**
 * Root volume limits per EBS volume type (EC2 API reference, EbsBlockDevice: Iops and
 * VolumeSize): size in GiB; provisioned IOPS and the most IOPS per GiB. gp2 takes no IOPS.
 */
export const VOLUME_LIMITS: Readonly<Record<VolumeType, { sizeGiB: [number, number]; iops?: { range: [number, number]; perGiB: number } }>> = {
  gp3: { sizeGiB: [1, 16384], iops: { range: [3000, 16000], perGiB: 500 } },
  gp2: { sizeGiB: [1, 16384] },
  io1: { sizeGiB: [4, 16384], iops: { range: [100, 64000], perGiB: 50 } },
  io2: { sizeGiB: [4, 65536], iops: { range: [100, 256000], perGiB: 1000 } },
};

/** OpenShift runs exactly three control-plane machines; 0 means this product creates none. */
export const CONTROL_PLANE_REPLICAS = [0, 3] as const;
/**
 * OpenShift 4's tested maximum is 2,000 nodes a cluster (docs, "Planning your environment
 * according to object maximums"), three of them control plane. Synthesis grows linearly with it.
 */
export const COMPUTE_REPLICAS_MAX = 1997;
/** EC2 user data is at most 16 KB before base64. */
export const USER_DATA_MAX_BYTES = 16384;

export function replicasProblem(role: "master" | "worker", value: unknown): string | undefined {
  if (role === "master") {
    return CONTROL_PLANE_REPLICAS.includes(value as 0 | 3)
      ? undefined
      : `must be 3 (OpenShift supports exactly three control-plane machines) or 0 (none created here) (got ${echo(value)})`;
  }
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > COMPUTE_REPLICAS_MAX) {
    return `must be a whole number from 0 to ${COMPUTE_REPLICAS_MAX}: OpenShift's tested maximum is 2000 nodes a cluster, three of them control plane (got ${echo(value)})`;
  }
  return undefined;
}

export interface RootVolumeLike {
  readonly sizeGiB?: unknown;
  readonly type?: unknown;
  readonly iops?: unknown;
  readonly kmsKeyArn?: unknown;
  readonly throughput?: unknown;
}

/** Size and IOPS within the volume type's range, IOPS given exactly where the type takes them, a KMS key of the region. */
export function rootVolumeProblems(volume: RootVolumeLike, defaults: { sizeGiB: number; type: VolumeType }, region?: string): PropProblem[] {
  const out: PropProblem[] = [];
  const type = volume.type ?? defaults.type;
  if (!VOLUME_TYPES.includes(type as VolumeType)) return [{ prop: ["type"], message: `must be one of ${VOLUME_TYPES.join(", ")} (got ${echo(type)})` }];
  const typeName = type as VolumeType;
  const limits = VOLUME_LIMITS[typeName];
  const size = volume.sizeGiB ?? defaults.sizeGiB;
  const [minSize, maxSize] = limits.sizeGiB;
  const sizeOk = Number.isInteger(size) && (size as number) >= minSize && (size as number) <= maxSize;
  if (!sizeOk) out.push({ prop: ["sizeGiB"], message: `must be a whole number from ${minSize} to ${maxSize} GiB for ${typeName} volumes (got ${echo(size)})` });

  const iops = volume.iops;
  if (!limits.iops) {
    if (iops !== undefined && iops !== null) out.push({ prop: ["iops"], message: `cannot be set for ${typeName} volumes (use gp3, io1 or io2) (got ${echo(iops)})` });
  } else if (iops === undefined || iops === null) {
    if (type !== "gp3") out.push({ prop: ["iops"], message: `is required for ${typeName} volumes (${limits.iops.range[0]} to ${limits.iops.range[1]})` });
  } else if (!isToken(iops)) {
    const [min, max] = limits.iops.range;
    if (!Number.isInteger(iops) || (iops as number) < min || (iops as number) > max) {
      out.push({ prop: ["iops"], message: `must be a whole number from ${min} to ${max} for ${typeName} volumes (got ${echo(iops)})` });
    } else if (sizeOk && (iops as number) > limits.iops.perGiB * (size as number)) {
      out.push({
        prop: ["iops"],
        message: `${iops as number} IOPS on ${size as number} GiB is over ${typeName}'s ${limits.iops.perGiB} IOPS per GiB: at most ${limits.iops.perGiB * (size as number)}, or a volume of ${Math.ceil((iops as number) / limits.iops.perGiB)} GiB or more`,
      });
    }
  }
  const throughput = throughputProblem(volume, type);
  if (throughput) out.push({ prop: ["throughput"], message: throughput });
  if (volume.kmsKeyArn !== undefined && volume.kmsKeyArn !== null && !isToken(volume.kmsKeyArn)) {
    const problem = kmsKeyArnProblem(volume.kmsKeyArn, region);
    if (problem) out.push({ prop: ["kmsKeyArn"], message: problem });
  }
  return out;
}

export function userDataProblem(userData: string): string | undefined {
  if (isToken(userData)) return undefined;
  const bytes = Buffer.byteLength(userData, "utf8");
  return bytes > USER_DATA_MAX_BYTES ? `makes the user data ${bytes} bytes; EC2 allows ${USER_DATA_MAX_BYTES} (16 KB)` : undefined;
}
