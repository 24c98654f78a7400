import 'server-only';
import { env } from '@/lib/env';
import { PrometheusClient, prometheusConfigFromEnv } from '@/lib/prometheus/client';

let client: PrometheusClient | undefined;

/** One client per server process, so the in-flight limit holds across requests. */
export function prometheus(): PrometheusClient {
  client ??= new PrometheusClient(prometheusConfigFromEnv(env()));
  return client;
}

/** GAPSCOPE_JOB_ROLES: roles for jobs whose names do not tell. */
export function jobRoles() {
  return env().GAPSCOPE_JOB_ROLES;
}
