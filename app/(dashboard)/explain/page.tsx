import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { DashboardUpload } from '@/components/explain/dashboard-upload';
import { QueryExplanation, StandardDashboardExplanation } from '@/components/explain/explain-results';
import { QueryEditor } from '@/components/explain/query-editor';
import { readExplainPage } from '@/lib/explain/page-state';
import { requestTime } from '@/lib/request-time';
import { standardDashboards } from '@/lib/server/dashboards';
import { withCluster } from '@/lib/topology/cluster-name';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Why is this panel empty?' };

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function Explaining() {
  return (
    <div role="status" aria-label="Asking Prometheus" data-testid="explain-loading">
      <p className="muted">Asking Prometheus, one step at a time…</p>
      <div className="skeleton" />
      <div className="skeleton" />
    </div>
  );
}

/** /explain?query=&node=&cluster=&from=&to=&var-<name>=, or &dashboard=<id>: why a query or a dashboard is empty. */
export default async function ExplainPage({ searchParams }: Props) {
  const search = await searchParams;
  const now = requestTime();
  const state = readExplainPage(search, now);
  const dashboards = standardDashboards();
  const variables = Object.entries(search).filter(([key]) => key.startsWith('var-'));
  return (
    <>
      <p>
        <Link href={withCluster('/', state.cluster)}>Fleet</Link> /{state.node ? <> <Link href={withCluster(`/nodes/${encodeURIComponent(state.node)}`, state.cluster)}>{state.node}</Link> /</> : null}
      </p>
      <h1>Why is this panel empty?</h1>
      <p className="muted">
        Paste a panel&apos;s query (Grafana&apos;s variables allowed), pick a node and a range: gapscope asks Prometheus which part of it selects nothing, and which of the node&apos;s findings explains it.
      </p>
      <form method="get" action="/explain" className="explain-form" data-testid="explain-form">
        <label htmlFor="query-input">Query</label>
        <textarea id="query-input" name="query" rows={3} defaultValue={state.query} spellCheck={false} data-testid="query-input" />
        <QueryEditor textareaId="query-input" />
        <div className="explain-fields">
          <label>
            Node <input name="node" defaultValue={state.node} placeholder="node name" data-testid="node-input" />
          </label>
          <label>
            Cluster <input name="cluster" defaultValue={state.cluster} placeholder="where the store holds several" size={14} data-testid="cluster-input" />
          </label>
          <label>
            From <input name="from" defaultValue={state.from} size={12} />
          </label>
          <label>
            To <input name="to" defaultValue={state.to} size={12} />
          </label>
          {variables.map(([key, value]) => (
            <input key={key} type="hidden" name={key} value={String(Array.isArray(value) ? value[0] : value)} />
          ))}
          <button type="submit" data-testid="explain-submit">
            Explain
          </button>
        </div>
      </form>
      {state.error ? (
        <p className="source-failed" role="alert" data-testid="explain-error">
          Cannot explain this: {state.error}
        </p>
      ) : null}
      {state.input?.query ? (
        <Suspense key={JSON.stringify(state.input)} fallback={<Explaining />}>
          <QueryExplanation input={state.input} now={now} />
        </Suspense>
      ) : null}
      {state.input && state.dashboard && !state.input.query ? (
        <Suspense key={`${state.dashboard}:${JSON.stringify(state.input)}`} fallback={<Explaining />}>
          <StandardDashboardExplanation id={state.dashboard} input={state.input} now={now} />
        </Suspense>
      ) : null}
      {dashboards && dashboards.length > 0 ? (
        <section className="panel" aria-labelledby="standard-heading">
          <h2 id="standard-heading">Standard dashboards</h2>
          <ul data-testid="standard-dashboards">
            {dashboards.map((dashboard) => (
              <li key={dashboard.id}>
                {dashboard.error ? (
                  <span className="muted">
                    {dashboard.title}: {dashboard.error}
                  </span>
                ) : (
                  <Link href={`/explain?${new URLSearchParams({ dashboard: dashboard.id, ...(state.node ? { node: state.node } : {}), ...(state.cluster ? { cluster: state.cluster } : {}), from: state.from, to: state.to })}`}>{dashboard.title}</Link>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <DashboardUpload {...(state.node ? { node: state.node } : {})} {...(state.cluster ? { cluster: state.cluster } : {})} from={state.from} to={state.to} />
    </>
  );
}
