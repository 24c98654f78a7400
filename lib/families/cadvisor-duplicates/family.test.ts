import { describe, expect, it } from 'vitest';
import { realFixture } from '@/lab/test-support/fixtures';
import { familyFindings, observation, role, sample } from '@/lib/test-support/observation';
import { parseExposition } from '@/lib/test-support/parse-exposition';
import { cadvisorDuplicates } from '.';

/** A real container's CPU series (the 1.31 capture), as stored by a job `kubelet`. */
const [family] = parseExposition(realFixture('nri-kubernetes/k8s-1.31_kubelet_metrics_cadvisor.txt'), { families: ['container_cpu_usage_seconds_total'] }).families;
const real = family!.samples.find((entry) => entry.labels.container && entry.labels.pod)!;
const stored = (labels: Record<string, string>) => sample({ job: 'kubelet', instance: '10.0.0.1:10250', ...real.labels, ...labels }, real.value);
const replaced = real.labels.id!.replace(/[0-9a-f]{64}$/, 'f'.repeat(64));

const observed = (duplicated: ReturnType<typeof stored>[], roles = {}) => observation({ roles, parts: { 'cadvisor-duplicates': { duplicated } } });

describe('cadvisor-series-duplicated', () => {
  it('a restarted container: its old and new cgroup ids both stored at the instant', () => {
    const node = observed([stored({}), stored({ id: replaced })]);
    const [finding, ...others] = familyFindings(cadvisorDuplicates, node);
    expect(others).toEqual([]);
    expect(finding).toMatchObject({ kind: 'cadvisor-series-duplicated', cause: 'stale-after-restart', severity: 'warning', layer: 'stored', subject: 'container series' });
    expect(finding!.summary).toContain(`${real.labels.namespace}/${real.labels.pod} ${real.labels.container}`);
    expect(finding!.evidence.map((entry) => entry.excerpt)).toEqual([expect.stringContaining(`id="${real.labels.id}"`), expect.stringContaining(`id="${replaced}"`)]);
    expect(finding!.remediation.snippet).toBe('honor_timestamps: true\ntrack_timestamps_staleness: true');
  });

  it('names the job\'s timestamp settings where the configuration was read', () => {
    const pool = 'kubernetes-cadvisor';
    const roles = { cadvisor: { health: 'up' as const, targets: [{ ...role('cadvisor', 'up').targets[0]!, pool }] } };
    const node = observation({
      roles,
      scrapeRules: new Map([[pool, { jobName: pool, limits: { jobName: pool }, honorLabels: false, honorTimestamps: true, trackTimestampsStaleness: false, metricsPath: '/metrics/cadvisor', metricRelabel: [] }]]),
      parts: { 'cadvisor-duplicates': { duplicated: [stored({}), stored({ id: replaced })] } },
    });
    expect(familyFindings(cadvisorDuplicates, node)[0]!.explanation).toContain('The job kubernetes-cadvisor has honor_timestamps: true and track_timestamps_staleness: false');
  });

  it('the same cgroup stored twice, with no second job on the target in Prometheus: scraped-twice', () => {
    expect(familyFindings(cadvisorDuplicates, observed([stored({}), stored({ prometheus_replica: 'prometheus-1' })]))[0]).toMatchObject({ cause: 'scraped-twice' });
  });

  it("says nothing more where the node's cAdvisor target is scraped by two jobs (target-duplicated says it)", () => {
    const twin = (job: string) => ({ ...role('cadvisor', 'up').targets[0]!, job, pool: job, scrapeUrl: 'https://10.0.0.1:10250/metrics/cadvisor' });
    const roles = { cadvisor: { health: 'up' as const, targets: [twin('kubelet'), twin('cadvisor-legacy')] } };
    expect(familyFindings(cadvisorDuplicates, observed([stored({}), stored({ job: 'cadvisor-legacy' })], roles))).toEqual([]);
  });

  it('one series per container (the real capture as stored): nothing to say; no cAdvisor series: cannot judge', () => {
    expect(cadvisorDuplicates.rule(observed([]))).toMatchObject([{ state: 'ok' }]);
    expect(cadvisorDuplicates.rule(observation({ parts: { 'cadvisor-duplicates': { duplicated: null } } }))).toBeNull();
  });
});
