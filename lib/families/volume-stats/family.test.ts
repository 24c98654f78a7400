import { describe, expect, it } from 'vitest';
import { findingSchema } from '@/lib/contract/finding';
import type { KubeletVolumeSource, Observation } from '@/lib/families/types';
import { familyFindings, observation, role, sample, type ObservationSpec } from '@/lib/test-support/observation';
import { volumeStats, wantsKubeletSource } from '.';

const ROOT = 107_374_182_400;
const GI8 = 8 * 2 ** 30;

interface Use {
  claim?: string;
  pod?: string;
  phase?: string;
  pv?: Record<string, string> | null;
}

/** The volume-stats parts of a node: claims used by pods (with phase and PV), stats stored, requests. */
function volumes({ uses = [{}], stats = {}, requests = {}, anywhere = ['elsewhere/other'], rootSize = null, spec = {} }: { uses?: Use[]; stats?: Record<string, number>; requests?: Record<string, number>; anywhere?: string[]; rootSize?: number | null; spec?: ObservationSpec } = {}): Observation {
  const filled = uses.map((use, index) => ({ claim: 'shop/data', pod: `shop/db-${index}`, phase: 'Running', pv: { persistentvolume: `pvc-${index}`, csi_driver: 'ebs.csi.aws.com' }, ...use }));
  const split = (key: string) => ({ namespace: key.split('/')[0]!, persistentvolumeclaim: key.split('/')[1]! });
  return observation({
    ...spec,
    parts: {
      'volume-stats': {
        claims: filled.map((use) => sample({ ...split(use.claim), pod: use.pod.split('/')[1]!, node: 'n' })),
        phases: filled.map((use) => sample({ namespace: use.pod.split('/')[0]!, pod: use.pod.split('/')[1]!, phase: use.phase })),
        claimInfo: [
          ...filled.filter((use) => use.pv).map((use) => sample({ ...split(use.claim), volumename: use.pv!.persistentvolume! })),
          sample({ ...split('elsewhere/other'), volumename: 'pvc-elsewhere' }),
        ],
        volumeInfo: [...filled.filter((use) => use.pv).map((use) => sample(use.pv!)), sample({ persistentvolume: 'pvc-elsewhere', csi_driver: 'ebs.csi.aws.com' })],
        requests: Object.entries(requests).map(([claim, bytes]) => sample(split(claim), bytes)),
        statsAnywhere: anywhere.map((claim) => sample(split(claim))),
        stats: Object.entries(stats).map(([claim, bytes]) => sample(split(claim), bytes)),
      },
      ...(rootSize !== null ? { 'root-sized-filesystem': { size: [sample({ mountpoint: '/' }, rootSize)], free: [sample({ mountpoint: '/' }, 1)] } } : {}),
    },
  });
}

const source = (claims: string[] | null, period = '1m0s'): KubeletVolumeSource => ({ claimsWithStats: claims === null ? null : new Set(claims), volumeStatsAggPeriod: period, metricsEndpoint: 'GET /metrics (n)', configzEndpoint: 'GET /configz (n)' });

