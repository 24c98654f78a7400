import { describe, expect, it } from 'vitest';
import { buildTimeline, duration } from './build';
import { timelineSchema, type Point, type TimelineInput } from './model';

// A one-hour range at one-minute steps, starting 12:00:00 UTC.
const START = Date.UTC(2026, 10, 22, 12, 0, 0);
const MIN = 60_000;
const END = START + 60 * MIN;

/** Points at every step from minute `from` (inclusive) to minute `to` (exclusive), with a value per minute. */
function points(from: number, to: number, value: number | ((minute: number) => number) = 1): Point[] {
  const result: Point[] = [];
  for (let minute = from; minute < to && minute <= 60; minute++) result.push([START + minute * MIN, typeof value === 'function' ? value(minute) : value]);
  return result;
}

const seconds = (minute: number, second = 0) => (START + minute * MIN + second * 1000) / 1000;

function input(overrides: Partial<TimelineInput> = {}): TimelineInput {
  return {
    node: 'node-a',
    startMs: START,
    endMs: END,
    stepMs: MIN,
    targets: [
      { role: 'kubelet', job: 'kubelet', instance: '10.0.0.1:10250', points: points(0, 61) },
      { role: 'cadvisor', job: 'kubelet', instance: '10.0.0.1:10250', points: points(0, 61) },
      { role: 'node-exporter', job: 'node-exporter', instance: 'node-a', points: points(0, 61) },
    ],
    emptyLabelContainers: [],
    rootSizedMounts: [],
    deviceErrors: [],
    claimStats: [],
    claimsOnNode: [],
    starts: [],
    nodeInfo: [{ labels: { kubelet_version: 'v1.31.4', container_runtime_version: 'containerd://1.7.27' }, points: points(0, 61) }],
    pods: [],
    prometheusUp: points(0, 61),
    ...overrides,
  };
}

const lane = (timeline: ReturnType<typeof buildTimeline>, id: string) => timeline.lanes.find((entry) => entry.id === id);
const states = (timeline: ReturnType<typeof buildTimeline>, id: string) => lane(timeline, id)?.segments.map((segment) => [segment.state, (segment.fromMs - START) / MIN, (segment.toMs - START) / MIN]);

