import { defineFamily, queryOf, type Sample } from '../types';
import { filesystems } from '../root-sized-filesystem/observe';
import { DEVICE_ERROR_CAUSES, deviceErrorCause, type FailingMount } from './causes';

/**
 * device-error (`fs-device-error`): node_exporter lists a mountpoint but statfs fails on it, so only
 * node_filesystem_device_error is exported for it, and no size. The rule: device_error == 1, per mountpoint.
 */

const mountOf = (sample: Sample): FailingMount => ({
  mountpoint: sample.labels.mountpoint ?? '',
  device: sample.labels.device ?? '',
  fstype: sample.labels.fstype ?? '',
  errorText: sample.labels.device_error,
});

export const deviceError = defineFamily<FailingMount>({
  id: 'device-error',
  title: 'Device errors',
  causes: { 'fs-device-error': DEVICE_ERROR_CAUSES },
  parts: {
    failing: { of: 'node-exporter', promql: (scope) => `${scope.select('node_filesystem_device_error')} == 1` },
  },
  absent: 'ok',

  rule(observation) {
    const failing = observation.parts['device-error']?.failing;
    if (!failing) return null;
    return failing.map((sample) => {
      const mount = mountOf(sample);
      return { subject: mount.mountpoint, state: 'fault', kind: 'fs-device-error', cause: deviceErrorCause(mount).cause, title: `device error on ${mount.mountpoint}`, detail: mount };
    });
  },

  describe({ detail: mount }, observation) {
    const { cause, explanation, remediation } = deviceErrorCause(mount);
    const sized = filesystems(observation)?.some((fs) => fs.mountpoint === mount.mountpoint && fs.sizeBytes !== null);
    return [
      {
        kind: 'fs-device-error',
        cause,
        family: 'device-error',
        node: observation.node.name,
        subject: mount.mountpoint,
        severity: 'warning',
        layer: 'source',
        expectedByDesign: false,
        summary: `node_exporter cannot read ${mount.mountpoint} (${cause})`,
        explanation,
        evidence: [
          {
            source: 'prometheus',
            query: queryOf(observation, 'device-error', 'failing'),
            excerpt: `node_filesystem_device_error{device="${mount.device}",fstype="${mount.fstype}",mountpoint="${mount.mountpoint}"${mount.errorText ? `,device_error="${mount.errorText}"` : ''}} 1`,
            value: 1,
            at: observation.at,
          },
          ...(sized ? [] : [{ source: 'prometheus' as const, query: queryOf(observation, 'root-sized-filesystem', 'size'), excerpt: `no node_filesystem_size_bytes for ${mount.mountpoint}`, at: observation.at }]),
        ],
        remediation,
        references: ['https://github.com/prometheus/node_exporter/blob/master/collector/filesystem_linux.go'],
      },
    ];
  },

  // node_exporter stops reporting a failing mount's sizes: every filesystem series of that mountpoint.
  explainsEmpty: (selector, finding) => selector.metric.startsWith('node_filesystem_') && (selector.equal.mountpoint ?? finding.subject) === finding.subject,
  explain({ to, atMs }, context) {
    if (to !== 'gap') return null;
    const exporter = context.latest(atMs, (event) => event.kind === 'restart' && event.component === 'node-exporter');
    if (exporter) {
      return {
        text: `Device errors began ${context.after(exporter, atMs)} node-exporter restarted at ${context.clock(exporter.atMs)}: running as another user (such as uid 65534) or with other mounts, it can no longer stat the mountpoint.`,
        events: [exporter],
      };
    }
    return { text: `Device errors began at ${context.clock(atMs)} with no node-exporter restart before them: a stuck network mount, or a mountpoint that was removed.`, events: [] };
  },
});
