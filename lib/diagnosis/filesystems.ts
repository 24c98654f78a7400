import type { Finding } from './finding';

/**
 * `fs-root-sized` and `fs-device-error` from node_exporter's filesystem series. PURE.
 *
 * fs-root-sized, cause `mount-propagation`: a PV mountpoint reports exactly the root filesystem's size
 * and about its free bytes. A containerized node_exporter sees the host through a bind mount of `/`; without
 * `mountPropagation: HostToContainer` mounts made after it started (every PV mount) are invisible, so the
 * mountpoint is just a directory on the root disk. Docker's default propagation hid this; containerd's does not.
 *
 * fs-device-error causes: `permission-denied` (a mountpoint under /root or /home, which node_exporter running
 * as uid 65534 cannot traverse), `stuck-mount` (a network filesystem whose statfs hangs or fails),
 * `missing-path` (the mountpoint no longer exists). node_exporter 1.8+ adds a `device_error` label with the
 * error text; when present it decides.
 */

export interface FilesystemObservation {
  device: string;
  fstype: string;
  mountpoint: string;
  sizeBytes: number | null;
  freeBytes: number | null;
  deviceError: boolean;
  /** node_exporter 1.8+: the statfs error text. */
  errorText?: string;
}

export interface FilesystemsInput {
  node: string;
  at: string;
  /** The PromQL the observations came from, for the evidence. */
  queries: { size: string; deviceError: string };
  filesystems: FilesystemObservation[];
  /** Claim capacity by PersistentVolume name, from kube-state-metrics, as counter-evidence. */
  claimsByVolume: Map<string, { claim: string; capacityBytes: number }>;
}

const PV_MOUNT = /^\/var\/lib\/kubelet\/pods\/[^/]+\/volumes\/kubernetes\.io~[^/]+\/([^/]+)(?:\/mount)?$/;
const NETWORK_FILESYSTEMS = /^(nfs4?|cifs|smb3?|glusterfs|ceph|fuse\.sshfs|9p)$/;
const GIB = 2 ** 30;

const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;

export function volumeOfMountpoint(mountpoint: string): string | null {
  return PV_MOUNT.exec(mountpoint)?.[1] ?? null;
}

export function detectRootSized({ node, at, queries, filesystems, claimsByVolume }: FilesystemsInput): Finding[] {
  const root = filesystems.find((fs) => fs.mountpoint === '/' && fs.sizeBytes !== null);
  if (!root?.sizeBytes) return [];
  const findings: Finding[] = [];
  for (const fs of filesystems) {
    const volume = volumeOfMountpoint(fs.mountpoint);
    if (!volume || fs.sizeBytes !== root.sizeBytes) continue;
    // Free bytes move between scrapes; within 1 % of the disk they are the same filesystem.
    if (fs.freeBytes !== null && root.freeBytes !== null && Math.abs(fs.freeBytes - root.freeBytes) > root.sizeBytes * 0.01) continue;
    const claim = claimsByVolume.get(volume);
    findings.push({
      kind: 'fs-root-sized',
      cause: 'mount-propagation',
      family: 'root-sized-filesystem',
      node,
      subject: claim ? `${claim.claim} (${volume})` : volume,
      severity: 'warning',
      layer: 'stored',
      expectedByDesign: false,
      summary: `The mount of ${claim?.claim ?? volume} reports the root disk's size (${gib(root.sizeBytes)})${claim ? `, not its ${gib(claim.capacityBytes)}` : ''}`,
      explanation:
        "node_exporter sees this PV's mountpoint as a plain directory on the root filesystem, so its size and free space are the root disk's. A containerized node_exporter only sees mounts made after it started if the host's / is mounted with mountPropagation: HostToContainer; Docker's default propagation hid the problem, containerd's does not.",
      evidence: [
        { source: 'prometheus', query: queries.size, excerpt: `${fs.mountpoint} size=${fs.sizeBytes}`, value: fs.sizeBytes, at },
        { source: 'prometheus', query: queries.size, excerpt: `/ size=${root.sizeBytes}`, value: root.sizeBytes, at },
        ...(claim ? [{ source: 'prometheus' as const, query: 'kube_persistentvolumeclaim_resource_requests_storage_bytes', excerpt: `${claim.claim} requests ${claim.capacityBytes}`, value: claim.capacityBytes, at }] : []),
      ],
      remediation: {
        text: "Mount the host's root into node_exporter with HostToContainer propagation (the Helm chart and kube-prometheus do), then restart it.",
        snippet: 'volumeMounts:\n- name: root\n  mountPath: /host/root\n  mountPropagation: HostToContainer\n  readOnly: true',
      },
      references: ['https://kubernetes.io/docs/concepts/storage/volumes/#mount-propagation', 'https://github.com/prometheus/node_exporter#docker'],
    });
  }
  return findings;
}

