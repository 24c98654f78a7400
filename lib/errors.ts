import type { FailureKind, SourceStatus, UpstreamSource } from '@/lib/contract/source';

/**
 * How an upstream (Prometheus, a kubelet, the API server) failed, in words an SRE can act on. Adapters turn
 * every failure into an UpstreamError; pages and routes turn it into "evidence unavailable: ..." for that
 * source only, never a blank page.
 */
export type { FailureKind, SourceStatus, UpstreamSource };

export class UpstreamError extends Error {
  override name = 'UpstreamError';

  constructor(
    readonly source: UpstreamSource,
    readonly kind: FailureKind,
    /** What was asked, without credentials: "GET /api/v1/targets", "POST /api/v1/query up". */
    readonly endpoint: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function sourceFailure(error: unknown, fallback: { source: UpstreamSource; endpoint: string }): SourceStatus {
  if (error instanceof UpstreamError) {
    return { source: error.source, endpoint: error.endpoint, ok: false, kind: error.kind, detail: error.message };
  }
  return { ...fallback, ok: false, detail: `unexpected failure: ${(error as Error)?.message ?? String(error)}` };
}
