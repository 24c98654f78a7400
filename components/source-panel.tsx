import type { SourceStatus } from '@/lib/errors';

/**
 * Which sources answered for this view and which failed, and why: a failure never blanks the page. Open
 * when something failed; a one-line summary when everything answered.
 */
export function SourcePanel({ sources }: { sources: Pick<SourceStatus, 'endpoint' | 'ok' | 'detail'>[] }) {
  const failed = sources.filter((source) => !source.ok).length;
  return (
    <section className={`panel${failed ? ' failed' : ''}`} aria-label="Sources consulted" data-testid="source-panel">
      <details open={failed > 0}>
        <summary>
          <strong>Sources</strong>: {sources.length - failed} answered{failed ? `, ${failed} unavailable` : ''}
        </summary>
        <ul>
          {sources.map((source) => (
            <li key={source.endpoint} data-testid="source" data-ok={source.ok}>
              <span className={source.ok ? 'source-ok' : 'source-failed'}>{source.ok ? 'answered' : 'evidence unavailable'}</span>{' '}
              <code>{source.endpoint}</code>
              {source.detail ? <span className={source.ok ? 'muted' : undefined}>: {source.detail}</span> : null}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
