import { chmodSync, mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeState } from './node-state';
import type { ProcessGroup } from './processes';
import { faultOf, volumeName, type LabNode, type ScenarioClaim } from './scenario';
import type { Profile } from './targets';

/**
 * Real node_exporters, one per declared node, each with a fake `--path.procfs` whose 1/mounts lists the
 * node's mounts and a fake `--path.rootfs` under which every mountpoint is a directory. The exporter's
 * statfs calls are real, so the faults are too:
 * - a PV mountpoint that is a plain directory on the root disk reports the root filesystem's size (what a
 *   containerized exporter sees without `mountPropagation: HostToContainer`), while a healthy one is a
 *   tmpfs mount of the claim's capacity;
 * - a mountpoint under a 0700 root-owned directory gives device_error 1 to an exporter running as 65534.
 * Its fake `--path.sysfs` has one thermal zone, whose reading is empty on a node with an unreadable zone:
 * the real thermal_zone collector then fails. The nfs collector finds no /proc/net/rpc/nfs on any node and
 * reports 0 for "no data", as on real nodes without NFS. A node with a textfile fault gets a textfile
 * directory (`--collector.textfile.directory`, set by hand: no chart sets one) with a good file and a
 * half-written one.
 */

export interface MountEntry {
  device: string;
  mountpoint: string;
  fstype: string;
  kind: 'root' | 'pv' | 'extra';
  /** What statfs reports, or null when the exporter cannot reach the mountpoint. */
  sizeBytes: number | null;
  availBytes: number | null;
  /** Free including reserved blocks: a tmpfs has none reserved; a directory on the root disk has the root's. */
  freeBytes: number | null;
}

export interface RootDisk {
  device: string;
  sizeBytes: number;
  availBytes: number;
  freeBytes: number;
}

/**
 * node_exporter's own default exclude, as Debian's 1.5.0 build has it (`prometheus-node-exporter --help`):
 * what runs where nothing passes the flag (the kubernetes-sd and prometheus-chart profiles).
 */
const BUILT_IN_MOUNT_EXCLUDE = '^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)';

/**
 * kube-prometheus-stack 88.5.3's `prometheus-node-exporter.extraArgs`, verbatim: every PV mount (under
 * /var/lib/kubelet) is excluded, so node_exporter reports none (the `fs-pv-mounts-excluded` finding).
 */
export const KUBE_PROMETHEUS_EXTRA_ARGS = [
  '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)',
  '--collector.filesystem.fs-types-exclude=^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs|erofs)$',
];

/**
 * The node's exporter flags beyond the lab's own: the chart's extraArgs in the kube-prometheus profile, and
 * on a node that plants `pv-mounts-excluded` (a cluster whose node_exporter was given them by hand).
 */
export function exporterExtraArgs(profile: Profile, node: LabNode): string[] {
  return profile === 'kube-prometheus' || faultOf(node.spec, 'pv-mounts-excluded') ? KUBE_PROMETHEUS_EXTRA_ARGS : [];
}

/** Only a node with a textfile fault has a textfile directory: its operators added one by hand. */
export const hasTextfileDirectory = (node: LabNode) => faultOf(node.spec, 'textfile-malformed') !== undefined || faultOf(node.spec, 'textfile-large') !== undefined;

/** A package inventory script's output: one series per installed package, `series` of them. */
export function largeTextfile(series: number): string {
  const lines = ['# HELP node_package_info Installed packages.', '# TYPE node_package_info gauge'];
  for (let index = 0; index < series; index++) lines.push(`node_package_info{arch="amd64",name="lib-package-${String(index).padStart(5, '0')}",origin="Debian",version="2.${index % 40}.${index % 7}-1+deb12u1"} 1`);
  return `${lines.join('\n')}\n`;
}

/** The large textfile's size by series count: the history asks at every step, the file is a megabyte. */
const largeTextfileBytes = new Map<number, number>();

/** Would the node's exporter answer more than `limit` ("1MiB")? Its large textfile alone decides, by far. */
export function exporterOverBodyLimit(node: LabNode, limit: string | undefined): boolean {
  const large = faultOf(node.spec, 'textfile-large');
  if (!large || !limit) return false;
  const [, amount = '0', unit = 'Ki'] = /^(\d+)(Ki|Mi)B$/.exec(limit) ?? [];
  if (!largeTextfileBytes.has(large.series)) largeTextfileBytes.set(large.series, Buffer.byteLength(largeTextfile(large.series)));
  return largeTextfileBytes.get(large.series)! > Number(amount) * (unit === 'Mi' ? 1 << 20 : 1 << 10);
}

const MOUNT_EXCLUDE_FLAG = '--collector.filesystem.mount-points-exclude=';

