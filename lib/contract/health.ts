import { z } from 'zod';
import { FAILURE_KINDS } from './source';

/**
 * What the query endpoint can tell besides queries, detected by asking (lib/server/capabilities.ts): a store
 * fed by agents (VictoriaMetrics, Thanos, Mimir) lacks some, and the findings then say what they cannot tell.
 */
export const capabilitiesSchema = z.object({
  /** GET /api/v1/targets lists targets: health with last errors (else from `up`). */
  targetsApi: z.boolean(),
  /** GET /api/v1/status/config has scrape jobs: relabel rules, limits (else none can be named). */
  scrapeConfig: z.boolean(),
  /** GET /api/v1/status/runtimeinfo answers: "not scraped yet" right after a restart. */
  runtimeInfo: z.boolean(),
  /** The query language: MetricsQL (VictoriaMetrics) accepts what PromQL refuses. */
  dialect: z.enum(['promql', 'metricsql']),
  detectedAt: z.string(),
});

/** GET /api/healthz: always 200 while gapscope serves; the body says whether Prometheus answers. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checkedAt: z.string(),
  prometheus: z.object({ ok: z.boolean(), version: z.string().optional(), detail: z.string().optional(), kind: z.enum(FAILURE_KINDS).optional() }),
  capabilities: capabilitiesSchema.optional(),
});

export type Capabilities = z.infer<typeof capabilitiesSchema>;

export type Health = z.infer<typeof healthSchema>;