describe('pvc-stats-missing: the cause ladder, through the rule', () => {
  it.each([
    ['a finished pod', volumes({ uses: [{ phase: 'Succeeded' }] }), 'pvc-not-mounted', true, 'info'],
    ['a hostPath volume', volumes({ uses: [{ pv: { persistentvolume: 'pvc-0', host_path: '/var/tmp/x' } }] }), 'plugin-without-metrics', true, 'info'],
    ['a kubelet target that is down', volumes({ spec: { roles: { kubelet: role('kubelet', 'down') } } }), 'kubelet-not-scraped', false, 'critical'],
    ['a kubelet target that is missing', volumes({ spec: { roles: { kubelet: role('kubelet', 'missing') } } }), 'kubelet-not-scraped', false, 'critical'],
    ['kubelet 1.34.1', volumes({ spec: { node: { kubeletVersion: 'v1.34.1' } } }), 'kubelet-regression', false, 'warning'],
    ["k3s' kubelet 1.34.0", volumes({ spec: { node: { kubeletVersion: 'v1.34.0+k3s1' } } }), 'kubelet-regression', false, 'warning'],
    ['volumeStatsAggPeriod 0s in /configz', volumes({ spec: { kubeletVolumes: source([], '0s') } }), 'volume-stats-disabled', false, 'warning'],
    ['stats the kubelet exposes but Prometheus lacks', volumes({ spec: { kubeletVolumes: source(['shop/data']) } }), 'dropped-before-storage', false, 'critical'],
    ['a CSI driver with stats on no node', volumes({ anywhere: [] }), 'csi-without-volume-stats', false, 'warning'],
    ['nothing that explains it', volumes(), 'unknown', false, 'warning'],
  ] as const)('%s -> %s', (_, observed, cause, expectedByDesign, severity) => {
    const [verdict] = volumeStats.rule(observed)!;
    expect(verdict).toMatchObject({ subject: 'shop/data', state: expectedByDesign ? 'by-design' : 'fault', cause });
    const [finding, ...rest] = familyFindings(volumeStats, observed);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ kind: 'pvc-stats-missing', cause, expectedByDesign, severity, subject: 'shop/data', family: 'volume-stats' });
    expect(findingSchema.parse(finding)).toEqual(finding);
  });

  it('says the claim is fine when its stats are stored, whatever else is known', () => {
    const observed = volumes({ stats: { 'shop/data': GI8 }, spec: { node: { kubeletVersion: 'v1.34.1' } } });
    expect(volumeStats.rule(observed)).toMatchObject([{ subject: 'shop/data', state: 'ok' }]);
    expect(familyFindings(volumeStats, observed)).toEqual([]);
  });

  it('gives a lane to a claim whose stats are stored although no pod here uses it (its pod just moved away)', () => {
    expect(volumeStats.rule(volumes({ uses: [], stats: { 'shop/old': GI8 } }))).toMatchObject([{ subject: 'shop/old', state: 'ok' }]);
  });

  it('judges a claim used by a finished and a running pod by the running one', () => {
    const observed = volumes({ uses: [{ phase: 'Succeeded' }, {}], spec: { roles: { kubelet: role('kubelet', 'down') } } });
    expect(familyFindings(volumeStats, observed).map((finding) => finding.cause)).toEqual(['kubelet-not-scraped']);
  });

  it('checks by design causes before scrape health: hostPath has no stats whether scraped or not', () => {
    const observed = volumes({ uses: [{ pv: { persistentvolume: 'pvc-0', host_path: '/x' } }], spec: { roles: { kubelet: role('kubelet', 'down') } } });
    expect(familyFindings(volumeStats, observed)[0]!.cause).toBe('plugin-without-metrics');
  });

  it('cites the kubelet endpoint as evidence for a kubelet-side cause', () => {
    const [finding] = familyFindings(volumeStats, volumes({ spec: { kubeletVolumes: source(['shop/data']) } }));
    expect(finding!.evidence.map((evidence) => [evidence.source, evidence.endpoint])).toEqual([['prometheus', undefined], ['prometheus', undefined], ['kubelet', 'GET /metrics (n)']]);
  });

  it('asks for the kubelet only where it could change a verdict', () => {
    const missing = volumes();
    expect(wantsKubeletSource(missing, volumeStats.rule(missing)!)).toBe(true);
    const hostPath = volumes({ uses: [{ pv: { persistentvolume: 'pvc-0', host_path: '/x' } }] });
    expect(wantsKubeletSource(hostPath, volumeStats.rule(hostPath)!)).toBe(false);
    const stored = volumes({ stats: { 'shop/data': GI8 } });
    expect(wantsKubeletSource(stored, volumeStats.rule(stored)!)).toBe(false);
  });

  it('cannot judge without kube-state-metrics or the kubelet', () => {
    expect(volumeStats.rule(observation())).toBeNull();
  });
});

describe('pvc-stats-wrong', () => {
  const claims = (...names: string[]) => names.map((claim, index) => ({ claim, pod: `a/p${index}` }));
  it.each([
    ['one claim measured as the root disk', { stats: { 'a/x': ROOT }, requests: { 'a/x': GI8 } }, ROOT, [['a/x', 'root-filesystem-measured']]],
    ['two claims measured as the root disk, one healthy', { stats: { 'a/x': ROOT, 'a/y': ROOT, 'a/z': GI8 }, requests: { 'a/x': GI8, 'a/z': GI8 } }, ROOT, [['a/x', 'root-filesystem-measured'], ['a/y', 'root-filesystem-measured']]],
    ['a claim of its own size', { stats: { 'a/x': GI8 }, requests: { 'a/x': GI8 } }, ROOT, []],
    ['no root size, two claims sharing a capacity neither requested', { stats: { 'a/x': ROOT, 'a/y': ROOT }, requests: { 'a/x': GI8, 'a/y': 2 * GI8 } }, null, [['a/x', 'shared-filesystem'], ['a/y', 'shared-filesystem']]],
    ['no root size, two claims of the same requested size', { stats: { 'a/x': GI8, 'a/y': GI8 }, requests: { 'a/x': GI8, 'a/y': GI8 } }, null, []],
    ['no root size, one odd claim alone', { stats: { 'a/x': ROOT }, requests: { 'a/x': GI8 } }, null, []],
  ] as const)('%s', (_, { stats, requests }, rootSize, expected) => {
    const observed = volumes({ uses: claims(...Object.keys(stats)), stats, requests, rootSize });
    const findings = familyFindings(volumeStats, observed);
    expect(findings.map((finding) => [finding.subject, finding.cause])).toEqual(expected);
    for (const finding of findings) expect(findingSchema.parse(finding)).toEqual(finding);
  });

  it('shows the capacity, the root size and the request as evidence', () => {
    const [finding] = familyFindings(volumeStats, volumes({ uses: claims('a/x'), stats: { 'a/x': ROOT }, requests: { 'a/x': GI8 }, rootSize: ROOT }));
    expect(finding!.summary).toBe("a/x reports the root disk's capacity (100.0 GiB), not its 8.0 GiB");
    expect(finding!.evidence.map((evidence) => evidence.value)).toEqual([ROOT, ROOT, GI8]);
    expect(finding!.remediation.snippet).toContain('mountPropagation: Bidirectional');
  });
});
