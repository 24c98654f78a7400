import { z } from 'zod';
import { ApiError, jsonRoute } from '@/lib/http/api-error';
import { sourceFailure } from '@/lib/errors';
import { clusters } from '@/lib/server/clusters';
import { gapscope } from '@/lib/server/gapscope';
import { clusterNameSchema } from '@/lib/topology/cluster-name';

export const dynamic = 'force-dynamic';

/** Names for the query editor's completion: at most this many, the editor filters further as one types. */
const MAX_NAMES = 5_000;
const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,200}$/, 'a label name');
const metricName = z.string().regex(/^[A-Za-z_:][A-Za-z0-9_:]{0,300}$/, 'a metric name');
const completionSchema = z.object({ label: labelName.optional(), metric: metricName.optional(), cluster: clusterNameSchema.optional() });

/**
 * GET /api/v1/completions?label=&metric=&cluster=: the label names of a metric (no label), or a label's values
 * (label=__name__: the metric names), from the configured Prometheus, for the /explain editor. The browser
 * never talks to Prometheus: its address and credentials stay on the server (docs/api.md).
 */
export const GET = jsonRoute(async (request) => {
  const search = new URL(request.url).searchParams;
  const parsed = completionSchema.safeParse({ label: search.get('label') || undefined, metric: search.get('metric') || undefined, cluster: search.get('cluster') || undefined });
  if (!parsed.success) throw ApiError.fromZod(parsed.error);
  const { label, metric, cluster } = parsed.data;
  // Of the cluster asked (or the store's only one); names of every cluster where none is said.
  const choice = await clusters().choose(cluster);
  const prometheus = ('pick' in choice ? gapscope() : choice.gapscope).prometheus;
  const selectors = metric ? [metric] : [];
  let names: string[];
  try {
    names = label ? await prometheus.labelValues(label, selectors) : await prometheus.labelNames(selectors.length > 0 ? selectors : ['{__name__=~".+"}'], Date.now(), Date.now() - 3_600_000);
  } catch (error) {
    // Completion is a convenience: the editor works without it, and says why there is none.
    return { names: [], truncated: false, error: sourceFailure(error, { source: 'prometheus', endpoint: 'completions' }).detail };
  }
  return { names: names.slice(0, MAX_NAMES), truncated: names.length > MAX_NAMES };
});
