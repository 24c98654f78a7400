import { describe, expect, it } from 'vitest';
import { familyFindings, observation, sample } from '@/lib/test-support/observation';
import { rootSizedFilesystem } from '.';
import { volumeOfMountpoint } from './observe';

const GIB = 2 ** 30;
const PV = '/var/lib/kubelet/pods/0b6f5b1e-0000-4000-a000-000000000001/volumes/kubernetes.io~csi/pvc-123/mount';
const fs = (mountpoint: string, size: number, free: number) => ({ size: sample({ mountpoint, device: '/dev/x', fstype: 'ext4' }, size), free: sample({ mountpoint, device: '/dev/x', fstype: 'ext4' }, free) });

/** A node whose exporter reports these filesystems, and whose pods run with shop/data bound to pvc-123. */
function node(filesystems: ReturnType<typeof fs>[], { mounted = true, failing = [] as string[] } = {}) {
  return observation({
    parts: {
      'root-sized-filesystem': { size: filesystems.map((entry) => entry.size), free: filesystems.map((entry) => entry.free) },
      'device-error': { failing: failing.map((mountpoint) => sample({ mountpoint })) },
      'volume-stats': {
        claims: mounted ? [sample({ namespace: 'shop', persistentvolumeclaim: 'data', pod: 'db-0', node: 'n' })] : [],
        phases: [sample({ namespace: 'shop', pod: 'db-0', phase: 'Running' })],
        claimInfo: [sample({ namespace: 'shop', persistentvolumeclaim: 'data', volumename: 'pvc-123' })],
        volumeInfo: [sample({ persistentvolume: 'pvc-123', csi_driver: 'ebs.csi.aws.com' })],
        requests: [sample({ namespace: 'shop', persistentvolumeclaim: 'data' }, 20 * GIB)],
        statsAnywhere: [],
        stats: [],
      },
    },
  });
}
const root = fs('/', 100 * GIB, 40 * GIB);

describe('fs-root-sized', () => {
  it('flags a PV mount with the root size and free bytes, with the claim capacity as counter-evidence', () => {
    const [finding, ...rest] = familyFindings(rootSizedFilesystem, node([root, fs(PV, 100 * GIB, 40 * GIB + 1e6)]));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ kind: 'fs-root-sized', cause: 'mount-propagation', subject: 'shop/data (pvc-123)', layer: 'stored' });
    expect(finding!.summary).toBe("The mount of shop/data reports the root disk's size (100.0 GiB), not its 20.0 GiB");
    expect(finding!.evidence.map((evidence) => evidence.value)).toEqual([100 * GIB, 100 * GIB, 20 * GIB]);
  });

  it.each([
    ['a PV mount of its own size', fs(PV, 20 * GIB, 10 * GIB)],
    ['the root size but different free bytes (another disk of the same size)', fs(PV, 100 * GIB, 5 * GIB)],
    ['a non-PV mount with the root size', fs('/var/lib/containerd', 100 * GIB, 40 * GIB)],
  ])('does not flag %s', (_, other) => {
    const observed = node([root, other]);
    expect(familyFindings(rootSizedFilesystem, observed).filter((finding) => finding.kind === 'fs-root-sized')).toEqual([]);
    // A PV mount of its own still has a verdict (ok, quiet: a lane only when it turns bad).
    const mounts = (rootSizedFilesystem.rule(observed) ?? []).filter((verdict) => verdict.subject !== 'PV mounts');
    expect(mounts.every((verdict) => verdict.state === 'ok' && verdict.quiet)).toBe(true);
  });

  it('reads the volume name from CSI and in-tree mountpoints', () => {
    expect(volumeOfMountpoint('/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/pvc-1/mount')).toBe('pvc-1');
    expect(volumeOfMountpoint('/var/lib/kubelet/pods/u/volumes/kubernetes.io~local-volume/local-pv-1')).toBe('local-pv-1');
    expect(volumeOfMountpoint('/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/pvc-1/mount/sub')).toBeNull();
  });
});

describe('fs-pv-mounts-excluded', () => {
  it('reports PV mounts the exporter does not list, as expected by design, with a stable subject', () => {
    const [finding] = familyFindings(rootSizedFilesystem, node([root]));
    expect(finding).toMatchObject({ kind: 'fs-pv-mounts-excluded', cause: 'mount-points-exclude', expectedByDesign: true, severity: 'info', subject: 'PV mounts' });
    expect(finding!.summary).toBe('node_exporter does not report the PV mount on n');
  });

  it.each([
    ['no mounted claims', node([root], { mounted: false })],
    ['a PV mount reported', node([root, fs(PV, 20 * GIB, 10 * GIB)])],
    ['a PV mount with a device error', node([root], { failing: [PV] })],
  ])('says nothing with %s', (_, observed) => {
    expect(familyFindings(rootSizedFilesystem, observed)).toEqual([]);
  });
});
