import type { Finding } from '@/lib/contract/finding';
import { defineFamily, queryOf, type Sample } from '../types';

/**
 * collector (`collector-failed`): one of node_exporter's collectors fails on a node, so its family of series
 * (thermal zones, hwmon sensors, the textfile metrics) is missing there while the exporter itself is up.
 *
 * THE rule, per collector on the node's exporter at one instant:
 * - `textfile-error`: `node_textfile_scrape_error == 1`: a file in the textfile directory could not be read or
 *   parsed; its metrics are dropped, the other files' are kept.
 * - `collector-error`: `node_scrape_collector_success == 0`, where 0 means an error. node_exporter also reports
 *   0 when a collector finds nothing to collect on this machine (ErrNoData: no NFS, no thermal zones, no
 *   bonding; node_exporter#1323, #1619), so for the collectors that can say "no data" a 0 only counts when the
 *   same collector succeeded on this node within the last day: it worked here, and now it does not.
 *   A collector that was never able to collect on this node is nothing to fix and says nothing.
 */

/** Collectors whose Update returns ErrNoData where the machine lacks the feature (node_exporter's collector/*.go). */
export const NO_DATA_COLLECTORS: ReadonlySet<string> = new Set([
  'bcachefs', 'bonding', 'conntrack', 'dmi', 'dmmultipath', 'drbd', 'ethtool', 'fibrechannel', 'hwmon', 'infiniband', 'ipvs', 'kernel_hung', 'mdadm', 'netclass', 'nfs', 'nfsd', 'nvme',
  'nvmesubsystem', 'os', 'pcidevice', 'powersupplyclass', 'pressure', 'rapl', 'schedstat', 'tapestats', 'thermal_zone', 'timex', 'udp_queues', 'watchdog', 'wifi', 'zfs',
]);

/** How far back "it worked on this node" looks. */
const WORKED_WINDOW = '1d';

interface CollectorDetail {
  collector: string;
  cause: 'collector-error' | 'textfile-error';
  /** The sample that says so (for the evidence). */
  sample: Sample;
}

const TEXTFILE = 'textfile';

const collectorKey = (sample: Sample) => `${sample.labels.job ?? ''}\u0000${sample.labels.instance ?? ''}\u0000${sample.labels.collector ?? ''}`;

