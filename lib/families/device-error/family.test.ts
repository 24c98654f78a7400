import { describe, expect, it } from 'vitest';
import { familyFindings, observation, sample } from '@/lib/test-support/observation';
import { deviceError } from '.';

const failing = (labels: Record<string, string>) => observation({ parts: { 'device-error': { failing: [sample({ device: '/dev/x', fstype: 'ext4', ...labels })] } } });

describe('fs-device-error', () => {
  it.each([
    ['a mount under /root', { mountpoint: '/root/data' }, 'permission-denied'],
    ['a mount under /home', { mountpoint: '/home/build/cache' }, 'permission-denied'],
    ['an NFS mount', { mountpoint: '/srv/share', fstype: 'nfs4' }, 'stuck-mount'],
    ['a vanished path', { mountpoint: '/srv/gone' }, 'missing-path'],
    ["node_exporter 1.8's error text", { mountpoint: '/srv/x', device_error: 'permission denied' }, 'permission-denied'],
  ])('gives %s the cause %s, as verdict and finding', (_, labels, cause) => {
    const observed = failing(labels);
    expect(deviceError.rule(observed)).toMatchObject([{ subject: labels.mountpoint, state: 'fault', cause }]);
    const [finding] = familyFindings(deviceError, observed);
    expect(finding).toMatchObject({ kind: 'fs-device-error', cause, subject: labels.mountpoint });
    // No size series was read for it: the evidence says so.
    expect(finding!.evidence.at(-1)!.excerpt).toBe(`no node_filesystem_size_bytes for ${labels.mountpoint}`);
  });

  it('explains the trade-off of running node_exporter as root', () => {
    const [finding] = familyFindings(deviceError, failing({ mountpoint: '/root/data' }));
    expect(finding!.remediation.text).toMatch(/run node_exporter as root, which gives the exporter more reach than it needs/);
  });

  it('has nothing to say when no mount fails, and cannot judge without the exporter', () => {
    expect(deviceError.rule(observation({ parts: { 'device-error': { failing: [] } } }))).toEqual([]);
    expect(deviceError.rule(observation({ parts: { 'device-error': { failing: null } } }))).toBeNull();
  });
});
