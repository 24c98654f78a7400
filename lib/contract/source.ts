import { z } from 'zod';

/** The upstreams gapscope reads. */
export const UPSTREAM_SOURCES = ['prometheus', 'kubelet', 'kube-apiserver'] as const;

/** How an upstream failed, in words an SRE can act on (lib/errors.ts). */
export const FAILURE_KINDS = ['timeout', 'unreachable', 'tls', 'http-status', 'unauthorized', 'forbidden', 'not-json', 'api-error', 'invalid-response', 'unsupported', 'too-large', 'overloaded', 'aborted'] as const;

/** The state of one source consulted for a view: pages show it, the API returns it. */
export const sourceStatusSchema = z.object({
  source: z.enum(UPSTREAM_SOURCES),
  endpoint: z.string(),
  ok: z.boolean(),
  /** Why it failed, or what was degraded, in one sentence. */
  detail: z.string().optional(),
  kind: z.enum(FAILURE_KINDS).optional(),
});

export type UpstreamSource = (typeof UPSTREAM_SOURCES)[number];
export type FailureKind = (typeof FAILURE_KINDS)[number];
export type SourceStatus = z.infer<typeof sourceStatusSchema>;
