import type { Finding } from '@/lib/contract/finding';

/**
 * Why node_exporter cannot stat a mountpoint (`fs-device-error`). PURE.
 *
 * Causes: `permission-denied` (a mountpoint under /root or /home, which node_exporter running as uid 65534
 * cannot traverse), `stuck-mount` (a network filesystem whose statfs hangs or fails), `missing-path` (the
 * mountpoint no longer exists). node_exporter 1.8+ adds a `device_error` label with the error text; when
 * present it decides.
 */

export const DEVICE_ERROR_CAUSES = ['permission-denied', 'stuck-mount', 'missing-path'] as const;

export interface FailingMount {
  mountpoint: string;
  device: string;
  fstype: string;
  /** node_exporter 1.8+: the statfs error text. */
  errorText?: string;
}

const NETWORK_FILESYSTEMS = /^(nfs4?|cifs|smb3?|glusterfs|ceph|fuse\.sshfs|9p)$/;

export function deviceErrorCause(fs: FailingMount): { cause: string; explanation: string; remediation: Finding['remediation'] } {
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
