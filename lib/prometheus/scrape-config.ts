import { parse } from 'yaml';
import { z } from 'zod';
import { compileRules, relabelConfigSchema, type RelabelRule } from './relabel';

/**
 * The parts of Prometheus' loaded configuration (GET /api/v1/status/config, YAML with defaults filled in)
 * that decide what a scrape job stores: its metric_relabel_configs, by job_name (the target's scrape pool).
 * https://prometheus.io/docs/prometheus/latest/querying/api/#config
 * Anything else in the file is ignored; a file that is not YAML, or not a Prometheus config, is an error.
 */

const scrapeConfigSchema = z
  .object({
    job_name: z.string(),
    honor_labels: z.boolean().optional(),
    honor_timestamps: z.boolean().optional(),
    track_timestamps_staleness: z.boolean().optional(),
    metrics_path: z.string().optional(),
    metric_relabel_configs: z.array(relabelConfigSchema).nullish(),
    // Prometheus renders these with its defaults: 0 (no limit), body_size_limit as "0B" or "10MiB".
    sample_limit: z.number().int().nonnegative().optional(),
    body_size_limit: z.union([z.string(), z.number()]).optional(),
    label_limit: z.number().int().nonnegative().optional(),
    label_name_length_limit: z.number().int().nonnegative().optional(),
    label_value_length_limit: z.number().int().nonnegative().optional(),
  })
  .passthrough();

const configSchema = z.object({ scrape_configs: z.array(scrapeConfigSchema).nullish() }).passthrough();

/** A job's scrape limits that are set (0 means none, and is left out), as its configuration writes them. */
export interface ScrapeLimits {
  jobName: string;
  sample_limit?: number;
  body_size_limit?: string;
  label_limit?: number;
  label_name_length_limit?: number;
  label_value_length_limit?: number;
}

export interface ScrapeJobRules {
  jobName: string;
  limits: ScrapeLimits;
  honorLabels: boolean;
  /** Whether samples keep the timestamps the target sets (default true), and get staleness markers anyway (2.48+). */
  honorTimestamps: boolean;
  trackTimestampsStaleness: boolean;
  /** The path it scrapes unless a target's relabelling changes `__metrics_path__`. */
  metricsPath: string;
  metricRelabel: RelabelRule[];
}

function limitsOf(job: z.infer<typeof scrapeConfigSchema>): ScrapeLimits {
  const limits: ScrapeLimits = { jobName: job.job_name };
  for (const name of ['sample_limit', 'label_limit', 'label_name_length_limit', 'label_value_length_limit'] as const) if (job[name]) limits[name] = job[name];
  const body = String(job.body_size_limit ?? '');
  if (body !== '' && !/^0[A-Za-z]*$/.test(body)) limits.body_size_limit = body;
  return limits;
}

export class ScrapeConfigError extends Error {}

export function parseScrapeConfig(yaml: string): Map<string, ScrapeJobRules> {
  let document: unknown;
  try {
    // The config is Prometheus' own rendering, so it is plain YAML; aliases are refused to keep it bounded.
    document = parse(yaml, { maxAliasCount: 0 });
  } catch (error) {
    throw new ScrapeConfigError(`the configuration is not YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const parsed = configSchema.safeParse(document ?? {});
  if (!parsed.success) throw new ScrapeConfigError(`the configuration has no readable scrape_configs (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const jobs = new Map<string, ScrapeJobRules>();
  for (const job of parsed.data.scrape_configs ?? []) {
    jobs.set(job.job_name, { jobName: job.job_name, limits: limitsOf(job), honorLabels: job.honor_labels ?? false, honorTimestamps: job.honor_timestamps ?? true, trackTimestampsStaleness: job.track_timestamps_staleness ?? false, metricsPath: job.metrics_path ?? '/metrics', metricRelabel: compileRules(job.metric_relabel_configs ?? []) });
  }
  return jobs;
}
