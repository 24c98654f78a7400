import { z } from 'zod';

/** A range as asked (Grafana's syntax) and as resolved to epoch milliseconds (lib/time-range.ts). */
export const resolvedRangeSchema = z.object({ from: z.string(), to: z.string(), startMs: z.number(), endMs: z.number() });
