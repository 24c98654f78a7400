import { ApiError } from '@/lib/http/api-error';
import type { ExplainInput } from '@/lib/explain/request';
import { standardDashboard } from '@/lib/server/dashboards';
import { clusters } from '@/lib/server/clusters';
import { SourcePanel } from '@/components/source-panel';
import { DashboardView } from './dashboard-view';
import { ExplanationView } from './explanation-view';

/**
 * The server side of /explain and /embed/explain: the explanation of the query in the URL, or of a
 * configured dashboard. A request error (a variable without a value, a syntax error, an unknown node) is
 * shown in place of the answer; a failing Prometheus degrades the answer and says why.
 */

function Problem({ error }: { error: unknown }) {
  if (!(error instanceof ApiError)) throw error;
  return (
    <p className="source-failed" role="alert" data-testid="explain-error">
      {error.code === 'unknown-node' ? 'Unknown node: ' : error.code === 'unknown-cluster' ? 'Unknown cluster: ' : error.code === 'bad-request' || error.code === 'cluster-required' || error.code === 'ambiguous-node' ? 'Cannot explain this: ' : ''}
      {error.message}
    </p>
  );
}

const askedOf = (input: ExplainInput) => ({ ...(input.node ? { node: input.node } : {}), range: input.range, requested: input.vars });

/** The answer, or the request's own error (ApiError) to show in its place; anything else is thrown on. */
async function attempt<T>(compute: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await compute() };
  } catch (error) {
    return { ok: false, error };
  }
}

export async function QueryExplanation({ input, now }: { input: ExplainInput; now: number }) {
  const answer = await attempt(async () => (await clusters().forExplain(input, now)).gapscope.explain(input.query!, askedOf(input), now));
  if (!answer.ok) return <Problem error={answer.error} />;
  return (
    <>
      <ExplanationView explanation={answer.value} />
      <SourcePanel sources={answer.value.sources} />
    </>
  );
}

export async function StandardDashboardExplanation({ id, input, now }: { id: string; input: ExplainInput; now: number }) {
  const dashboard = standardDashboard(id);
  if (!dashboard) return <Problem error={new ApiError(404, 'bad-request', `no dashboard "${id}" in GAPSCOPE_DASHBOARDS_DIR`)} />;
  const answer = await attempt(async () => (await clusters().forExplain(input, now)).gapscope.explainDashboard(dashboard, askedOf(input), now));
  return answer.ok ? <DashboardView result={answer.value} /> : <Problem error={answer.error} />;
}
