import { describe, expect, it } from 'vitest';
import type { FamilyId } from '@/lib/contract/finding';
import { timelineSchema, type Timeline } from '@/lib/contract/timeline';
import { FAMILIES } from '@/lib/families/registry';
import type { FleetNode } from '@/lib/topology/fleet';
import { duration } from './events';
import { gridOf, type StepSeries } from './steps';
import { buildTimeline, type TimelineInput } from './timeline';

// A one-hour range at one-minute steps, from 12:00:00 UTC: 61 steps, the last one at the range's end.
const START = Date.UTC(2026, 10, 22, 12, 0, 0);
const MIN = 60_000;
const END = START + 60 * MIN;
const GRID = gridOf({ startMs: START, endMs: END }, MIN);

/** Target labels as kube-prometheus-stack's generated scrape config attaches them. */
const KUBELET = { job: 'kubelet', instance: '10.0.0.1:10250', metrics_path: '/metrics', node: 'node-a', namespace: 'kube-system', service: 'kps-kubelet', endpoint: 'https-metrics' };
const CADVISOR = { ...KUBELET, metrics_path: '/metrics/cadvisor' };
const EXPORTER = { job: 'node-exporter', instance: '10.0.0.1:9100', namespace: 'monitoring', service: 'kps-prometheus-node-exporter', endpoint: 'http-metrics', pod: 'kps-prometheus-node-exporter-x7k2p', container: 'node-exporter' };

const target = (labels: Record<string, string>) => ({ job: labels.job!, instance: labels.instance!, labels, health: 'up' as const, lastError: '' });
const NODE: FleetNode = {
  name: 'node-a',
  internalIp: '10.0.0.1',
  kubeletVersion: 'v1.31.4',
  containerRuntime: 'containerd://1.7.27',
  roles: { kubelet: { health: 'up', targets: [target(KUBELET)] }, cadvisor: { health: 'up', targets: [target(CADVISOR)] }, 'node-exporter': { health: 'up', targets: [target(EXPORTER)] } },
};

/** A series present from minute `from` (inclusive) to `to` (exclusive), with a value per minute. */
function series(labels: Record<string, string>, from: number, to: number, value: number | ((minute: number) => number) = 1): StepSeries {
  return { labels, values: GRID.times.map((_, minute) => (minute >= from && minute < to ? (typeof value === 'function' ? value(minute) : value) : undefined)) };
}
const seconds = (minute: number, second = 0) => (START + minute * MIN + second * 1000) / 1000;
const ALL = [0, 61] as const;

const EMPTY_PARTS = (): Partial<Record<FamilyId, Record<string, StepSeries[]>>> =>
  Object.fromEntries(FAMILIES.map((family) => [family.id, Object.fromEntries(Object.keys(family.parts).map((key) => [key, [] as StepSeries[]]))]));

interface Spec {
  node?: FleetNode;
  parts?: Partial<Record<FamilyId, Record<string, StepSeries[]>>>;
  starts?: { kubeletStart?: StepSeries[]; runtimeStart?: StepSeries[] };
  up?: TimelineInput['history']['up'];
  exporterStart?: StepSeries[];
  nodeInfo?: StepSeries[];
  kubeletBuild?: StepSeries[];
  pods?: StepSeries[];
  prometheusUp?: StepSeries[];
}

function input(spec: Spec = {}): TimelineInput {
  const parts = EMPTY_PARTS();
  for (const [family, overrides] of Object.entries(spec.parts ?? {})) parts[family as FamilyId] = { ...parts[family as FamilyId], ...overrides };
  return {
    node: spec.node ?? NODE,
    gathered: { grid: GRID, families: parts, starts: { kubeletStart: [], runtimeStart: [], ...spec.starts }, queries: {}, startsQuery: 'process_start_time_seconds' },
    history: {
      up: spec.up ?? [
        { role: 'kubelet', series: series(KUBELET, ...ALL) },
        { role: 'cadvisor', series: series(CADVISOR, ...ALL) },
        { role: 'node-exporter', series: series(EXPORTER, ...ALL) },
      ],
      exporterStart: spec.exporterStart ?? [],
      nodeInfo: spec.nodeInfo ?? [series({ node: 'node-a', kubelet_version: 'v1.31.4', container_runtime_version: 'containerd://1.7.27', internal_ip: '10.0.0.1' }, ...ALL)],
      kubeletBuild: spec.kubeletBuild ?? [],
      pods: spec.pods ?? [],
      prometheusUp: spec.prometheusUp ?? [series({ job: 'prometheus-k8s', instance: '10.0.0.9:9090' }, ...ALL)],
      prometheusStart: [],
    },
  };
}

