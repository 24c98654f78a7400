import { describe, expect, it } from 'vitest';
import { detectVolumeStatsFindings, type ClaimOnNode, type VolumeStatsInput } from './volume-stats';

const claim = (overrides: Partial<ClaimOnNode> = {}): ClaimOnNode => ({ claim: 'shop/data', pod: 'shop/db-0', podPhase: 'Running', volume: 'pvc-1', plugin: 'csi', csiDriver: 'ebs.csi.aws.com', ...overrides });
const input = (overrides: Partial<VolumeStatsInput> = {}): VolumeStatsInput => ({
  node: 'n',
  at: '2026-01-01T00:00:00.000Z',
  claims: [claim()],
  storedOnNode: new Set(),
  driversWithStats: new Set(['ebs.csi.aws.com']),
  kubeletHealth: 'up',
  kubeletVersion: 'v1.31.4',
  queries: { stats: 'kubelet_volume_stats_used_bytes', claims: 'kube_pod_spec_volumes_persistentvolumeclaims_info and on (namespace, pod) kube_pod_info{node="n"}' },
  ...overrides,
});
const source = (claims: string[] | null, period = '1m0s') => ({ claimsWithStats: claims === null ? null : new Set(claims), volumeStatsAggPeriod: period, endpoint: 'GET /metrics (n)' });

describe('pvc-stats-missing cause ladder', () => {
  it.each([
    ['a finished pod', input({ claims: [claim({ podPhase: 'Succeeded' })] }), 'pvc-not-mounted', true, 'info'],
    ['a hostPath volume', input({ claims: [claim({ plugin: 'hostPath', csiDriver: undefined, hostPath: '/var/tmp/x' })] }), 'plugin-without-metrics', true, 'info'],
    ['a kubelet target that is down', input({ kubeletHealth: 'down' }), 'kubelet-not-scraped', false, 'critical'],
    ['a kubelet target that is missing', input({ kubeletHealth: 'missing' }), 'kubelet-not-scraped', false, 'critical'],
    ['kubelet 1.34.1', input({ kubeletVersion: 'v1.34.1' }), 'kubelet-regression', false, 'warning'],
    ["k3s' kubelet 1.34.0", input({ kubeletVersion: 'v1.34.0+k3s1' }), 'kubelet-regression', false, 'warning'],
    ['volumeStatsAggPeriod 0s in /configz', input({ source: source([], '0s') }), 'volume-stats-disabled', false, 'warning'],
    ['stats the kubelet exposes but Prometheus lacks', input({ source: source(['shop/data']) }), 'dropped-before-storage', false, 'critical'],
    ['a CSI driver with stats on no node', input({ driversWithStats: new Set() }), 'csi-without-volume-stats', false, 'warning'],
    ['nothing that explains it', input(), 'unknown', false, 'warning'],
  ] as const)('%s -> %s', (_, observed, cause, expectedByDesign, severity) => {
    const [finding, ...rest] = detectVolumeStatsFindings(observed);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ kind: 'pvc-stats-missing', cause, expectedByDesign, severity, subject: 'shop/data', family: 'volume-stats' });
  });

  it('says nothing for a claim whose stats are stored', () => {
    expect(detectVolumeStatsFindings(input({ storedOnNode: new Set(['shop/data']) }))).toEqual([]);
  });

  it('judges a claim used by a finished and a running pod by the running one', () => {
    const findings = detectVolumeStatsFindings(input({ claims: [claim({ pod: 'shop/job-x', podPhase: 'Succeeded' }), claim()], kubeletHealth: 'down' }));
    expect(findings.map((finding) => finding.cause)).toEqual(['kubelet-not-scraped']);
  });

  it('checks by design causes before scrape health: hostPath has no stats whether scraped or not', () => {
    const [finding] = detectVolumeStatsFindings(input({ claims: [claim({ plugin: 'hostPath' })], kubeletHealth: 'down' }));
    expect(finding!.cause).toBe('plugin-without-metrics');
  });

  it('cites the kubelet endpoint as evidence for a kubelet-side cause', () => {
    const [finding] = detectVolumeStatsFindings(input({ source: source(['shop/data']) }));
    expect(finding!.evidence.map((evidence) => evidence.source)).toEqual(['prometheus', 'prometheus', 'kubelet']);
  });
});
