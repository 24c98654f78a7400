import { describe, expect, it } from 'vitest';
import { UpstreamError } from '@/lib/errors';
import type { PrometheusClient, TargetHealth } from '@/lib/prometheus/client';
import { detectCapabilities } from './capabilities';

/** What the endpoint can tell, against stubs of a central store and of a Prometheus. */

const TARGET: TargetHealth = { pool: 'kubelet', scrapeUrl: 'https://10.0.0.1:10250/metrics', labels: { job: 'kubelet', instance: '10.0.0.1:10250' }, health: 'up', lastError: '' };
const unsupported = (endpoint: string) => new UpstreamError('prometheus', 'unsupported', endpoint, 'Prometheus has no such endpoint', 404);

function endpoint(options: { targets: TargetHealth[]; jobs: number; runtime: boolean; metricsql: boolean }): PrometheusClient {
  return {
    targets: async () => options.targets,
    scrapeConfig: async () => new Map(Array.from({ length: options.jobs }, (_, index) => [`job-${index}`, {}])),
    startedAt: async () => {
      if (!options.runtime) throw unsupported('GET /api/v1/status/runtimeinfo');
      return Date.now();
    },
    instantQuery: async () => {
      if (!options.metricsql) throw new UpstreamError('prometheus', 'api-error', 'POST /api/v1/query', 'unknown function union', 400);
      return [];
    },
  } as unknown as PrometheusClient;
}

describe('detectCapabilities', () => {
  it('a store fed by remote write: no targets, no scrape jobs, no runtime info, MetricsQL', async () => {
    expect(await detectCapabilities(endpoint({ targets: [], jobs: 0, runtime: false, metricsql: true }))).toMatchObject({ targetsApi: false, scrapeConfig: false, runtimeInfo: false, dialect: 'metricsql' });
  });

  it('a Prometheus that has just started lists no target yet, but has scrape jobs: it has a targets API', async () => {
    expect(await detectCapabilities(endpoint({ targets: [], jobs: 3, runtime: true, metricsql: false }))).toMatchObject({ targetsApi: true, scrapeConfig: true, runtimeInfo: true, dialect: 'promql' });
  });

  it('a Prometheus with targets', async () => {
    expect(await detectCapabilities(endpoint({ targets: [TARGET], jobs: 1, runtime: true, metricsql: false }))).toMatchObject({ targetsApi: true, dialect: 'promql' });
  });
});