const lane = (timeline: Timeline, id: string) => timeline.lanes.find((entry) => entry.id === id);
const states = (timeline: Timeline, id: string) => lane(timeline, id)?.segments.map((segment) => [segment.state, (segment.fromMs - START) / MIN, Math.round((segment.toMs - START) / MIN)]);

// Claims, as kube-state-metrics and the kubelet label them.
const use = (claim: string, pod: string, node = 'node-a') => ({ namespace: claim.split('/')[0]!, persistentvolumeclaim: claim.split('/')[1]!, pod, node });
const phase = (namespace: string, pod: string, value: string) => ({ namespace, pod, phase: value });
const stats = (claim: string) => ({ ...KUBELET, namespace: claim.split('/')[0]!, persistentvolumeclaim: claim.split('/')[1]! });
const claimInfo = (claim: string, volume: string) => ({ namespace: claim.split('/')[0]!, persistentvolumeclaim: claim.split('/')[1]!, volumename: volume });
const PV_MOUNT = '/var/lib/kubelet/pods/0b6f5b1e-0000-4000-a000-000000000001/volumes/kubernetes.io~csi/pvc-9/mount';
const fsLabels = (mountpoint: string) => ({ ...EXPORTER, mountpoint, device: '/dev/nvme0n1p1', fstype: 'ext4' });
const CONTAINER = `/kubepods/burstable/pod0b6f5b1e-0000-4000-a000-000000000001/${'f'.repeat(64)}`;