function deviceErrorCause(fs: FilesystemObservation): { cause: string; explanation: string; remediation: Finding['remediation'] } {
  const text = fs.errorText?.toLowerCase() ?? '';
  if (/permission denied/.test(text) || (!text && /^\/(root|home)(\/|$)/.test(fs.mountpoint))) {
    return {
      cause: 'permission-denied',
      explanation: `node_exporter runs as an unprivileged user (uid 65534 in the Debian package and the Helm chart) and cannot traverse ${fs.mountpoint.startsWith('/home') ? '/home' : '/root'} (mode 0700), so statfs fails and only node_filesystem_device_error is exported.`,
      remediation: {
        text: "Either exclude the mountpoint (often right: nothing under /root is usually a data disk worth alerting on), or run node_exporter as root, which gives the exporter more reach than it needs. Mounting data elsewhere than a home directory avoids the question.",
        snippet: `--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|root|home)($|/)`,
      },
    };
  }
  if (/timeout|stale|stuck|deadline/.test(text) || NETWORK_FILESYSTEMS.test(fs.fstype)) {
    return {
      cause: 'stuck-mount',
      explanation: `${fs.mountpoint} is a ${fs.fstype} mount whose statfs failed or hung; node_exporter marks it after a timeout and skips it until it answers again.`,
      remediation: { text: 'Check the server behind the mount; unmount a stale mount (umount -f -l). Excluding the filesystem type hides the problem rather than fixing it.' },
    };
  }
  return {
    cause: 'missing-path',
    explanation: `node_exporter lists ${fs.mountpoint} from the mount table but statfs fails on it: the path is gone or not visible inside the exporter's mount namespace.`,
    remediation: { text: "Check that the path exists on the host and that node_exporter's --path.rootfs covers it." },
  };
}

export function detectDeviceErrors({ node, at, queries, filesystems }: FilesystemsInput): Finding[] {
  return filesystems
    .filter((fs) => fs.deviceError)
    .map((fs) => {
      const { cause, explanation, remediation } = deviceErrorCause(fs);
      return {
        kind: 'fs-device-error' as const,
        cause,
        family: 'device-error' as const,
        node,
        subject: fs.mountpoint,
        severity: 'warning' as const,
        layer: 'source' as const,
        expectedByDesign: false,
        summary: `node_exporter cannot read ${fs.mountpoint} (${cause})`,
        explanation,
        evidence: [
          { source: 'prometheus' as const, query: queries.deviceError, excerpt: `node_filesystem_device_error{device="${fs.device}",fstype="${fs.fstype}",mountpoint="${fs.mountpoint}"${fs.errorText ? `,device_error="${fs.errorText}"` : ''}} 1`, value: 1, at },
          ...(fs.sizeBytes === null ? [{ source: 'prometheus' as const, query: queries.size, excerpt: `no node_filesystem_size_bytes for ${fs.mountpoint}`, at }] : []),
        ],
        remediation,
        references: ['https://github.com/prometheus/node_exporter/blob/master/collector/filesystem_linux.go'],
      };
    });
}

export interface PvMountsInput {
  node: string;
  at: string;
  query: string;
  /** Claims mounted by running pods on the node with a plugin that has a mount (CSI or local). */
  mountedClaims: string[];
  /** PV mountpoints the node's exporter reports at all (sizes or device errors). */
  pvMountpoints: number;
}

/**
 * `fs-pv-mounts-excluded`, cause `mount-points-exclude` (expected by design): PVs are mounted on the node,
 * yet its exporter reports no PV mountpoint at all. kube-prometheus runs node_exporter with
 * --collector.filesystem.mount-points-exclude=...|var/lib/kubelet/pods/.+ so that per-pod mounts do not
 * multiply series; PV usage then comes from kubelet_volume_stats_* instead.
 */
export function detectPvMountsExcluded({ node, at, query, mountedClaims, pvMountpoints }: PvMountsInput): Finding[] {
  if (mountedClaims.length === 0 || pvMountpoints > 0) return [];
  const count = mountedClaims.length;
  return [
    {
      kind: 'fs-pv-mounts-excluded',
      cause: 'mount-points-exclude',
      family: 'root-sized-filesystem',
      node,
      subject: count === 1 ? '1 PV mount' : `${count} PV mounts`,
      severity: 'info',
      layer: 'expected',
      expectedByDesign: true,
      summary: count === 1 ? `node_exporter does not report the PV mount on ${node}` : `node_exporter reports none of the ${count} PV mounts on ${node}`,
      explanation:
        "The node's exporter lists no mountpoint under /var/lib/kubelet/pods although running pods mount PVs there. kube-prometheus excludes those mounts on purpose (--collector.filesystem.mount-points-exclude) to keep one series per pod volume out of Prometheus; PV usage is read from kubelet_volume_stats_* instead.",
      evidence: [{ source: 'prometheus', query, excerpt: `no /var/lib/kubelet/pods/... mountpoint; mounted claims: ${mountedClaims.join(', ')}`, value: 0, at }],
      remediation: { text: 'Nothing to fix if kubelet_volume_stats_* are present for these claims. To see PV filesystems in node_exporter anyway, remove var/lib/kubelet/pods/.+ from the exclude pattern (more series).' },
      references: ['https://github.com/prometheus-operator/kube-prometheus/blob/main/jsonnet/kube-prometheus/components/node-exporter.libsonnet'],
    },
  ];
}
