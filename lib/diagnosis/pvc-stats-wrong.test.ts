import { describe, expect, it } from 'vitest';
import { findingSchema } from './finding';
import { detectPvcStatsWrong, type ClaimCapacity, type PvcStatsWrongInput } from './pvc-stats-wrong';

const ROOT = 107_374_182_400;
const GI8 = 8 * 2 ** 30;
const input = (capacities: ClaimCapacity[], rootSizeBytes: number | null = ROOT): PvcStatsWrongInput => ({
  node: 'n',
  at: '2026-01-01T00:00:00.000Z',
  capacities,
  rootSizeBytes,
  queries: { capacity: 'kubelet_volume_stats_capacity_bytes{job="kubelet",instance="10.0.0.1:10250"}', rootSize: 'node_filesystem_size_bytes{mountpoint="/"}' },
});

describe('pvc-stats-wrong', () => {
  it.each([
    ['one claim measured as the root disk', [{ claim: 'a/x', capacityBytes: ROOT, requestedBytes: GI8 }], ROOT, [['a/x', 'root-filesystem-measured']]],
    [
      'two claims measured as the root disk, one healthy',
      [
        { claim: 'a/x', capacityBytes: ROOT, requestedBytes: GI8 },
        { claim: 'a/y', capacityBytes: ROOT },
        { claim: 'a/z', capacityBytes: GI8, requestedBytes: GI8 },
      ],
      ROOT,
      [
        ['a/x', 'root-filesystem-measured'],
        ['a/y', 'root-filesystem-measured'],
      ],
    ],
    ['a claim of its own size', [{ claim: 'a/x', capacityBytes: GI8, requestedBytes: GI8 }], ROOT, []],
    [
      'no root size, two claims sharing a capacity neither requested',
      [
        { claim: 'a/x', capacityBytes: ROOT, requestedBytes: GI8 },
        { claim: 'a/y', capacityBytes: ROOT, requestedBytes: 2 * GI8 },
      ],
      null,
      [
        ['a/x', 'shared-filesystem'],
        ['a/y', 'shared-filesystem'],
      ],
    ],
    [
      'no root size, two claims of the same requested size',
      [
        { claim: 'a/x', capacityBytes: GI8, requestedBytes: GI8 },
        { claim: 'a/y', capacityBytes: GI8, requestedBytes: GI8 },
      ],
      null,
      [],
    ],
    ['no root size, one odd claim alone', [{ claim: 'a/x', capacityBytes: ROOT, requestedBytes: GI8 }], null, []],
  ] as const)('%s', (_, capacities, root, expected) => {
    const findings = detectPvcStatsWrong(input([...capacities], root));
    expect(findings.map((finding) => [finding.subject, finding.cause])).toEqual(expected);
    for (const finding of findings) expect(findingSchema.parse(finding)).toEqual(finding);
  });

  it('shows the capacity, the root size and the request as evidence', () => {
    const [finding] = detectPvcStatsWrong(input([{ claim: 'a/x', capacityBytes: ROOT, requestedBytes: GI8 }]));
    expect(finding!.summary).toBe("a/x reports the root disk's capacity (100.0 GiB), not its 8.0 GiB");
    expect(finding!.evidence.map((evidence) => evidence.value)).toEqual([ROOT, ROOT, GI8]);
    expect(finding!.remediation.snippet).toContain('mountPropagation: Bidirectional');
  });
});
