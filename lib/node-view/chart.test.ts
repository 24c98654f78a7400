import { describe, expect, it } from 'vitest';
import { chartData, eventAnchor, keyEvent, laneIdOf, markerWords, MAX_PIECES } from './chart';
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
    expect(data.markers).toEqual([{ id: 'restart:kubelet:20', x: 19_000, label: 'kubelet restarted', short: 'kubelet restart', kind: 'restart', row: 0, anchor: 'start' }]);
    expect(data.markerRows).toBe(1);
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

describe('keyEvent', () => {
  const ok = { fromMs: 1_000, toMs: 21_000, state: 'ok' as const };
  const gap = { fromMs: 21_000, toMs: 61_000, state: 'gap' as const, cause: 'c' };
  const events: Timeline['events'] = [
    { id: 'restart:kubelet:20', atMs: 20_000, kind: 'restart', component: 'kubelet', summary: 'kubelet restarted' },
    { id: 'version-change:kubelet:20', atMs: 20_000, kind: 'version-change', component: 'kubelet', summary: 'kubelet v1.33 → v1.34' },
    { id: 'restart:runtime:40', atMs: 40_000, kind: 'restart', component: 'runtime', summary: 'containerd restarted' },
  ];
  const explained = (laneId: string, ...eventIds: string[]) => ({ laneId, atMs: 21_000, text: 'because', eventIds });

  it('names the event that explains most of the lanes in a gap at the end of the range', () => {
    const base = timeline([[ok, gap], [ok, gap], [ok, gap], [{ ...ok, toMs: 61_000 }]]);
    const key = keyEvent({ ...base, events, explanations: [explained('lane-0', 'restart:kubelet:20'), explained('lane-1', 'restart:kubelet:20', 'version-change:kubelet:20'), explained('lane-2', 'restart:runtime:40'), explained('lane-3', 'restart:runtime:40')] });
    // lane-3 is ok at the end: its explanation does not count.
    expect(key).toEqual({ event: events[0], explains: 2, gaps: 3 });
  });

  it('on a tie prefers the event named first, then the later one; counts only each lane\'s latest change; is null when nothing explains a gap', () => {
    const base = timeline([[ok, gap], [ok, gap]]);
    expect(keyEvent({ ...base, events, explanations: [explained('lane-0', 'restart:kubelet:20'), explained('lane-1', 'restart:runtime:40')] })?.event.id).toBe('restart:runtime:40');
    expect(keyEvent({ ...base, events, explanations: [explained('lane-0', 'restart:kubelet:20', 'restart:runtime:40')] })?.event.id).toBe('restart:kubelet:20');
    expect(keyEvent({ ...base, events, explanations: [explained('lane-0', 'restart:runtime:40'), { ...explained('lane-0', 'restart:kubelet:20'), atMs: 50_000 }] })?.event.id).toBe('restart:kubelet:20');
    expect(keyEvent({ ...base, events, explanations: [explained('lane-0'), explained('lane-1')] })).toBeNull();
    expect(keyEvent({ ...timeline([[{ ...ok, toMs: 61_000 }]]), events, explanations: [explained('lane-0', 'restart:kubelet:20')] })).toBeNull();
  });
});

describe('anchors', () => {
  it('makes an event id an HTML id and a finding its lane id', () => {
    expect(eventAnchor({ id: 'restart:kubelet:1733200000' })).toBe('event-restart-kubelet-1733200000');
    expect(eventAnchor({ id: 'pod-move:monitoring/node-exporter-x:5' })).toBe('event-pod-move-monitoring-node-exporter-x-5');
    expect(laneIdOf({ family: 'device-error', subject: '/mnt/data' })).toBe('device-error:/mnt/data');
  });
});

describe('marker lines', () => {
  it('puts markers close together on different lines, far apart ones on the first, and late ones before their line', () => {
    const at = (seconds: number, id: string): Timeline['events'][number] => ({ id, atMs: 1_000 + seconds * 1000, kind: 'restart', component: 'kubelet', summary: id });
    const base = timeline([[{ fromMs: 1_000, toMs: 61_000, state: 'ok' }]]);
    // A 60 s range: markers under 8.4 s (14%) apart are too close for one line.
    const data = chartData({ ...base, events: [at(5, 'a'), at(9, 'b'), at(12, 'c'), at(45, 'd'), at(50, 'e')] });
    expect(data.markers.map((marker) => [marker.id, marker.row, marker.anchor])).toEqual([
      ['a', 0, 'start'],
      ['b', 1, 'start'],
      ['c', 2, 'start'],
      ['d', 0, 'end'],
      ['e', 1, 'end'],
    ]);
    expect(data.markerRows).toBe(3);
  });
});
