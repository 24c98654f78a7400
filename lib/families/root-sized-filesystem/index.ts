import { defineFamily, queryOf, samplesOf, type Observation, type Verdict } from '../types';
import { claimOfVolume, mountedClaims, requestedBytes } from '../volume-stats/observe';
import { filesystems, MOUNTPOINTS, rootFilesystem, volumeOfMountpoint, type MountObservation } from './observe';

/**
 * root-sized-filesystem. PURE.
 *
 * `fs-root-sized`, cause `mount-propagation`: a PV mountpoint reports exactly the root filesystem's size
 * and about its free bytes. A containerized node_exporter sees the host through a bind mount of `/`; without
 * `mountPropagation: HostToContainer` mounts made after it started (every PV mount) are invisible, so the
 * mountpoint is just a directory on the root disk. Docker's default propagation hid this; containerd's does not.
 *
 * `fs-pv-mounts-excluded`, cause `mount-points-exclude` (expected by design): PVs are mounted on the node,
 * yet its exporter reports no PV mountpoint at all. kube-prometheus runs node_exporter with
 * --collector.filesystem.mount-points-exclude=...|var/lib/kubelet/pods/.+ so that per-pod mounts do not
 * multiply series; PV usage then comes from kubelet_volume_stats_* instead.
 */

type RootSizedDetail = { kind: 'mount'; fs: MountObservation; root: MountObservation | null; volume: string; claim?: string } | { kind: 'excluded'; mounted: string[] };

const GIB = 2 ** 30;
const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;
/** The subject of the by-design verdict: the node's PV mounts as a whole. */
const PV_MOUNTS = 'PV mounts';

/** THE rule of fs-root-sized: the same size as the root filesystem, and free bytes within 1 % of the disk. */
function isRootSized(fs: MountObservation, root: MountObservation | null): boolean {
  if (!root?.sizeBytes || fs.sizeBytes !== root.sizeBytes) return false;
  // Free bytes move between scrapes; within 1 % of the disk they are the same filesystem.
  return fs.freeBytes === null || root.freeBytes === null || Math.abs(fs.freeBytes - root.freeBytes) <= root.sizeBytes * 0.01;
}

/** PV mountpoints the exporter reports at all, with sizes or with device errors. */
function pvMountpoints(observation: Observation, mounts: MountObservation[]): number {
  const failing = samplesOf(observation, 'device-error', 'failing').map((sample) => sample.labels.mountpoint ?? '');
  return new Set([...mounts.map((fs) => fs.mountpoint), ...failing].filter((mountpoint) => volumeOfMountpoint(mountpoint) !== null)).size;
}

