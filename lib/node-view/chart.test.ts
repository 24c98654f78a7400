import { describe, expect, it } from 'vitest';
import { chartData, markerWords, MAX_PIECES } from './chart';
import type { Timeline } from '@/lib/contract/timeline';

const timeline = (segments: Timeline['lanes'][number]['segments'][]): Timeline => ({
  node: 'n',
  startMs: 1_000,
  endMs: 61_000,
  stepMs: 1_000,
  lanes: segments.map((entry, index) => ({ id: `lane-${index}`, family: 'device-error', subject: `/mnt/${index}`, title: `Lane ${index}`, segments: entry })),
  events: [{ id: 'restart:kubelet:20', atMs: 20_000, kind: 'restart', component: 'kubelet', summary: 'kubelet restarted' }],
  explanations: [],
  quietFamilies: [],
});

describe('markerWords', () => {
  const event = (fields: Partial<Timeline['events'][number]>): Timeline['events'][number] => ({ id: 'e', atMs: 0, kind: 'restart', component: 'kubelet', summary: '', ...fields });
  it.each([
    [event({ process: 'kubelet' }), 'kubelet restart'],
    [event({ component: 'runtime', process: 'containerd', firstStart: true }), 'containerd start'],
    [event({ kind: 'version-change', fromVersion: 'v1.33.5', toVersion: 'v1.34.1+k3s1' }), 'v1.33 → v1.34'],
    [event({ kind: 'runtime-switch', component: 'runtime', fromVersion: 'docker://24.0.7', toVersion: 'containerd://1.7.27' }), 'docker 24.0 → containerd 1.7'],
    [event({ kind: 'pod-move', component: 'pod' }), 'pod moved'],
    [event({ kind: 'prometheus-gap', component: 'prometheus' }), 'Prometheus gap'],
  ] as const)('%j -> %s', (input, words) => {
    expect(markerWords(input)).toBe(words);
  });
});

describe('chartData', () => {
  it('stacks each lane\'s segments as pieces measured from the range start', () => {
    const data = chartData(
      timeline([
        [{ fromMs: 1_000, toMs: 61_000, state: 'ok' }],
        [
          { fromMs: 1_000, toMs: 21_000, state: 'ok' },
          { fromMs: 21_000, toMs: 61_000, state: 'gap', value: 2 },
        ],
      ]),
    );
    expect(data.pieces).toEqual(['s0', 's1']);
    expect(data.rows).toEqual([
      { laneId: 'lane-0', title: 'Lane 0', s0: 60_000 },
      { laneId: 'lane-1', title: 'Lane 1', s0: 20_000, s1: 40_000 },
    ]);
    expect(data.states).toEqual([['ok', undefined], ['ok', 'gap']]);
    expect(data.markers).toEqual([{ id: 'restart:kubelet:20', x: 19_000, label: 'kubelet restarted', short: 'kubelet restart', kind: 'restart' }]);
    expect(data.domain).toEqual([0, 60_000]);
  });

  it('folds a flapping lane into at most MAX_PIECES pieces, the worst state winning', () => {
    const flapping = Array.from({ length: 600 }, (_, index) => ({ fromMs: 1_000 + index * 100, toMs: 1_100 + index * 100, state: index % 2 ? ('gap' as const) : ('ok' as const) }));
    const data = chartData(timeline([flapping]));
    expect(data.pieces.length).toBeLessThanOrEqual(MAX_PIECES);
    expect(data.states[0]).toContain('gap');
    const total = data.pieces.reduce((sum, piece) => sum + (data.rows[0]![piece] ?? 0), 0);
    expect(total).toBe(60_000);
  });
});