export function measureRootDisk(path: string, device: string): RootDisk {
  const stats = statfsSync(path);
  return { device, sizeBytes: stats.blocks * stats.bsize, availBytes: stats.bavail * stats.bsize, freeBytes: stats.bfree * stats.bsize };
}

function pvMountpoint(uid: string, claim: ScenarioClaim): string {
  const plugin = claim.plugin === 'csi' ? 'kubernetes.io~csi' : 'kubernetes.io~local-volume';
  return `/var/lib/kubelet/pods/${uid}/volumes/${plugin}/${volumeName(claim)}${claim.plugin === 'csi' ? '/mount' : ''}`;
}

function pvDevice(claim: ScenarioClaim, index: number): { device: string; fstype: string } {
  if (claim.driver?.startsWith('nfs.')) return { device: `nfs.storage.internal:/exports/${volumeName(claim)}`, fstype: 'nfs4' };
  return { device: `/dev/nvme${index + 1}n1`, fstype: 'ext4' };
}

/** The mounts the node's exporter lists at a moment, with what its statfs calls return. */
export function exporterMounts(node: LabNode, state: NodeState, root: RootDisk): MountEntry[] {
  const mounts: MountEntry[] = [
    { device: root.device, mountpoint: '/', fstype: 'ext4', kind: 'root', sizeBytes: root.sizeBytes, availBytes: root.availBytes, freeBytes: root.freeBytes },
  ];
  const unreachable = new Set(state.unreachableMounts);
  const extra = [...node.spec.mounts];
  const deviceError = faultOf(node.spec, 'mount-device-error');
  if (deviceError) extra.push(deviceError.mount);
  for (const mount of extra) {
    const reachable = !unreachable.has(mount.mountpoint);
    mounts.push({ device: mount.device, mountpoint: mount.mountpoint, fstype: mount.fstype, kind: 'extra', sizeBytes: reachable ? mount.size : null, availBytes: reachable ? mount.size : null, freeBytes: reachable ? mount.size : null });
  }
  let index = 0;
  for (const placed of state.pods.filter((candidate) => candidate.running)) {
    for (const claim of placed.pod.claims.filter((candidate) => candidate.plugin !== 'hostPath')) {
      const { device, fstype } = pvDevice(claim, index++);
      const size = state.pvMountsRootSized ? root.sizeBytes : claim.capacity;
      const avail = state.pvMountsRootSized ? root.availBytes : claim.capacity;
      const free = state.pvMountsRootSized ? root.freeBytes : claim.capacity;
      mounts.push({ device, mountpoint: pvMountpoint(placed.uid, claim), fstype, kind: 'pv', sizeBytes: size, availBytes: avail, freeBytes: free });
    }
  }
  return mounts;
}

/** Is this mountpoint reported at all by the node's exporter, with the flags it runs with? */
export function isMountListed(profile: Profile, node: LabNode, mountpoint: string): boolean {
  const flag = exporterExtraArgs(profile, node).find((arg) => arg.startsWith(MOUNT_EXCLUDE_FLAG));
  return !new RegExp(flag ? flag.slice(MOUNT_EXCLUDE_FLAG.length) : BUILT_IN_MOUNT_EXCLUDE).test(mountpoint);
}

export interface PreparedExporter {
  dir: string;
  procfs: string;
  rootfs: string;
  sysfs: string;
  /** The textfile directory, on a node that has one. */
  textfile?: string;
  /** Filesystems to mount for reachable mountpoints: tmpfs of the mount's size. */
  tmpfs: { target: string; sizeBytes: number }[];
}

/** The collectors the lab's exporters run, each with the success it reports (1, or 0 for an error or no data). */
export function collectorSuccess(state: NodeState): Record<string, number> {
  return { ...COLLECTORS_RUN, thermal_zone: state.thermalZoneUnreadable ? 0 : 1 };
}
// `uname` reads no file (a system call): its node_uname_info is what Grafana's node dashboards pick a node by.
const COLLECTORS_RUN = { filesystem: 1, nfs: 0, textfile: 1, thermal_zone: 1, uname: 1 };

/** A textfile as a cron job writes it; cut off mid-line while the fault is on. */
const TEXTFILE_GOOD = '# HELP node_reboot_required Whether a reboot is pending.\n# TYPE node_reboot_required gauge\nnode_reboot_required 0\n';
const TEXTFILE_JOB = '# HELP apt_upgrades_pending Apt packages pending updates.\n# TYPE apt_upgrades_pending gauge\napt_upgrades_pending{arch="amd64",origin="Debian"} 3\n';

