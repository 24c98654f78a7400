import 'server-only';
import type { Capabilities } from '@/lib/contract/health';
import { UpstreamError } from '@/lib/errors';
import type { PrometheusClient } from '@/lib/prometheus/client';

/**
 * What the configured query endpoint can tell besides queries, found by asking it, four requests at once.
 * A request that fails for another reason than "not here" (a timeout) leaves the capability unknown: the
 * detection is not kept, so the next check asks again.
 */

// union() is MetricsQL's (https://docs.victoriametrics.com/metricsql/#union); PromQL refuses it as unknown.
const METRICSQL_PROBE = 'union(vector(1))';

const absent = (error: unknown) => error instanceof UpstreamError && (error.kind === 'unsupported' || error.kind === 'api-error' || error.kind === 'http-status' || error.kind === 'not-json');

export async function detectCapabilities(prometheus: PrometheusClient, now = Date.now()): Promise<Capabilities> {
  const [targets, config, runtime, dialect] = await Promise.allSettled([prometheus.targets(), prometheus.scrapeConfig(), prometheus.startedAt(), prometheus.instantQuery(METRICSQL_PROBE)]);
  for (const answer of [targets, config, runtime, dialect]) if (answer.status === 'rejected' && !absent(answer.reason)) throw answer.reason;
  return {
    // An empty list is "no targets API" only where the configuration has no scrape job either (a store fed by
    // remote write): a Prometheus that has just started lists no target until discovery has run.
    targetsApi: targets.status === 'fulfilled' && (targets.value.length > 0 || (config.status === 'fulfilled' && config.value.size > 0)),
    scrapeConfig: config.status === 'fulfilled' && config.value.size > 0,
    runtimeInfo: runtime.status === 'fulfilled',
    dialect: dialect.status === 'fulfilled' ? 'metricsql' : 'promql',
    detectedAt: new Date(now).toISOString(),
  };
}
