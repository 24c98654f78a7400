'use client';

export default function NodeError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="panel failed" data-testid="page-error">
      <h2>This node view failed</h2>
      <p>{error.message || 'An unexpected error occurred while investigating this node.'}</p>
      {error.digest ? <p className="muted">Reference for the server log: {error.digest}</p> : null}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