/** Lays out the fake procfs, sysfs and rootfs for one exporter; directories stay traversable by uid 65534. */
export function prepareExporterFilesystem(dir: string, mounts: readonly MountEntry[], state: NodeState, withTextfile = false, largeTextfileSeries?: number): PreparedExporter {
  const procfs = join(dir, 'proc');
  const rootfs = join(dir, 'rootfs');
  const sysfs = join(dir, 'sys');
  const zone = join(sysfs, 'class', 'thermal', 'thermal_zone0');
  mkdirSync(join(procfs, '1'), { recursive: true });
  mkdirSync(rootfs, { recursive: true });
  mkdirSync(zone, { recursive: true });
  for (const path of [dir, procfs, join(procfs, '1'), rootfs, sysfs, join(sysfs, 'class'), join(sysfs, 'class', 'thermal'), zone]) chmodSync(path, 0o755);
  writeFileSync(join(zone, 'type'), 'x86_pkg_temp\n');
  writeFileSync(join(zone, 'policy'), 'step_wise\n');
  writeFileSync(join(zone, 'temp'), state.thermalZoneUnreadable ? '' : '42000\n');
  let textfile: string | undefined;
  if (withTextfile) {
    textfile = join(dir, 'textfile');
    mkdirSync(textfile, { recursive: true });
    chmodSync(textfile, 0o755);
    writeFileSync(join(textfile, 'reboot.prom'), TEXTFILE_GOOD);
    writeFileSync(join(textfile, 'apt.prom'), state.textfileMalformed ? TEXTFILE_JOB.slice(0, TEXTFILE_JOB.indexOf('{') + 12) : TEXTFILE_JOB);
    if (largeTextfileSeries) writeFileSync(join(textfile, 'packages.prom'), largeTextfile(largeTextfileSeries));
  }
  const lines = mounts.map((mount) => `${mount.device} ${mount.mountpoint} ${mount.fstype} rw,relatime 0 0`);
  writeFileSync(join(procfs, '1', 'mounts'), `${lines.join('\n')}\n`);
  const tmpfs: PreparedExporter['tmpfs'] = [];
  for (const mount of mounts) {
    if (mount.kind === 'root') continue;
    const target = join(rootfs, mount.mountpoint);
    mkdirSync(target, { recursive: true, mode: 0o755 });
    // A reachable mount is a real filesystem of its own size, except PV mounts on a root-sized node.
    const ownFilesystem = mount.kind === 'extra' || (mount.kind === 'pv' && !state.pvMountsRootSized);
    if (ownFilesystem && mount.sizeBytes !== null) tmpfs.push({ target, sizeBytes: mount.sizeBytes });
  }
  // /root stays 0700 and root-owned, as on a real host: uid 65534 cannot traverse it.
  mkdirSync(join(rootfs, 'root'), { recursive: true });
  chmodSync(join(rootfs, 'root'), 0o700);
  for (const mountpoint of state.unreachableMounts) {
    if (!mountpoint.startsWith('/root/')) throw new Error(`unreachable mount ${mountpoint} must live under /root`);
  }
  return { dir, procfs, rootfs, sysfs, ...(textfile ? { textfile } : {}), tmpfs };
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Starts the exporter in a private mount namespace (`unshare --mount`) where its tmpfs mounts are made:
 * they exist only for the exporter and vanish with it, however the lab ends, and never show on the host.
 * The exporter itself runs as uid 65534, as the Debian package and the Helm chart run it.
 */
export function startNodeExporter(processes: ProcessGroup, name: string, host: string, port: number, prepared: PreparedExporter, extraArgs: readonly string[]) {
  const exporter = [
    '/usr/bin/prometheus-node-exporter',
    `--web.listen-address=${host}:${port}`,
    `--path.procfs=${prepared.procfs}`,
    `--path.rootfs=${prepared.rootfs}`,
    `--path.sysfs=${prepared.sysfs}`,
    '--collector.disable-defaults',
    ...Object.keys(COLLECTORS_RUN).map((name) => `--collector.${name}`),
    ...(prepared.textfile ? [`--collector.textfile.directory=${prepared.textfile}`] : []),
    ...extraArgs,
  ];
  const script = [
    'set -e',
    ...prepared.tmpfs.map((mount) => `mount -t tmpfs -o size=${mount.sizeBytes},mode=0755 gapscope-lab-pv ${quote(mount.target)}`),
    // The credential change clears the parent-death signal, so the exporter sets its own.
    `exec setpriv --pdeathsig SIGKILL --reuid=65534 --regid=65534 --clear-groups -- ${exporter.map(quote).join(' ')}`,
  ];
  const scriptFile = join(prepared.dir, 'start-exporter.sh');
  writeFileSync(scriptFile, `${script.join('\n')}\n`);
  return processes.start({ name: `node-exporter-${name}`, command: 'unshare', args: ['--mount', '--propagation', 'private', '--', 'sh', scriptFile] });
}
