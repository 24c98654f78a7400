import { z } from 'zod';

/** Every error answer of the HTTP API: `{ "error": { "code", "message" } }` (docs/api.md). */
export const API_ERROR_CODES = ['bad-request', 'unauthorized', 'unknown-node', 'unknown-cluster', 'cluster-required', 'ambiguous-node', 'overloaded', 'internal'] as const;

export const apiErrorSchema = z.object({ error: z.object({ code: z.enum(API_ERROR_CODES), message: z.string() }) });

export type ApiErrorBody = z.infer<typeof apiErrorSchema>;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
