import { z } from 'zod';
import { FAILURE_KINDS } from './source';

/** GET /api/healthz: always 200 while gapscope serves; the body says whether Prometheus answers. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checkedAt: z.string(),
  prometheus: z.object({ ok: z.boolean(), version: z.string().optional(), detail: z.string().optional(), kind: z.enum(FAILURE_KINDS).optional() }),
});

export type Health = z.infer<typeof healthSchema>;
