import type { FailureKind, SourceStatus, UpstreamSource } from '@/lib/contract/source';
import { redact } from '@/lib/http/redact';

/**
 * How an upstream (Prometheus, a kubelet, the API server) failed, in words an SRE can act on. Adapters turn
 * every failure into an UpstreamError; pages and routes turn it into "evidence unavailable: ..." for that
 * source only, never a blank page.
 */
export type { FailureKind, SourceStatus, UpstreamSource };

const UPSTREAM_ERROR = Symbol.for('gapscope.UpstreamError');

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  readonly [UPSTREAM_ERROR] = true;

  /**
   * By brand, not by prototype: Next.js bundles routes and pages apart, each with its own copy of this
   * class, while the process's one facade (lib/server/gapscope.ts) throws the copy of the bundle that built it.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && UPSTREAM_ERROR in value;
  }

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

/**
 * A failed source, for the page and the API. Its detail quotes what the upstream said, redacted: a kubelet or
 * proxy that echoes request headers must not put gapscope's token in an answer.
 */
export function sourceFailure(error: unknown, fallback: { source: UpstreamSource; endpoint: string }): SourceStatus {
  if (error instanceof UpstreamError) {
    return { source: error.source, endpoint: error.endpoint, ok: false, kind: error.kind, detail: redact(error.message) };
  }
  return { ...fallback, ok: false, detail: `unexpected failure: ${redact((error as Error)?.message ?? String(error))}` };
}
