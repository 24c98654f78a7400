import type { DashboardExplanation } from '@/lib/contract/explain';
import { SourcePanel } from '@/components/source-panel';
import { ExplanationView } from './explanation-view';

/** A dashboard's panel queries for a node, the empty ones first, each with its explanation. Props only. */
export function DashboardView({ result }: { result: DashboardExplanation }) {
  const where = result.node ? ` for ${result.node}` : '';
  return (
    <section className="dashboard-result" data-testid="dashboard-result">
      <h2>{result.title}</h2>
      <p className="explain-summary" data-testid="dashboard-summary">
        <strong>
          {result.emptyPanels} of {result.totalPanels} panels are empty{where}
        </strong>{' '}
        ({result.empty} of {result.total} queries){result.empty > 0 ? '; the empty ones first, and why.' : '.'} <span className="muted">({result.requests} Prometheus requests)</span>
      </p>
      {result.incomplete ? (
        <p className="source-failed" role="status">
          Incomplete: {result.incomplete}
        </p>
      ) : null}
      <SourcePanel sources={result.sources} />
      <ol className="panels">
        {result.panels.map((panel, i) => (
          <li key={`${i}:${panel.panel}:${panel.refId}`} data-testid="panel" data-empty={panel.empty}>
            <details open={panel.empty && panel.explanation !== undefined && i < 5}>
              <summary>
                <span className={`verdict ${panel.error ? 'verdict-bad' : panel.empty ? 'verdict-bad' : 'verdict-ok'}`}>{panel.error ? 'not asked' : panel.empty ? 'empty' : `${panel.series} series`}</span> <strong>{panel.panel}</strong> <span className="muted">{panel.refId}</span>
              </summary>
              <pre>{panel.substituted}</pre>
              {panel.error ? <p className="source-failed">{panel.error}</p> : null}
              {panel.explanation ? <ExplanationView explanation={panel.explanation} /> : panel.empty ? <p className="muted">Not explained here (the dashboard&apos;s request budget was spent); open it on its own:{' '}<a href={`/explain?${new URLSearchParams({ query: panel.substituted, ...(result.node ? { node: result.node } : {}), ...(result.cluster ? { cluster: result.cluster } : {}), from: result.range.from, to: result.range.to })}`}>explain this query</a>.</p> : null}
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
