import type { Finding } from '@/lib/contract/finding';
import { cadvisorJobs } from '../cadvisor-labels/layers';
import { twinsOf } from '../scrape';
import { defineFamily, queryOf, type QueryScope, type Sample } from '../types';

/**
 * cadvisor-duplicates (`cadvisor-series-duplicated`): one container of the node has more than one stored
 * cAdvisor series at the instant, so per-pod sums count it twice. PURE.
 *
 * THE rule: stored container_cpu_usage_seconds_total series of the node's cAdvisor, grouped by namespace, pod
 * and container; a group with more than one series is a duplicate. Causes:
 * - `stale-after-restart`: the series have different cgroup ids: the replaced container's and the new one's.
 *   cAdvisor sets explicit timestamps, the job honors them (honor_timestamps), and without timestamp
 *   staleness tracking Prometheus marks nothing stale when a series disappears: the old one stays visible for
 *   the 5-minute lookback after each restart.
 * - `scraped-twice`: the same cgroup id under several jobs or scrapes (two Prometheus replicas written into one
 *   store without deduplication). Where the node's cAdvisor target itself is scraped by two jobs, the scrape
 *   family's target-duplicated already says so, and this rule says nothing more.
 */

interface DuplicateDetail {
  cause: 'stale-after-restart' | 'scraped-twice';
  /** The duplicated containers, "namespace/pod container", with their series. */
  containers: { name: string; series: Sample[] }[];
}

const SUBJECT = 'container series';
const WINDOW = '5 minutes';

const containerSeries = (scope: QueryScope) => scope.select('container_cpu_usage_seconds_total', 'container!=""', 'container!="POD"', 'pod!=""');

export const cadvisorDuplicates = defineFamily<DuplicateDetail>({
  id: 'cadvisor-duplicates',
  title: 'cAdvisor duplicates',
  causes: { 'cadvisor-series-duplicated': ['stale-after-restart', 'scraped-twice'] },
  // The cAdvisor families share one request: the fleet's query budget (lib/server/gather.ts).
  request: 'cadvisor-labels',
  parts: {
    duplicated: { of: 'cadvisor', promql: (scope) => `${containerSeries(scope)} and on (namespace, pod, container) (count by (namespace, pod, container) (${containerSeries(scope)}) > 1)` },
  },
  absent: 'ok',

  rule(observation) {
    const duplicated = observation.parts['cadvisor-duplicates']?.duplicated;
    if (!duplicated) return null;
    const groups = new Map<string, Sample[]>();
    for (const sample of duplicated) {
      const name = `${sample.labels.namespace ?? ''}/${sample.labels.pod ?? ''} ${sample.labels.container ?? ''}`;
      groups.set(name, [...(groups.get(name) ?? []), sample]);
    }
    const containers = [...groups].map(([name, series]) => ({ name, series }));
    const restarted = containers.filter((container) => new Set(container.series.map((series) => series.labels.id)).size > 1);
    const title = 'containers with one series each';
    if (restarted.length > 0) return [{ subject: SUBJECT, state: 'fault', kind: 'cadvisor-series-duplicated', cause: 'stale-after-restart', title, value: restarted.length, detail: { cause: 'stale-after-restart', containers: restarted } }];
    // Same cgroup stored twice: the target-duplicated finding explains it where two jobs scrape the target.
    if (containers.length > 0 && !twinsOf(observation.roles.cadvisor)) {
      return [{ subject: SUBJECT, state: 'fault', kind: 'cadvisor-series-duplicated', cause: 'scraped-twice', title, value: containers.length, detail: { cause: 'scraped-twice', containers } }];
    }
    return [{ subject: SUBJECT, state: 'ok', title, value: 0, quiet: true, detail: { cause: 'stale-after-restart', containers: [] } }];
  },

  describe({ detail }, observation): Finding[] {
    const node = observation.node.name;
    const job = cadvisorJobs(observation)[0]?.config;
    const settings = job ? ` The job ${job.jobName} has honor_timestamps: ${job.honorTimestamps} and track_timestamps_staleness: ${job.trackTimestampsStaleness} (from /api/v1/status/config).` : '';
    const names = detail.containers.slice(0, 3).map((container) => container.name).join(', ') + (detail.containers.length > 3 ? ` and ${detail.containers.length - 3} more` : '');
    const stale = detail.cause === 'stale-after-restart';
    return [
      {
        kind: 'cadvisor-series-duplicated',
        cause: detail.cause,
        family: 'cadvisor-duplicates',
        node,
        subject: SUBJECT,
        severity: 'warning',
        layer: 'stored',
        expectedByDesign: false,
        summary: `${detail.containers.length} container${detail.containers.length === 1 ? ' has' : 's have'} two cAdvisor series stored on ${node} (${detail.cause}): ${names}`,
        explanation: stale
          ? `The container restarted and both its old and its new cgroup have series at this instant. cAdvisor exposes container series with explicit timestamps; Prometheus keeps them as given (honor_timestamps) and, unless track_timestamps_staleness is on (Prometheus 2.48 and later), puts no staleness marker when the old series disappears, so it stays visible for the ${WINDOW} lookback. Sums and counts per pod double for those minutes after every restart.${settings}`
          : `The same container cgroup is stored twice, under different jobs or scrapes: every sum over the node's containers doubles. With no second job on this node's cAdvisor in Prometheus' own targets, the duplicate comes from elsewhere: two Prometheus replicas written into one store without deduplication, or a federated copy.${settings}`,
        evidence: detail.containers.slice(0, 3).flatMap((container) =>
          container.series.map((series) => ({
            source: 'prometheus' as const,
            query: queryOf(observation, 'cadvisor-duplicates', 'duplicated'),
            excerpt: `container_cpu_usage_seconds_total{job="${series.labels.job ?? ''}",namespace="${series.labels.namespace ?? ''}",pod="${series.labels.pod ?? ''}",container="${series.labels.container ?? ''}",id="${series.labels.id ?? ''}"}`,
            value: series.value,
            at: observation.at,
          })),
        ),
        remediation: stale
          ? {
              text: "Turn on timestamp staleness tracking for the cAdvisor job (Prometheus 2.48 or later; kube-prometheus-stack: kubelet.serviceMonitor.trackTimestampsStaleness, on by default in recent charts), or stop honoring cAdvisor's timestamps. Until then, dashboards can sum over max by (container) instead of over every series.",
              snippet: 'honor_timestamps: true\ntrack_timestamps_staleness: true',
            }
          : { text: 'Find the second copy: compare the duplicated series\' labels (job, instance, prometheus_replica) and remove the extra job, or deduplicate replicas in the store (Thanos --query.replica-label, Mimir HA tracker).' },
        references: ['https://github.com/kubernetes/kubernetes/issues/111157', 'https://github.com/prometheus/prometheus/pull/13060', 'https://github.com/prometheus-operator/kube-prometheus/pull/695'],
      },
    ];
  },

  explain({ to, atMs, verdict }, context) {
    if (to !== 'gap' || !verdict) return null;
    if (verdict.detail.cause === 'scraped-twice') return { text: `From ${context.clock(atMs)} the node's container series are stored twice.`, events: [] };
    return { text: `At ${context.clock(atMs)} a container restarted and its old series lingers next to the new one, for up to ${WINDOW} (no staleness marker for cAdvisor's timestamped series).`, events: [] };
  },
});