export const collector = defineFamily<CollectorDetail>({
  id: 'collector',
  title: 'Exporter collectors',
  causes: { 'collector-failed': ['collector-error', 'textfile-error'] },
  // The node-exporter's own request carries these parts too: the fleet's query budget (lib/server/gather.ts).
  request: 'device-error',
  parts: {
    failing: { of: 'node-exporter', promql: (scope) => `${scope.select('node_scrape_collector_success')} == 0` },
    // Of the failing ones, those that succeeded on this node within the window.
    worked: {
      of: 'node-exporter',
      promql: (scope) => `max_over_time(${scope.select('node_scrape_collector_success')}[${WORKED_WINDOW}]) == 1 and on (job, instance, collector) ${scope.select('node_scrape_collector_success')} == 0`,
    },
    textfile: { of: 'node-exporter', promql: (scope) => `${scope.select('node_textfile_scrape_error')} == 1` },
  },
  absent: 'ok',

  rule(observation) {
    const answers = observation.parts.collector;
    if (!answers?.failing || !answers.textfile) return null;
    const worked = new Set((answers.worked ?? []).map(collectorKey));
    const verdicts = new Map<string, CollectorDetail>();
    for (const sample of answers.failing) {
      const name = sample.labels.collector ?? '';
      if (NO_DATA_COLLECTORS.has(name) && !worked.has(collectorKey(sample))) continue;
      verdicts.set(name, { collector: name, cause: 'collector-error', sample });
    }
    for (const sample of answers.textfile) verdicts.set(TEXTFILE, { collector: TEXTFILE, cause: 'textfile-error', sample });
    return [...verdicts.values()].map((detail) => ({
      subject: `collector ${detail.collector}`,
      state: 'fault' as const,
      kind: 'collector-failed' as const,
      cause: detail.cause,
      title: `node_exporter collector ${detail.collector}`,
      quiet: true,
      detail,
    }));
  },

  describe({ detail }, observation): Finding[] {
    const common = {
      kind: 'collector-failed' as const,
      cause: detail.cause,
      family: 'collector' as const,
      node: observation.node.name,
      subject: `collector ${detail.collector}`,
      severity: 'warning' as const,
      layer: 'source' as const,
      expectedByDesign: false,
    };
    const job = `job="${detail.sample.labels.job ?? ''}",instance="${detail.sample.labels.instance ?? ''}"`;
    if (detail.cause === 'textfile-error') {
      return [
        {
          ...common,
          summary: `node_exporter could not read a file of its textfile directory on ${observation.node.name}`,
          explanation:
            "node_exporter's textfile collector reads every *.prom file of --collector.textfile.directory at each scrape. One of them could not be opened or parsed (a half-written file, a syntax error, a help text that differs from another file's), so its metrics are dropped while the other files' are kept: panels and alerts fed by that file go empty on this node only. node_textfile_mtime_seconds lists the files that were read; the one missing from it is the broken one, and the exporter's log names it (\"failed to collect textfile data\").",
          evidence: [
            { source: 'prometheus', query: queryOf(observation, 'collector', 'textfile'), excerpt: `node_textfile_scrape_error{${job}} 1`, value: 1, at: observation.at },
          ],
          remediation: {
            text: 'Find the file in the exporter\'s log, fix what writes it, and write files atomically: to a temporary name in the same directory, then rename, so node_exporter never reads half a file. promtool checks a file before it is moved in place.',
            snippet: 'generate_metrics > /var/lib/node_exporter/textfile/job.prom.$$ \\\n  && promtool check metrics < /var/lib/node_exporter/textfile/job.prom.$$ \\\n  && mv /var/lib/node_exporter/textfile/job.prom.$$ /var/lib/node_exporter/textfile/job.prom',
          },
          references: ['https://github.com/prometheus/node_exporter#textfile-collector', 'https://github.com/prometheus/node_exporter/issues/2317'],
        },
      ];
    }
    const noData = NO_DATA_COLLECTORS.has(detail.collector);
    return [
      {
        ...common,
        summary: `node_exporter's ${detail.collector} collector fails on ${observation.node.name}`,
        explanation: `node_scrape_collector_success is 0 for the ${detail.collector} collector: its Update returned an error, so none of its series are exported on this node while the exporter's other collectors work.${
          noData
            ? ` This collector also reports 0 when the machine has nothing for it to collect, but it succeeded on this node within the last day: what it reads (sysfs, procfs) changed, often after a kernel or firmware update, or a device that answers with an error (node_exporter#1703).`
            : ''
        } The exporter's log gives the error ("collector failed" name=${detail.collector}).`,
        evidence: [
          { source: 'prometheus', query: queryOf(observation, 'collector', 'failing'), excerpt: `node_scrape_collector_success{${job},collector="${detail.collector}"} 0`, value: 0, at: observation.at },
          ...(noData ? [{ source: 'prometheus' as const, query: queryOf(observation, 'collector', 'worked'), excerpt: `max_over_time(node_scrape_collector_success{collector="${detail.collector}"}[${WORKED_WINDOW}]) == 1 on this node`, at: observation.at }] : []),
        ],
        remediation: {
          text: `Read the exporter's log on this node for the ${detail.collector} collector's error and fix what it reads. Where the hardware cannot be read (a sensor that returns an error), disable the collector on those nodes rather than alerting on it.`,
          snippet: `--no-collector.${detail.collector}`,
        },
        references: ['https://github.com/prometheus/node_exporter/issues/1703', 'https://github.com/prometheus/node_exporter/pull/2962'],
      },
    ];
  },

  // A collector's series are named after it (node_thermal_zone_temp, node_textfile_mtime_seconds).
  explainsEmpty: (selector, finding) => selector.metric.startsWith(`node_${finding.subject.replace(/^collector /, '')}_`),
  explain({ to, atMs, verdict }, context) {
    if (to !== 'gap' || !verdict) return null;
    const exporter = context.latest(atMs, (event) => event.kind === 'restart' && event.component === 'node-exporter');
    const what = verdict.detail.cause === 'textfile-error' ? 'A textfile of node_exporter became unreadable' : `node_exporter's ${verdict.detail.collector} collector began failing`;
    if (exporter) return { text: `${what} ${context.after(exporter, atMs)} the exporter restarted at ${context.clock(exporter.atMs)}: its new version or flags read differently.`, events: [exporter] };
    return {
      text: `${what} at ${context.clock(atMs)} with no exporter restart before it: ${verdict.detail.cause === 'textfile-error' ? 'whatever writes the file wrote a broken one' : 'what it reads on the node changed (a kernel, driver or device)'}.`,
      events: [],
    };
  },
});

