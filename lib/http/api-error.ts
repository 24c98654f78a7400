import type { z } from 'zod';

/** The one error type routes raise; `toResponse` maps it to `{ error: { code, message } }` with its status. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: 400 | 404,
    readonly code: 'bad-request' | 'unknown-node',
    message: string,
  ) {
    super(message);
  }

  static fromZod(error: z.ZodError): ApiError {
    const issue = error.issues[0];
    return new ApiError(400, 'bad-request', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
  }
}

export function toResponse(error: unknown): Response {
  if (error instanceof ApiError) return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status });
  throw error;
}