describe('buildTimeline', () => {
  it('a healthy node: one ok lane per target and for container labels, the other families quiet', () => {
    const timeline = buildTimeline(input());
    expect(timelineSchema.parse(timeline)).toEqual(timeline);
    expect(timeline.lanes.map((entry) => entry.id)).toEqual(['cadvisor-labels:container cgroups', 'scrape:kubelet /metrics', 'scrape:cAdvisor /metrics/cadvisor', 'scrape:node-exporter']);
    for (const entry of timeline.lanes) expect(states(timeline, entry.id)).toEqual([['ok', 0, 60]]);
    expect(timeline.quietFamilies.map((entry) => entry.family)).toEqual(['volume-stats', 'cadvisor-network', 'cadvisor-duplicates', 'root-sized-filesystem', 'device-error', 'collector']);
    expect(timeline.endMs).toBe(END);
    expect(timeline.events).toEqual([]);
    expect(timeline.explanations).toEqual([]);
  });

  it.each([
    {
      name: 'empty labels after a kubelet restart that came before the runtime',
      spec: {
        parts: { 'cadvisor-labels': { unlabelled: [series({ ...CADVISOR, id: CONTAINER, namespace: 'shop', pod: 'p' }, 21, 61)], legacy: [] } },
        starts: {
          kubeletStart: [series(KUBELET, 0, 61, (minute) => (minute < 21 ? seconds(-600) : seconds(20, 20)))],
          runtimeStart: [series({ ...CADVISOR, id: '/system.slice/containerd.service' }, 0, 61, (minute) => (minute < 23 ? seconds(-600) : seconds(22, 5)))],
        },
      },
      laneId: 'cadvisor-labels:container cgroups',
      // The cause is known once the runtime's start is stored: the gap's segments say which, step by step.
      lanes: [['ok', 0, 21], ['gap', 21, 23], ['gap', 23, 60]],
      text: 'Empty image/name labels began 40 s after the kubelet restarted at 12:20:20 UTC, while the runtime (containerd) only started at 12:22:05 UTC: cAdvisor registered no factory for it. Restarting the kubelet once the runtime is up restores them.',
      events: ['restart:kubelet:', 'restart:runtime:'],
    },
    {
      name: 'root-sized mounts after a runtime switch',
      spec: {
        parts: {
          'root-sized-filesystem': {
            size: [series(fsLabels('/'), ...ALL, 100e9), series(fsLabels(PV_MOUNT), 0, 61, (minute) => (minute < 31 ? 20e9 : 100e9))],
            free: [series(fsLabels('/'), ...ALL, 40e9), series(fsLabels(PV_MOUNT), 0, 61, (minute) => (minute < 31 ? 10e9 : 40e9))],
          },
          'volume-stats': { claimInfo: [series(claimInfo('db/data', 'pvc-9'), ...ALL)] },
        },
        nodeInfo: [
          series({ kubelet_version: 'v1.31.4', container_runtime_version: 'docker://24.0.7' }, 0, 30),
          series({ kubelet_version: 'v1.31.4', container_runtime_version: 'containerd://1.7.27' }, 30, 61),
        ],
      },
      laneId: 'root-sized-filesystem:db/data (pvc-9)',
      lanes: [['ok', 0, 31], ['gap', 31, 60]],
      text: "PV mounts began to report the root filesystem's size 60 s after the runtime switched from docker://24.0.7 to containerd://1.7.27 at 12:30:00 UTC: without mountPropagation: HostToContainer on node_exporter's host mount, PV mounts made after it started are not seen (Docker's mount setup used to hide this).",
      events: ['runtime-switch:runtime:'],
    },
    {
      name: 'device errors after node-exporter restarted',
      spec: {
        parts: { 'device-error': { failing: [series(fsLabels('/root/data'), 10, 61)] } },
        exporterStart: [series(EXPORTER, 0, 61, (minute) => (minute < 10 ? seconds(-900) : seconds(9, 30)))],
      },
      laneId: 'device-error:/root/data',
      lanes: [['ok', 0, 10], ['gap', 10, 60]],
      text: 'Device errors began 30 s after node-exporter restarted at 12:09:30 UTC: running as another user (such as uid 65534) or with other mounts, it can no longer stat the mountpoint.',
      events: ['restart:node-exporter:'],
    },
    {
      name: 'a collector that began failing, with no exporter restart',
      spec: {
        // thermal_zone reports 0 from minute 25; it succeeded on the node the day before, so that 0 is an error.
        parts: { collector: { failing: [series({ ...EXPORTER, collector: 'thermal_zone' }, 25, 61, 0)], worked: [series({ ...EXPORTER, collector: 'thermal_zone' }, 25, 61)], textfile: [] } },
      },
      laneId: 'collector:collector thermal_zone',
      lanes: [['ok', 0, 25], ['gap', 25, 60]],
      text: "node_exporter's thermal_zone collector began failing at 12:25:00 UTC with no exporter restart before it: what it reads on the node changed (a kernel, driver or device).",
      events: [],
    },
    {
      name: 'a kubelet target that went down after a kubelet restart',
      spec: {
        up: [
          { role: 'kubelet' as const, series: series(KUBELET, 0, 61, (minute) => (minute < 40 ? 1 : 0)) },
          { role: 'cadvisor' as const, series: series(CADVISOR, ...ALL) },
          { role: 'node-exporter' as const, series: series(EXPORTER, ...ALL) },
        ],
        starts: { kubeletStart: [series(KUBELET, 0, 40, (minute) => (minute < 39 ? seconds(-900) : seconds(38, 50)))] },
      },
      laneId: 'scrape:kubelet /metrics',
      lanes: [['ok', 0, 40], ['gap', 40, 60]],
      text: "The kubelet /metrics target went down 70 s after kubelet restarted at 12:38:50 UTC: a restart with other flags (authentication webhook, authorization, port, TLS) is the usual cause; the target's last error tells which.",
      events: ['restart:kubelet:'],
    },
    {
      name: 'a node-exporter target moved to the wrong port, with nothing restarted',
      spec: {
        up: [
          { role: 'kubelet' as const, series: series(KUBELET, ...ALL) },
          { role: 'cadvisor' as const, series: series(CADVISOR, ...ALL) },
          // The old address stops being scraped; the new one is down.
          { role: 'node-exporter' as const, series: series({ ...EXPORTER, instance: '10.0.0.1:9100' }, 0, 15) },
          { role: 'node-exporter' as const, series: series({ ...EXPORTER, instance: '10.0.0.1:10250' }, 15, 61, 0) },
        ],
      },
      laneId: 'scrape:node-exporter',
      lanes: [['ok', 0, 15], ['gap', 15, 60]],
      text: "The node-exporter target went down at 12:15:00 UTC, with no restart or version change seen on the node before it (a restart that broke the scrape itself cannot be seen from Prometheus): the target's authentication or the scrape side changed (token, relabelling, port, network policy); its last error tells which.",
      events: [],
    },
  ])('$name', ({ spec, laneId, lanes, text, events }) => {
    const timeline = buildTimeline(input(spec as Spec));
    expect(timelineSchema.parse(timeline)).toEqual(timeline);
    expect(states(timeline, laneId)).toEqual(lanes);
    expect(timeline.explanations).toEqual([expect.objectContaining({ laneId, atMs: START + (lanes[1]![1] as number) * MIN, text })]);
    expect(timeline.explanations[0]!.eventIds.map((id) => id.replace(/[0-9]+$/, ''))).toEqual(events);
  });

  it('a live range: the outage that lasts until now takes its cause from the target\'s current last error', () => {
    const down = { ...target(CADVISOR), health: 'down' as const, lastError: 'sample limit exceeded' };
    const node: FleetNode = { ...NODE, roles: { ...NODE.roles, cadvisor: { health: 'down', targets: [down] } } };
    const spec: Spec = {
      node,
      up: [
        { role: 'kubelet', series: series(KUBELET, ...ALL) },
        { role: 'cadvisor', series: series(CADVISOR, 0, 61, (minute) => (minute < 15 ? 1 : minute < 20 ? 0 : minute < 40 ? 1 : 0)) },
        { role: 'node-exporter', series: series(EXPORTER, ...ALL) },
      ],
    };
    const live = buildTimeline({ ...input(spec), live: true });
    // The earlier outage has no error of its own: its cause stays unknown.
    expect(lane(live, 'scrape:cAdvisor /metrics/cadvisor')!.segments.map((segment) => [segment.state, segment.cause])).toEqual([
      ['ok', undefined],
      ['gap', 'unknown'],
      ['ok', undefined],
      ['gap', 'sample-limit'],
    ]);
    expect(live.explanations.at(-1)!.text).toBe("The cAdvisor /metrics/cadvisor target went down at 12:40:00 UTC: from then on a scrape exceeds the job's sample_limit. The node grew past it (more pods and containers, more series or longer labels), or the limit was lowered in a configuration reload.");
    // A past range: today's error says nothing about it.
    expect(lane(buildTimeline(input(spec)), 'scrape:cAdvisor /metrics/cadvisor')!.segments.at(-1)!.cause).toBe('unknown');
  });

  it("reads the runtime's start from the kubelet where the scrape job stored none, and says the event comes from the source", () => {
    const spec: Spec = {
      parts: { 'cadvisor-labels': { unlabelled: [series({ ...CADVISOR, id: CONTAINER, namespace: 'shop', pod: 'p' }, 21, 61)], legacy: [] } },
      starts: { kubeletStart: [series(KUBELET, 0, 61, (minute) => (minute < 21 ? seconds(-600) : seconds(20, 20)))] },
    };
    const line = (unit: string, at: number) => `container_start_time_seconds{id="/system.slice/${unit}.service"} ${at}`;
    const units = { kubelet: { startedAt: seconds(20, 20) * 1000, line: line('kubelet', seconds(20, 20)) }, containerd: { startedAt: seconds(22, 5) * 1000, line: line('containerd', seconds(22, 5)) } };
    const stored = buildTimeline(input(spec));
    expect(stored.explanations[0]!.text).toMatch(/When the runtime started is not stored/);
    const withSource = buildTimeline({ ...input(spec), source: { cgroups: [], units, legacySeries: 0, summary: null, dockerVersion: '', cadvisorEndpoint: 'GET /metrics/cadvisor (node-a)', summaryEndpoint: 'GET /stats/summary (node-a)', failures: [] } });
    expect(timelineSchema.parse(withSource)).toEqual(withSource);
    // The kubelet's restart is stored already: only the runtime's start is added, marked as read at the source.
    expect(withSource.events.map((event) => [event.id.replace(/[0-9]+$/, ''), event.layer])).toEqual([['restart:kubelet:', undefined], ['restart:runtime:', 'source']]);
    expect(withSource.events[1]!.summary).toBe('containerd started (read from the kubelet: not stored)');
    expect(withSource.explanations[0]!.text).toBe('Empty image/name labels began 40 s after the kubelet restarted at 12:20:20 UTC, while the runtime (containerd) only started at 12:22:05 UTC: cAdvisor registered no factory for it. Restarting the kubelet once the runtime is up restores them.');
  });

  it('a mount of the root size with other free bytes is another disk: no gap, as the findings say', () => {
    const timeline = buildTimeline(
      input({
        parts: {
          'root-sized-filesystem': { size: [series(fsLabels('/'), ...ALL, 100e9), series(fsLabels(PV_MOUNT), ...ALL, 100e9)], free: [series(fsLabels('/'), ...ALL, 40e9), series(fsLabels(PV_MOUNT), ...ALL, 5e9)] },
        },
      }),
    );
    expect(timeline.lanes.filter((entry) => entry.family === 'root-sized-filesystem')).toEqual([]);
  });

  it('claims absent by design get by-design lanes, never a gap', () => {
    const timeline = buildTimeline(
      input({
        parts: {
          'volume-stats': {
            claims: [series(use('tools/hostpath-cache', 'cache-0'), ...ALL), series(use('backup/nightly-scratch', 'nightly-1'), ...ALL)],
            phases: [series(phase('tools', 'cache-0', 'Running'), ...ALL), series(phase('backup', 'nightly-1', 'Succeeded'), ...ALL)],
            claimInfo: [series(claimInfo('tools/hostpath-cache', 'pv-host'), ...ALL), series(claimInfo('backup/nightly-scratch', 'pvc-2'), ...ALL)],
            volumeInfo: [series({ persistentvolume: 'pv-host', host_path: '/var/cache' }, ...ALL), series({ persistentvolume: 'pvc-2', csi_driver: 'ebs.csi.aws.com' }, ...ALL)],
          },
        },
      }),
    );
    expect(states(timeline, 'volume-stats:tools/hostpath-cache')).toEqual([['by-design', 0, 60]]);
    expect(states(timeline, 'volume-stats:backup/nightly-scratch')).toEqual([['by-design', 0, 60]]);
    expect(lane(timeline, 'volume-stats:tools/hostpath-cache')!.segments[0]!.cause).toBe('plugin-without-metrics');
    expect(timeline.explanations).toEqual([]);
  });

  it('a claim whose stats are stored is ok at every step, even where kube-state-metrics says nothing of it', () => {
    const timeline = buildTimeline(
      input({
        parts: {
          'volume-stats': {
            claims: [series(use('shop/cart', 'cart-0'), 59, 61)],
            phases: [series(phase('shop', 'cart-0', 'Running'), 59, 61)],
            stats: [series(stats('shop/cart'), ...ALL, 8e9)],
          },
        },
      }),
    );
    expect(states(timeline, 'volume-stats:shop/cart')).toEqual([['ok', 0, 60]]);
  });

  it('the 1.34 regression: stats vanish at the kubelet upgrade, explained by it, although kube-state-metrics history begins later', () => {
    const timeline = buildTimeline(
      input({
        parts: {
          'volume-stats': {
            // kube-state-metrics (a new install) has history only from minute 40.
            claims: [series(use('shop/orders', 'orders-0'), 40, 61)],
            phases: [series(phase('shop', 'orders-0', 'Running'), 40, 61)],
            claimInfo: [series(claimInfo('shop/orders', 'pvc-7'), 40, 61)],
            volumeInfo: [series({ persistentvolume: 'pvc-7', csi_driver: 'ebs.csi.aws.com' }, 40, 61)],
            statsAnywhere: [series({ namespace: 'other', persistentvolumeclaim: 'x' }, ...ALL)],
            stats: [series(stats('shop/orders'), 0, 20, 8e9)],
          },
        },
        nodeInfo: [series({ kubelet_version: 'v1.34.1' }, 40, 61)],
        // The upgrade is seen in the kubelet's own build info, stored all along.
        kubeletBuild: [series({ ...KUBELET, git_version: 'v1.33.5' }, 0, 20), series({ ...KUBELET, git_version: 'v1.34.1' }, 20, 61)],
      }),
    );
    expect(states(timeline, 'volume-stats:shop/orders')).toEqual([['ok', 0, 20], ['gap', 20, 60]]);
    expect(lane(timeline, 'volume-stats:shop/orders')!.segments[1]!.cause).toBe('kubelet-regression');
    expect(timeline.events.filter((event) => event.kind === 'history-start')).toEqual([expect.objectContaining({ atMs: START + 40 * MIN })]);
    const upgrade = timeline.events.find((event) => event.kind === 'version-change' && event.component === 'kubelet')!;
    expect(upgrade).toMatchObject({ fromVersion: 'v1.33.5', toVersion: 'v1.34.1', atMs: START + 20 * MIN });
    expect(timeline.explanations).toEqual([
      expect.objectContaining({
        laneId: 'volume-stats:shop/orders',
        atMs: START + 20 * MIN,
        eventIds: [upgrade.id],
        text: 'Stats for shop/orders vanished right after the kubelet was upgraded from v1.33.5 to v1.34.1 at 12:20:00 UTC: kubelet v1.34.1 runs its volume stats collector but exports no kubelet_volume_stats_* gauges.',
      }),
    ]);
  });

  it("says where kube-state-metrics' history begins, and reads what should exist from its first samples before it", () => {
    const timeline = buildTimeline(
      input({
        parts: {
          'volume-stats': {
            claims: [series(use('shop/orders', 'orders-0'), 30, 61)],
            phases: [series(phase('shop', 'orders-0', 'Running'), 30, 61)],
            stats: [series(stats('shop/orders'), ...ALL, 8e9)],
          },
        },
        nodeInfo: [series({ kubelet_version: 'v1.31.4' }, 30, 61)],
      }),
    );
    expect(timeline.events.filter((event) => event.kind === 'history-start')).toEqual([expect.objectContaining({ component: 'kube-state-metrics', atMs: START + 30 * MIN })]);
    expect(states(timeline, 'volume-stats:shop/orders')).toEqual([['ok', 0, 60]]);
  });

  it('a claim whose pod moved away stops being expected, and says where its stats went', () => {
    const timeline = buildTimeline(
      input({
        parts: {
          'volume-stats': {
            claims: [series(use('shop/orders-db', 'orders-db-0'), 0, 20)],
            phases: [series(phase('shop', 'orders-db-0', 'Running'), 0, 61)],
            stats: [series(stats('shop/orders-db'), 0, 20, 8e9)],
          },
        },
        pods: [series({ namespace: 'shop', pod: 'orders-db-0', node: 'node-a' }, 0, 20), series({ namespace: 'shop', pod: 'orders-db-0', node: 'node-b' }, 20, 61)],
      }),
    );
    expect(states(timeline, 'volume-stats:shop/orders-db')).toEqual([['ok', 0, 20], ['not-expected', 20, 60]]);
    expect(timeline.events).toEqual([expect.objectContaining({ kind: 'pod-move', pod: 'shop/orders-db-0', fromNode: 'node-a', toNode: 'node-b', atMs: START + 20 * MIN, summary: 'shop/orders-db-0 moved from node-a to node-b' })]);
    expect(timeline.explanations.map((entry) => entry.text)).toEqual(["Stats for shop/orders-db stop here at 12:20:00 UTC: shop/orders-db-0 moved from node-a to node-b. They now come from that node's kubelet; nothing is missing."]);
  });

  it('a claim whose pod arrived on a node with a down kubelet is a gap, explained by both', () => {
    const nodeB: FleetNode = { ...NODE, name: 'node-b' };
    const timeline = buildTimeline(
      input({
        node: nodeB,
        up: [{ role: 'kubelet', series: series(KUBELET, 0, 61, (minute) => (minute < 10 ? 1 : 0)) }],
        parts: {
          'volume-stats': {
            claims: [series(use('shop/orders-db', 'orders-db-0', 'node-b'), 20, 61)],
            phases: [series(phase('shop', 'orders-db-0', 'Running'), 0, 61)],
          },
        },
        nodeInfo: [series({ kubelet_version: 'v1.31.4' }, ...ALL)],
        pods: [series({ namespace: 'shop', pod: 'orders-db-0', node: 'node-a' }, 0, 20), series({ namespace: 'shop', pod: 'orders-db-0', node: 'node-b' }, 20, 61)],
      }),
    );
    expect(states(timeline, 'volume-stats:shop/orders-db')).toEqual([['not-expected', 0, 20], ['gap', 20, 60]]);
    expect(timeline.explanations.find((entry) => entry.laneId === 'volume-stats:shop/orders-db')?.text).toBe(
      "Stats for shop/orders-db are missing since shop/orders-db-0 moved from node-a to node-b at 12:20:00 UTC, and this node's kubelet target is down: nothing from this kubelet is stored.",
    );
  });

  it('a Prometheus outage is no data in every lane, explained once, and does not restart a gap', () => {
    const outage = (entry: StepSeries): StepSeries => ({ ...entry, values: entry.values.map((value, minute) => (minute >= 30 && minute < 35 ? undefined : value)) });
    const base = input();
    const timeline = buildTimeline(
      input({
        up: base.history.up.map((entry) => ({ ...entry, series: outage(entry.series) })),
        prometheusUp: base.history.prometheusUp.map(outage),
        parts: { 'device-error': { failing: [outage(series(fsLabels('/root/data'), 10, 61))] } },
      }),
    );
    expect(states(timeline, 'device-error:/root/data')).toEqual([['ok', 0, 10], ['gap', 10, 30], ['no-data', 30, 35], ['gap', 35, 60]]);
    expect(states(timeline, 'scrape:kubelet /metrics')).toEqual([['ok', 0, 30], ['no-data', 30, 35], ['ok', 35, 60]]);
    expect(timeline.events.filter((event) => event.kind === 'prometheus-gap')).toEqual([expect.objectContaining({ atMs: START + 30 * MIN, untilMs: START + 35 * MIN, summary: 'Prometheus stored nothing for 5 min' })]);
    // One explanation for the device errors (at 12:10), one for the outage; none at 12:35.
    expect(timeline.explanations.map((entry) => [entry.laneId, (entry.atMs - START) / MIN])).toEqual([['device-error:/root/data', 10], ['prometheus', 30]]);
  });

  it('a gap already there when the range begins asks for a wider range', () => {
    const timeline = buildTimeline(input({ parts: { 'cadvisor-labels': { unlabelled: [series({ ...CADVISOR, id: CONTAINER }, ...ALL)], legacy: [] } } }));
    expect(timeline.explanations).toEqual([
      expect.objectContaining({ laneId: 'cadvisor-labels:container cgroups', atMs: START, text: "Already missing or wrong when the range begins (12:00:00 UTC): it began earlier (widen the range to see when), and the node's findings tell why." }),
    ]);
  });

  it('places an upgrade where the new series appears, though the old one lingers for the lookback window', () => {
    const timeline = buildTimeline(
      input({ kubeletBuild: [series({ ...KUBELET, git_version: 'v1.33.5' }, 0, 25), series({ ...KUBELET, git_version: 'v1.34.1' }, 20, 61)] }),
    );
    expect(timeline.events.map((event) => [event.kind, event.fromVersion, event.toVersion, (event.atMs - START) / MIN])).toEqual([['version-change', 'v1.33.5', 'v1.34.1', 20]]);
  });

  it('reports version upgrades as structured events, and ignores restarts outside the range', () => {
    const timeline = buildTimeline(
      input({
        nodeInfo: [
          series({ kubelet_version: 'v1.33.5', container_runtime_version: 'containerd://1.7.27' }, 0, 45),
          series({ kubelet_version: 'v1.34.1', container_runtime_version: 'containerd://2.0.5' }, 45, 61),
        ],
        starts: { kubeletStart: [series(KUBELET, ...ALL, seconds(-120))] },
      }),
    );
    expect(timeline.events.map((event) => [event.kind, event.component, event.fromVersion, event.toVersion, (event.atMs - START) / MIN])).toEqual([
      ['version-change', 'kubelet', 'v1.33.5', 'v1.34.1', 45],
      ['version-change', 'runtime', 'containerd://1.7.27', 'containerd://2.0.5', 45],
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