export const rootSizedFilesystem = defineFamily<RootSizedDetail>({
  id: 'root-sized-filesystem',
  title: 'Root-sized filesystems',
  causes: { 'fs-root-sized': ['mount-propagation'], 'fs-pv-mounts-excluded': ['mount-points-exclude'] },
  parts: {
    size: { of: 'node-exporter', promql: (scope) => scope.select('node_filesystem_size_bytes', MOUNTPOINTS) },
    free: { of: 'node-exporter', promql: (scope) => scope.select('node_filesystem_free_bytes', MOUNTPOINTS) },
  },
  absent: 'ok',

  rule(observation) {
    const mounts = filesystems(observation);
    if (!mounts) return null;
    const root = rootFilesystem(observation);
    const claims = claimOfVolume(observation);
    const verdicts = mounts.flatMap((fs): Verdict<RootSizedDetail>[] => {
      const volume = volumeOfMountpoint(fs.mountpoint);
      if (!volume) return [];
      const claim = claims.get(volume);
      const subject = claim ? `${claim} (${volume})` : volume;
      const detail = { kind: 'mount' as const, fs, root, volume, claim };
      return isRootSized(fs, root)
        ? [{ subject, state: 'fault', kind: 'fs-root-sized', cause: 'mount-propagation', title: `size of ${subject}`, detail }]
        : [{ subject, state: 'ok', title: `size of ${subject}`, quiet: true, detail }];
    });
    const mounted = mountedClaims(observation);
    if (mounted && mounted.length > 0 && pvMountpoints(observation, mounts) === 0) {
      verdicts.push({ subject: PV_MOUNTS, state: 'by-design', kind: 'fs-pv-mounts-excluded', cause: 'mount-points-exclude', title: 'PV mounts seen by node_exporter', detail: { kind: 'excluded', mounted } });
    }
    return verdicts;
  },

  describe({ detail }, observation) {
    const node = observation.node.name;
    const at = observation.at;
    const sizeQuery = queryOf(observation, 'root-sized-filesystem', 'size');
    if (detail.kind === 'excluded') {
      const count = detail.mounted.length;
      return [
        {
          kind: 'fs-pv-mounts-excluded',
          cause: 'mount-points-exclude',
          family: 'root-sized-filesystem',
          node,
          subject: PV_MOUNTS,
          severity: 'info',
          layer: 'expected',
          expectedByDesign: true,
          summary: count === 1 ? `node_exporter does not report the PV mount on ${node}` : `node_exporter reports none of the ${count} PV mounts on ${node}`,
          explanation:
            "The node's exporter lists no mountpoint under /var/lib/kubelet/pods although running pods mount PVs there. kube-prometheus excludes those mounts on purpose (--collector.filesystem.mount-points-exclude) to keep one series per pod volume out of Prometheus; PV usage is read from kubelet_volume_stats_* instead.",
          evidence: [{ source: 'prometheus', query: sizeQuery, excerpt: `no /var/lib/kubelet/pods/... mountpoint; mounted claims: ${detail.mounted.join(', ')}`, value: 0, at }],
          remediation: { text: 'Nothing to fix if kubelet_volume_stats_* are present for these claims. To see PV filesystems in node_exporter anyway, remove var/lib/kubelet/pods/.+ from the exclude pattern (more series).' },
          references: ['https://github.com/prometheus-operator/kube-prometheus/blob/main/jsonnet/kube-prometheus/components/node-exporter.libsonnet'],
        },
      ];
    }
    const { fs, root, volume, claim } = detail;
    const requested = claim ? requestedBytes(observation).get(claim) : undefined;
    const rootSize = root?.sizeBytes ?? 0;
    return [
      {
        kind: 'fs-root-sized',
        cause: 'mount-propagation',
        family: 'root-sized-filesystem',
        node,
        subject: claim ? `${claim} (${volume})` : volume,
        severity: 'warning',
        layer: 'stored',
        expectedByDesign: false,
        summary: `The mount of ${claim ?? volume} reports the root disk's size (${gib(rootSize)})${requested !== undefined ? `, not its ${gib(requested)}` : ''}`,
        explanation:
          "node_exporter sees this PV's mountpoint as a plain directory on the root filesystem, so its size and free space are the root disk's. A containerized node_exporter only sees mounts made after it started if the host's / is mounted with mountPropagation: HostToContainer; Docker's default propagation hid the problem, containerd's does not.",
        evidence: [
          { source: 'prometheus', query: sizeQuery, excerpt: `${fs.mountpoint} size=${fs.sizeBytes}`, value: fs.sizeBytes ?? 0, at },
          { source: 'prometheus', query: sizeQuery, excerpt: `/ size=${rootSize}`, value: rootSize, at },
          ...(requested !== undefined ? [{ source: 'prometheus' as const, query: queryOf(observation, 'volume-stats', 'requests'), excerpt: `${claim} requests ${requested}`, value: requested, at }] : []),
        ],
        remediation: {
          text: "Mount the host's root into node_exporter with HostToContainer propagation (the Helm chart and kube-prometheus do), then restart it.",
          snippet: 'volumeMounts:\n- name: root\n  mountPath: /host/root\n  mountPropagation: HostToContainer\n  readOnly: true',
        },
        references: ['https://kubernetes.io/docs/concepts/storage/volumes/#mount-propagation', 'https://github.com/prometheus/node_exporter#docker'],
      },
    ];
  },

  // Only the excluded PV mounts are absent; a root-sized claim has values, wrong ones.
  explainsEmpty: (selector, finding) => finding.kind === 'fs-pv-mounts-excluded' && selector.metric.startsWith('node_filesystem_') && (selector.equal.mountpoint ?? '/var/lib/kubelet/').startsWith('/var/lib/kubelet/'),
  explain({ to, atMs }, context) {
    if (to !== 'gap') return null;
    const runtimeSwitch = context.latest(atMs, (event) => event.kind === 'runtime-switch');
    if (runtimeSwitch) {
      return {
        text: `PV mounts began to report the root filesystem's size ${context.after(runtimeSwitch, atMs)} the runtime switched from ${runtimeSwitch.fromVersion} to ${runtimeSwitch.toVersion} at ${context.clock(runtimeSwitch.atMs)}: without mountPropagation: HostToContainer on node_exporter's host mount, PV mounts made after it started are not seen (Docker's mount setup used to hide this).`,
        events: [runtimeSwitch],
      };
    }
    const exporter = context.latest(atMs, (event) => event.kind === 'restart' && event.component === 'node-exporter');
    if (exporter) return { text: `PV mounts began to report the root filesystem's size ${context.after(exporter, atMs)} node-exporter restarted at ${context.clock(exporter.atMs)}: check its host mount's propagation.`, events: [exporter] };
    return { text: `PV mounts report the root filesystem's size since ${context.clock(atMs)}, with no runtime switch or node-exporter restart before it.`, events: [] };
  },
});
