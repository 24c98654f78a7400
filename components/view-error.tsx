'use client';

/** The error boundary body of a data segment: what failed, the server log reference, and a retry. */
export function ViewError({ title, fallback, error, reset }: { title: string; fallback: string; error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="panel failed" data-testid="page-error">
      <h2>{title}</h2>
      <p>{error.message || fallback}</p>
      {error.digest ? <p className="muted">Reference for the server log: {error.digest}</p> : null}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
