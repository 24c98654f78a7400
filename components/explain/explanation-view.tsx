import type { Explanation, JoinExplanation, LinkedFinding, SelectorExplanation } from '@/lib/contract/explain';
import { findingAnchor, findingId } from '@/lib/node-view/state';
import { withCluster } from '@/lib/topology/cluster-name';

/**
 * One query's explanation: the verdict first, then each selector's ladder as a list of steps, the joins,
 * and links to the node findings that explain an empty selector. Props only: rendered by the page (server)
 * and by the dashboard view (client) alike.
 */

const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 19)} UTC`;

/** A linked finding's place: its node's page (in the explanation's cluster, where the store holds several). */
export function findingHref(finding: LinkedFinding, range: Pick<Explanation['range'], 'from' | 'to'>, cluster?: string): string {
  if (!finding.node) return withCluster('/#cluster', cluster);
  const search = new URLSearchParams({ ...(cluster ? { cluster } : {}), from: range.from, to: range.to, finding: findingId(finding) });
  return `/nodes/${encodeURIComponent(finding.node)}?${search}#${findingAnchor(finding)}`;
}

export function ExplanationSummary({ explanation }: { explanation: Explanation }) {
  const faulty = explanation.selectors.filter((selector) => selector.verdict !== 'ok').length + explanation.joins.filter((join) => join.verdict !== 'ok').length;
  const where = explanation.node ? ` for ${explanation.node}` : '';
  if (!explanation.empty && explanation.series > 0) {
    return (
      <p data-testid="explain-summary" className="explain-summary">
        <strong>Not empty{where}:</strong> {explanation.series} series at {when(explanation.at)}.{faulty > 0 ? ` ${faulty} part${faulty === 1 ? '' : 's'} of it select nothing, below.` : ''}
      </p>
    );
  }
  return (
    <p data-testid="explain-summary" className="explain-summary">
      <strong>{explanation.empty ? `Empty${where}` : `No series${where} at ${when(explanation.at)}`}:</strong>{' '}
      {explanation.empty ? `no series from ${when(new Date(explanation.range.startMs).toISOString())} to ${when(explanation.at)}.` : 'there were some earlier in the range.'} {faulty > 0 ? `${faulty} part${faulty === 1 ? '' : 's'} of the query explain${faulty === 1 ? 's' : ''} why.` : ''}
    </p>
  );
}

function Verdict({ verdict }: { verdict: string }) {
  return (
    <span className={`verdict ${verdict === 'ok' ? 'verdict-ok' : 'verdict-bad'}`} data-testid="verdict">
      {verdict}
    </span>
  );
}

function SelectorItem({ selector, range, cluster }: { selector: SelectorExplanation; range: Explanation['range']; cluster?: string }) {
  return (
    <li className="ladder-item" data-testid="selector" data-verdict={selector.verdict}>
      <div>
        <Verdict verdict={selector.verdict} /> <code className="selector">{selector.selector}</code> <span className="muted">({selector.series} series)</span>
      </div>
      <p className="reason">{selector.reason}</p>
      {selector.culprit?.matcher ? (
        <p className="culprit">
          Culprit: <code data-testid="culprit">{selector.culprit.matcher}</code>
        </p>
      ) : null}
      {selector.lastSeen ? (
        <p className="muted" data-testid="last-seen">
          Last seen {when(selector.lastSeen)}
          {selector.lastSeenCause === 'prometheus-restart' ? ', just before Prometheus itself restarted' : selector.lastSeenCause === 'prometheus-gap' ? ', just before Prometheus itself stopped storing' : ''}
        </p>
      ) : null}
      {selector.findings.length > 0 ? (
        <ul className="explain-findings">
          {selector.findings.map((finding) => (
            <li key={`${finding.node}:${finding.kind}:${finding.subject}`}>
              Explained by{' '}
              <a href={findingHref(finding, range, cluster)} data-testid="explain-finding-link">
                {finding.kind} / {finding.cause}
              </a>{' '}
              ({finding.subject}
              {finding.node ? ` on ${finding.node}` : ', cluster-wide'})
            </li>
          ))}
        </ul>
      ) : null}
      <details open={selector.verdict !== 'ok'}>
        <summary>
          {selector.steps.length} step{selector.steps.length === 1 ? '' : 's'}
        </summary>
        <ol className="steps" data-testid="steps">
          {selector.steps.map((step, i) => (
            <li key={i}>
              <code>{step.query}</code> <span className={step.series === 0 ? 'step-empty' : 'muted'}>→ {step.series}</span>
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}

function JoinItem({ join }: { join: JoinExplanation }) {
  return (
    <li className="ladder-item" data-testid="join" data-verdict={join.verdict}>
      <div>
        <Verdict verdict={join.verdict} /> <code className="selector">{join.expression}</code>
      </div>
      <p className="reason">
        {join.reason} (left {join.left}, right {join.right} series)
      </p>
      {join.example ? (
        <dl className="join-example">
          <dt>Left</dt>
          <dd>
            <code>{JSON.stringify(join.example.left)}</code>
          </dd>
          <dt>Right</dt>
          <dd>
            <code>{JSON.stringify(join.example.right)}</code>
          </dd>
          <dt>Matched on</dt>
          <dd>
            {join.example.matchOn.join(', ') || 'nothing'}; differing: <strong>{join.example.differing.join(', ') || 'none'}</strong>
          </dd>
        </dl>
      ) : null}
    </li>
  );
}

export function ExplanationView({ explanation }: { explanation: Explanation }) {
  return (
    <section className="explanation" data-testid="explanation">
      <ExplanationSummary explanation={explanation} />
      {explanation.incomplete ? (
        <p className="source-failed" role="status">
          Incomplete: {explanation.incomplete}
        </p>
      ) : null}
      {explanation.substituted !== explanation.query ? (
        <>
          <h3>As asked</h3>
          <pre data-testid="substituted">{explanation.substituted}</pre>
        </>
      ) : null}
      {explanation.substitutions.length > 0 ? (
        <table className="substitutions">
          <caption>Variables</caption>
          <thead>
            <tr>
              <th scope="col">Variable</th>
              <th scope="col">Value</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {explanation.substitutions.map((substitution) => (
              <tr key={substitution.name}>
                <td>
                  <code>${substitution.name}</code>
                </td>
                <td>
                  <code>{substitution.value || '""'}</code>
                </td>
                <td className="muted">{substitution.note ?? substitution.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h3>Selectors</h3>
      <ol className="ladder">
        {explanation.selectors.map((selector, i) => (
          <SelectorItem key={`${i}:${selector.selector}`} selector={selector} range={explanation.range} cluster={explanation.cluster} />
        ))}
      </ol>
      {explanation.joins.length > 0 ? (
        <>
          <h3>Joins</h3>
          <ol className="ladder">
            {explanation.joins.map((join) => (
              <JoinItem key={join.expression} join={join} />
            ))}
          </ol>
        </>
      ) : null}
      <p className="muted">{explanation.requests} Prometheus requests.</p>
    </section>
  );
}
