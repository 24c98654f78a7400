import { z } from 'zod';

/** The response shapes of Prometheus' HTTP API that gapscope reads. Raw types never leave lib/prometheus/. */

export const envelopeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), data: z.unknown(), warnings: z.array(z.string()).optional() }),
  z.object({ status: z.literal('error'), errorType: z.string().default('unknown'), error: z.string().default('') }),
]);

const labelsSchema = z.record(z.string(), z.string());
const sampleSchema = z.tuple([z.number(), z.string()]);

export const vectorDataSchema = z.object({
  resultType: z.literal('vector'),
  result: z.array(z.object({ metric: labelsSchema, value: sampleSchema })),
});

export const matrixDataSchema = z.object({
  resultType: z.literal('matrix'),
  result: z.array(z.object({ metric: labelsSchema, values: z.array(sampleSchema) })),
});

export const targetsDataSchema = z.object({
  activeTargets: z.array(
    z.object({
      labels: labelsSchema,
      scrapePool: z.string().default(''),
      scrapeUrl: z.string().default(''),
      /** Only the address service discovery gave: the rest (every __meta_* label) is not needed. */
      discoveredLabels: z.object({ __address__: z.string().optional() }).optional(),
      lastError: z.string().default(''),
      health: z.enum(['up', 'down', 'unknown']),
      /** Since Prometheus 2.30: the job's scrape interval, as a Go duration ("15s", "1m"). */
      scrapeInterval: z.string().optional(),
    }),
  ),
});

/** /api/v1/status/runtimeinfo: when this Prometheus started. */
export const runtimeInfoDataSchema = z.object({ startTime: z.string() }).passthrough();

/** GET /api/v1/status/config: the loaded configuration as YAML. */
export const configDataSchema = z.object({ yaml: z.string() }).passthrough();

/** GET /api/v1/labels: the label names of the matching series. */
export const labelNamesDataSchema = z.array(z.string().max(1024)).max(100_000);

// VictoriaMetrics answers `{}`: no version is no failure.
export const buildInfoDataSchema = z.object({ version: z.string().optional() }).passthrough();
