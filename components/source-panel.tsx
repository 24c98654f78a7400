import type { SourceStatus } from '@/lib/errors';

/** Which sources answered for this view and which failed, and why: a failure never blanks the page. */
export function SourcePanel({ sources }: { sources: SourceStatus[] }) {
  const failed = sources.some((source) => !source.ok);
  return (
    <section className={`panel${failed ? ' failed' : ''}`} aria-label="Sources consulted" data-testid="source-panel">
      <h2>Sources</h2>
      <ul>
        {sources.map((source) => (
          <li key={source.endpoint} data-testid="source" data-ok={source.ok}>
            <span className={source.ok ? 'source-ok' : 'source-failed'}>{source.ok ? 'answered' : 'evidence unavailable'}</span>{' '}
            <code>{source.endpoint}</code>
            {source.detail ? <span className={source.ok ? 'muted' : undefined}>: {source.detail}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
