import type { z } from 'zod';
import type { ApiErrorBody, ApiErrorCode } from '@/lib/contract/error';
import { redact } from './redact';

/** The one error type routes raise; `toResponse` maps it, and any other failure, to the contract's JSON shape. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: 400 | 404 | 500,
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
export function toResponse(error: unknown): Response {
  if (error instanceof ApiError) return Response.json(errorBody(error.code, error.message), { status: error.status });
  console.error(`gapscope: unexpected failure: ${redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error))}`);
  return Response.json(errorBody('internal', 'gapscope failed unexpectedly while answering; the server log has the details.'), { status: 500 });
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
