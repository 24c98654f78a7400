import type { z } from 'zod';
import type { ApiErrorBody, ApiErrorCode } from '@/lib/contract/error';
import type { SourceStatus } from '@/lib/contract/source';
import { redact } from './redact';

/** The one error type routes raise; `toResponse` maps it, and any other failure, to the contract's JSON shape. */
const API_ERROR = Symbol.for('gapscope.ApiError');

export class ApiError extends Error {
  override name = 'ApiError';
  readonly [API_ERROR] = true;

  /** By brand, not by prototype, as UpstreamError (lib/errors.ts): it crosses Next.js' bundles. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && API_ERROR in value;
  }

  constructor(
    readonly status: 400 | 404 | 409 | 500 | 503,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }

  static fromZod(error: z.ZodError): ApiError {
    const issue = error.issues[0];
    return new ApiError(400, 'bad-request', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
  }
}

export function errorBody(code: ApiErrorCode, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/**
 * `{ "error": { "code", "message" } }` with the error's status. Anything that is not an ApiError is a bug or
 * an upstream surprise: it is logged (redacted: no token or password reaches the log) and answered as a 500
 * in the same shape, never as a text page.
 */
/** How long a shed client should wait before asking again, in seconds. */
export const RETRY_AFTER_S = 5;

export function toResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    return Response.json(errorBody(error.code, error.message), { status: error.status, headers: error.status === 503 ? { 'Retry-After': String(RETRY_AFTER_S) } : {} });
  }
  console.error(`gapscope: unexpected failure: ${redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error))}`);
  return Response.json(errorBody('internal', 'gapscope failed unexpectedly while answering; the server log has the details.'), { status: 500 });
}

/**
 * A view with no data because gapscope shed its Prometheus requests (too many waiting) is a 503 with
 * Retry-After, so that clients back off; a view with some data keeps its 200 and says which part failed.
 */
export function shedIfOverloaded<T extends { sources: SourceStatus[] }>(answer: T, hasData: boolean): T {
  if (!hasData && answer.sources.some((source) => !source.ok && source.kind === 'overloaded')) {
    throw new ApiError(503, 'overloaded', `gapscope is answering too many requests to Prometheus at once; ask again in ${RETRY_AFTER_S} s`);
  }
  return answer;
}

/** A route handler that answers JSON, with every failure mapped by toResponse. */
export function jsonRoute<P>(handler: (request: Request, params: P) => Promise<unknown>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      return Response.json(await handler(request, await context.params));
    } catch (error) {
      return toResponse(error);
    }
  };
}
