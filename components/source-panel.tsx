import type { Capabilities } from '@/lib/contract/health';
import type { SourceStatus } from '@/lib/errors';

const yesNo = (present: boolean, what: string) => `${present ? '' : 'no '}${what}`;

/** What the query endpoint (or, for a cluster with its agent configured, the agent) can tell, in one line. */
function CapabilityLine({ capabilities }: { capabilities: Capabilities }) {
  const parts = [yesNo(capabilities.targetsApi, 'targets API'), yesNo(capabilities.scrapeConfig, 'scrape configuration'), yesNo(capabilities.runtimeInfo, 'runtime info'), capabilities.dialect === 'metricsql' ? 'MetricsQL' : 'PromQL'];
  return (
    <li data-testid="capabilities" data-targets-api={capabilities.targetsApi} data-dialect={capabilities.dialect}>
      <span className="muted">can tell</span> {parts.join(', ')}
      <span className="muted"> (detected {capabilities.detectedAt.replace('T', ' ').slice(0, 19)} UTC{capabilities.targetsApi ? '' : '; without a targets API, health comes from up series and last errors are unknown'})</span>
    </li>
  );
}

/**
 * Which sources answered for this view and which failed, and why: a failure never blanks the page. Open
 * when something failed; a one-line summary when everything answered. `capabilities`: what the store can
 * tell besides queries, where it has been detected.
 */
export function SourcePanel({ sources, capabilities, label = 'Sources consulted' }: { sources: Pick<SourceStatus, 'endpoint' | 'ok' | 'detail'>[]; capabilities?: Capabilities; label?: string }) {
  const failed = sources.filter((source) => !source.ok).length;
  return (
    // `label`: a page with two panels (the node's findings, its timeline) names each, for landmark navigation.
    <section className={`panel${failed ? ' failed' : ''}`} aria-label={label} data-testid="source-panel">
      <details open={failed > 0}>
        <summary>
          <strong>Sources</strong>: {sources.length - failed} answered{failed ? `, ${failed} unavailable` : ''}
        </summary>
        <ul>
          {capabilities ? <CapabilityLine capabilities={capabilities} /> : null}
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
