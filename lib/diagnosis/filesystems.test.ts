import { describe, expect, it } from 'vitest';
import { detectDeviceErrors, detectPvMountsExcluded, detectRootSized, volumeOfMountpoint, type FilesystemObservation } from './filesystems';

const GIB = 2 ** 30;
const root: FilesystemObservation = { device: '/dev/vda1', fstype: 'ext4', mountpoint: '/', sizeBytes: 100 * GIB, freeBytes: 40 * GIB, deviceError: false };
const pv = (overrides: Partial<FilesystemObservation>): FilesystemObservation => ({
  device: '/dev/nvme1n1',
  fstype: 'ext4',
  mountpoint: '/var/lib/kubelet/pods/0b6f5b1e-0000-4000-a000-000000000001/volumes/kubernetes.io~csi/pvc-123/mount',
  sizeBytes: 20 * GIB,
  freeBytes: 10 * GIB,
  deviceError: false,
  ...overrides,
});
const input = (filesystems: FilesystemObservation[]) => ({
  node: 'n',
  at: '2026-01-01T00:00:00.000Z',
  queries: { size: 'node_filesystem_size_bytes{…}', deviceError: 'node_filesystem_device_error{…} == 1' },
  filesystems,
  claimsByVolume: new Map([['pvc-123', { claim: 'shop/data', capacityBytes: 20 * GIB }]]),
});

describe('detectRootSized', () => {
  it('flags a PV mount with the root size and free bytes, with the claim capacity as counter-evidence', () => {
    const [finding, ...rest] = detectRootSized(input([root, pv({ sizeBytes: 100 * GIB, freeBytes: 40 * GIB + 1e6 })]));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ kind: 'fs-root-sized', cause: 'mount-propagation', subject: 'shop/data (pvc-123)', layer: 'stored' });
    expect(finding!.summary).toBe("The mount of shop/data reports the root disk's size (100.0 GiB), not its 20.0 GiB");
    expect(finding!.evidence.map((evidence) => evidence.value)).toEqual([100 * GIB, 100 * GIB, 20 * GIB]);
  });

  it.each([
    ['a PV mount of its own size', pv({})],
    ['the root size but different free bytes (another disk of the same size)', pv({ sizeBytes: 100 * GIB, freeBytes: 5 * GIB })],
    ['a non-PV mount with the root size', pv({ mountpoint: '/var/lib/containerd', sizeBytes: 100 * GIB, freeBytes: 40 * GIB })],
  ])('does not flag %s', (_, fs) => {
    expect(detectRootSized(input([root, fs]))).toEqual([]);
  });

  it('reads the volume name from CSI and in-tree mountpoints', () => {
    expect(volumeOfMountpoint('/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/pvc-1/mount')).toBe('pvc-1');
    expect(volumeOfMountpoint('/var/lib/kubelet/pods/u/volumes/kubernetes.io~local-volume/local-pv-1')).toBe('local-pv-1');
    expect(volumeOfMountpoint('/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/pvc-1/mount/sub')).toBeNull();
  });
});

describe('detectDeviceErrors', () => {
  it.each([
    ['a mount under /root', { mountpoint: '/root/data' }, 'permission-denied'],
    ['a mount under /home', { mountpoint: '/home/build/cache' }, 'permission-denied'],
    ['an NFS mount', { mountpoint: '/srv/share', fstype: 'nfs4' }, 'stuck-mount'],
    ['a vanished path', { mountpoint: '/srv/gone' }, 'missing-path'],
    ["node_exporter 1.8's error text", { mountpoint: '/srv/x', errorText: 'permission denied' }, 'permission-denied'],
  ])('gives %s the cause %s', (_, overrides, cause) => {
    const [finding] = detectDeviceErrors(input([{ ...pv({}), sizeBytes: null, freeBytes: null, deviceError: true, ...overrides }]));
    expect(finding?.cause).toBe(cause);
    expect(finding?.kind).toBe('fs-device-error');
  });

  it('explains the trade-off of running node_exporter as root', () => {
    const [finding] = detectDeviceErrors(input([{ ...pv({}), mountpoint: '/root/data', sizeBytes: null, freeBytes: null, deviceError: true }]));
    expect(finding!.remediation.text).toMatch(/run node_exporter as root, which gives the exporter more reach than it needs/);
  });
});

describe('detectPvMountsExcluded', () => {
  const base = { node: 'n', at: '2026-01-01T00:00:00.000Z', query: 'node_filesystem_size_bytes{…}' };
  it('reports PV mounts the exporter does not list, as expected by design', () => {
    const [finding] = detectPvMountsExcluded({ ...base, mountedClaims: ['a/x', 'a/y'], pvMountpoints: 0 });
    expect(finding).toMatchObject({ kind: 'fs-pv-mounts-excluded', cause: 'mount-points-exclude', expectedByDesign: true, severity: 'info', subject: '2 PV mounts' });
  });
  it.each([
    ['no mounted claims', { mountedClaims: [], pvMountpoints: 0 }],
    ['PV mounts reported', { mountedClaims: ['a/x'], pvMountpoints: 1 }],
  ])('says nothing with %s', (_, observed) => {
    expect(detectPvMountsExcluded({ ...base, ...observed })).toEqual([]);
  });
});
