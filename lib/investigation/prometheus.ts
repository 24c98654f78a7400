import 'server-only';
import { env } from '@/lib/env';
import { PrometheusClient, prometheusConfigFromEnv } from '@/lib/prometheus/client';

let client: PrometheusClient | undefined;

/** One client per server process, so the in-flight limit holds across requests. */
export function prometheus(): PrometheusClient {
  client ??= new PrometheusClient(prometheusConfigFromEnv(env()));
  return client;
}

/**
 * The investigation options every page and route passes: GAPSCOPE_JOB_ROLES (roles for jobs whose names do
 * not tell), and the inventory shared for GAPSCOPE_FLEET_CACHE_TTL.
 */
export function appOptions() {
  return { jobRoles: env().GAPSCOPE_JOB_ROLES, inventoryMaxAgeMs: env().GAPSCOPE_FLEET_CACHE_TTL };
}
