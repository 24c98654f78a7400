import { createHash } from 'node:crypto';

/**
 * Stable ids derived from names, so that the backfilled history, the live simulators and every run of a
 * scenario agree on pod UIDs and container ids without storing them.
 */
function digest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** A version-4-shaped UUID, as the API server assigns to pods. */
export function stableUid(seed: string): string {
  const hex = digest(seed);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A 64-hex container id, as containerd and Docker print them. */
export function stableContainerId(seed: string): string {
  return digest(`container/${seed}`);
}
