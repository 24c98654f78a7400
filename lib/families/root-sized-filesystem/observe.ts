import { once, type Observation } from '../types';

/**
 * node_exporter's filesystems of a node at one instant: the root filesystem and PV mounts under
 * /var/lib/kubelet/pods. Also read by volume-stats (the root disk's size, against which a claim's capacity is
 * judged) and device-error (whether a failing mountpoint still has a size series).
 */

export interface MountObservation {
  mountpoint: string;
  device: string;
  fstype: string;
  sizeBytes: number | null;
  freeBytes: number | null;
}

/** The mountpoints the family reads: the root filesystem and PV mounts. */
export const MOUNTPOINTS = 'mountpoint=~"/|/var/lib/kubelet/pods/.+"';

const PV_MOUNT = /^\/var\/lib\/kubelet\/pods\/[^/]+\/volumes\/kubernetes\.io~[^/]+\/([^/]+)(?:\/mount)?$/;

/** The PersistentVolume a kubelet mountpoint belongs to, or null for any other mountpoint. */
export function volumeOfMountpoint(mountpoint: string): string | null {
  return PV_MOUNT.exec(mountpoint)?.[1] ?? null;
}

/** The node's filesystems; null when node_exporter's series were not read. */
export function filesystems(observation: Observation): MountObservation[] | null {
  const parts = observation.parts['root-sized-filesystem'];
  if (!parts?.size || !parts.free) return null;
  const { size, free } = parts;
  return once(observation, 'filesystems', () => {
    const byMountpoint = new Map<string, MountObservation>();
    const observe = (labels: Record<string, string>) => {
      const mountpoint = labels.mountpoint ?? '';
      let fs = byMountpoint.get(mountpoint);
      if (!fs) byMountpoint.set(mountpoint, (fs = { mountpoint, device: labels.device ?? '', fstype: labels.fstype ?? '', sizeBytes: null, freeBytes: null }));
      return fs;
    };
    for (const sample of size) observe(sample.labels).sizeBytes = sample.value;
    for (const sample of free) observe(sample.labels).freeBytes = sample.value;
    return [...byMountpoint.values()];
  });
}

/** The root filesystem's size and free bytes, where node_exporter reports them. */
export function rootFilesystem(observation: Observation): MountObservation | null {
  return filesystems(observation)?.find((fs) => fs.mountpoint === '/' && fs.sizeBytes !== null) ?? null;
}