describe('buildTimeline', () => {
  it('a healthy node: one ok segment per lane, no events, nothing to explain', () => {
    const timeline = buildTimeline(input());
    expect(timelineSchema.parse(timeline)).toEqual(timeline);
    expect(timeline.lanes.map((entry) => entry.id)).toEqual(['target:kubelet:kubelet', 'target:cadvisor:kubelet', 'target:node-exporter:node-exporter', 'empty-labels', 'root-sized', 'device-errors']);
    for (const entry of timeline.lanes) expect(states(timeline, entry.id)).toEqual([['ok', 0, 60]]);
    expect(timeline.events).toEqual([]);
    expect(timeline.explanations).toEqual([]);
  });

  it.each([
    {
      name: 'empty labels after a kubelet restart that came before the runtime',
      overrides: {
        emptyLabelContainers: points(21, 61, 4),
        starts: [
          { component: 'kubelet' as const, name: 'kubelet', points: points(0, 61, (minute) => (minute < 21 ? seconds(-600) : seconds(20, 20))) },
          { component: 'runtime' as const, name: 'containerd', points: points(0, 61, (minute) => (minute < 23 ? seconds(-600) : seconds(22, 5))) },
        ],
      },
      laneId: 'empty-labels',
      lanes: [['ok', 0, 21], ['gap', 21, 60]],
      text: 'Empty image/name labels began 40 s after the kubelet restarted at 12:20:20 UTC, while the runtime (containerd) only started at 12:22:05 UTC: cAdvisor registered no factory for it. Restarting the kubelet once the runtime is up restores them.',
      events: ['restart:kubelet:', 'restart:runtime:'],
    },
    {
      name: 'root-sized mounts after a runtime switch',
      overrides: {
        rootSizedMounts: points(31, 61, 2),
        nodeInfo: [
          { labels: { kubelet_version: 'v1.31.4', container_runtime_version: 'docker://24.0.7' }, points: points(0, 30) },
          { labels: { kubelet_version: 'v1.31.4', container_runtime_version: 'containerd://1.7.27' }, points: points(30, 61) },
        ],
      },
      laneId: 'root-sized',
      lanes: [['ok', 0, 31], ['gap', 31, 60]],
      text: "PV mounts began to report the root filesystem's size 60 s after the runtime switched: docker://24.0.7 → containerd://1.7.27 at 12:30:00 UTC: without mountPropagation: HostToContainer on node_exporter's host mount, PV mounts made after it started are not seen (Docker's mount setup used to hide this).",
      events: ['runtime-switch:runtime:'],
    },
    {
      name: 'device errors after node-exporter restarted',
      overrides: {
        deviceErrors: points(10, 61, 1),
        starts: [{ component: 'node-exporter' as const, name: 'node-exporter', points: points(0, 61, (minute) => (minute < 10 ? seconds(-900) : seconds(9, 30))) }],
      },
      laneId: 'device-errors',
      lanes: [['ok', 0, 10], ['gap', 10, 60]],
      text: 'Device errors began 30 s after node-exporter restarted at 12:09:30 UTC: running as another user (such as uid 65534) or with other mounts, it can no longer stat the mountpoint.',
      events: ['restart:node-exporter:'],
    },
    {
      name: 'a kubelet target that went down after a kubelet restart',
      overrides: {
        targets: [
          { role: 'kubelet' as const, job: 'kubelet', instance: '10.0.0.1:10250', points: points(0, 61, (minute) => (minute < 40 ? 1 : 0)) },
          { role: 'node-exporter' as const, job: 'node-exporter', instance: 'node-a', points: points(0, 61) },
        ],
        starts: [{ component: 'kubelet' as const, name: 'kubelet', points: points(0, 40, (minute) => (minute < 39 ? seconds(-900) : seconds(38, 50))) }],
      },
      laneId: 'target:kubelet:kubelet',
      lanes: [['ok', 0, 40], ['gap', 40, 60]],
      text: "The kubelet target (kubelet) went down 70 s after kubelet restarted at 12:38:50 UTC: a restart with other flags (authentication webhook, authorization, port, TLS) is the usual cause; the target's last error tells which.",
      events: ['restart:kubelet:'],
    },
    {
      name: 'a node-exporter target moved to the wrong port, with nothing restarted',
      overrides: {
        targets: [
          { role: 'kubelet' as const, job: 'kubelet', instance: '10.0.0.1:10250', points: points(0, 61) },
          // The old address stops being scraped; the new one is down.
          { role: 'node-exporter' as const, job: 'node-exporter', instance: '10.0.0.1:9100', points: points(0, 15) },
          { role: 'node-exporter' as const, job: 'node-exporter', instance: '10.0.0.1:10250', points: points(15, 61, 0) },
        ],
      },
      laneId: 'target:node-exporter:node-exporter',
      lanes: [['ok', 0, 15], ['gap', 15, 60]],
      text: "The node-exporter target (node-exporter) went down at 12:15:00 UTC, with no restart or version change seen on the node before it (a restart that broke the scrape itself cannot be seen from Prometheus): the target's authentication or the scrape side changed (token, relabelling, port, network policy); its last error tells which.",
      events: [],
    },
  ])('$name', ({ overrides, laneId, lanes, text, events }) => {
    const timeline = buildTimeline(input(overrides));
    expect(states(timeline, laneId)).toEqual(lanes);
    expect(timeline.explanations).toEqual([expect.objectContaining({ laneId, atMs: START + (lanes[1]![1] as number) * MIN, text })]);
    expect(timeline.explanations[0]!.eventIds.map((id) => id.replace(/[0-9]+$/, ''))).toEqual(events);
  });

  it('a claim whose pod moved away stops being expected, and says where its stats went', () => {
    const timeline = buildTimeline(
      input({
        claimStats: [{ claim: 'shop/orders-db', points: points(0, 20) }],
        claimsOnNode: [{ claim: 'shop/orders-db', pod: 'shop/orders-db-0', points: points(0, 20) }],
        pods: [
          { namespace: 'shop', pod: 'orders-db-0', node: 'node-a', points: points(0, 20) },
          { namespace: 'shop', pod: 'orders-db-0', node: 'node-b', points: points(20, 61) },
        ],
      }),
    );
    expect(states(timeline, 'pvc:shop/orders-db')).toEqual([['ok', 0, 20], ['not-expected', 20, 60]]);
    expect(timeline.events).toEqual([expect.objectContaining({ kind: 'pod-move', atMs: START + 20 * MIN, summary: 'shop/orders-db-0 moved from node-a to node-b' })]);
    expect(timeline.explanations.map((entry) => entry.text)).toEqual(["Stats for shop/orders-db stop here at 12:20:00 UTC: shop/orders-db-0 moved from node-a to node-b. They now come from that node's kubelet; nothing is missing."]);
  });

  it('a claim whose pod arrived on a node with a down kubelet is a gap, explained by both', () => {
    const timeline = buildTimeline(
      input({
        node: 'node-b',
        targets: [{ role: 'kubelet', job: 'kubelet', instance: '10.0.0.2:10250', points: points(0, 61, (minute) => (minute < 10 ? 1 : 0)) }],
        claimsOnNode: [{ claim: 'shop/orders-db', pod: 'shop/orders-db-0', points: points(20, 61) }],
        pods: [
          { namespace: 'shop', pod: 'orders-db-0', node: 'node-a', points: points(0, 20) },
          { namespace: 'shop', pod: 'orders-db-0', node: 'node-b', points: points(20, 61) },
        ],
      }),
    );
    expect(states(timeline, 'pvc:shop/orders-db')).toEqual([['not-expected', 0, 20], ['gap', 20, 60]]);
    expect(timeline.explanations.find((entry) => entry.laneId === 'pvc:shop/orders-db')?.text).toBe(
      "Stats for shop/orders-db are missing since shop/orders-db-0 moved from node-a to node-b at 12:20:00 UTC, and this node's kubelet target is down: nothing from this kubelet is stored.",
    );
  });

  it('a Prometheus outage is no data in every lane, explained once, and does not restart a gap', () => {
    const outage = (series: Point[]) => series.filter(([time]) => time < START + 30 * MIN || time >= START + 35 * MIN);
    const timeline = buildTimeline(
      input({
        targets: input().targets.map((target) => ({ ...target, points: outage(points(0, 61)) })),
        prometheusUp: outage(points(0, 61)),
        deviceErrors: outage(points(10, 61, 1)),
      }),
    );
    expect(states(timeline, 'device-errors')).toEqual([['ok', 0, 10], ['gap', 10, 30], ['no-data', 30, 35], ['gap', 35, 60]]);
    expect(states(timeline, 'target:kubelet:kubelet')).toEqual([['ok', 0, 30], ['no-data', 30, 35], ['ok', 35, 60]]);
    expect(timeline.events.filter((event) => event.kind === 'prometheus-gap')).toEqual([expect.objectContaining({ atMs: START + 30 * MIN, untilMs: START + 35 * MIN, summary: 'Prometheus stored nothing for 5 min' })]);
    // One explanation for the device errors (at 12:10), one for the outage; none at 12:35.
    expect(timeline.explanations.map((entry) => [entry.laneId, (entry.atMs - START) / MIN])).toEqual([['device-errors', 10], ['prometheus', 30]]);
  });

  it('a gap already there when the range begins asks for a wider range', () => {
    const timeline = buildTimeline(input({ emptyLabelContainers: points(0, 61, 3) }));
    expect(timeline.explanations).toEqual([expect.objectContaining({ laneId: 'empty-labels', atMs: START, text: "Already missing or wrong when the range begins (12:00:00 UTC): it began earlier (widen the range to see when), and the node's findings tell why." })]);
  });

  it('reports version upgrades, restarts of Prometheus, and ignores events outside the range', () => {
    const timeline = buildTimeline(
      input({
        nodeInfo: [
          { labels: { kubelet_version: 'v1.33.5', container_runtime_version: 'containerd://1.7.27' }, points: points(0, 45) },
          { labels: { kubelet_version: 'v1.34.1', container_runtime_version: 'containerd://2.0.5' }, points: points(45, 61) },
        ],
        starts: [
          { component: 'prometheus', name: 'Prometheus', points: points(0, 61, (minute) => (minute < 50 ? seconds(-30) : seconds(49, 1))) },
          { component: 'kubelet', name: 'kubelet', points: points(0, 61, seconds(-120)) },
        ],
      }),
    );
    expect(timeline.events.map((event) => [event.kind, event.summary, (event.atMs - START) / 1000])).toEqual([
      ['version-change', 'kubelet v1.33.5 → v1.34.1', 45 * 60],
      ['version-change', 'runtime upgraded: containerd://1.7.27 → containerd://2.0.5', 45 * 60],
      ['prometheus-restart', 'Prometheus restarted', 49 * 60 + 1],
    ]);
  });

  it.each([
    [40_000, '40 s'],
    [119_000, '119 s'],
    [30 * MIN, '30 min'],
    [150 * MIN, '2 h 30 min'],
    [180 * MIN, '3 h'],
  ])('says %i ms as %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
