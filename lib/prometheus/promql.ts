/** A PromQL label matcher value: backslashes and quotes escaped (https://prometheus.io/docs/prometheus/latest/querying/basics/). */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Equality matchers for labels: { job: 'kubelet' } -> ['job="kubelet"']. */
export function matchersOf(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([name, value]) => `${name}=${quoteLabelValue(value)}`);
}


/** Escapes a literal for use inside a PromQL regex matcher. */
export function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Prometheus scraping itself: job "prometheus", "prometheus-k8s", "serviceMonitor/monitoring/prometheus-k8s/0";
 * joined with prometheus_build_info, which only Prometheus exposes, to tell it from anything else so named.
 */
export const PROMETHEUS_JOBS = 'job=~".*prometheus.*"';

/** The label that tells the parts of a batched query apart; removed again by splitBatch. */
export const BATCH_PART_LABEL = 'gapscope_part';

/**
 * Several instant queries as one request: each part tagged with `label_replace` and joined with `or`.
 * Prometheus admits only `--query.max-concurrency` queries at a time (20 by default) and every HTTP request
 * takes a slot and a round trip; a family's few selective queries cost the same series either way. The tag
 * matters: `or` drops right-hand series whose labels (the name aside) equal a left-hand one, so
 * `node_filesystem_size_bytes or node_filesystem_free_bytes` would lose every free series.
 */
export function batchQuery(parts: Record<string, string>): string {
  const keys = Object.keys(parts);
  if (keys.length === 0) throw new RangeError('a batch needs at least one query');
  return keys.map((key) => `label_replace(${parts[key]}, ${quoteLabelValue(BATCH_PART_LABEL)}, ${quoteLabelValue(key)}, "", "")`).join(' or ');
}

/** The samples of a batched query, split back by part, each without the tag. */
export function splitBatch<K extends string, S extends { labels: Record<string, string> }>(keys: readonly K[], samples: readonly S[]): Record<K, S[]> {
  const byPart = Object.fromEntries(keys.map((key) => [key, [] as S[]])) as Record<K, S[]>;
  for (const sample of samples) {
    const { [BATCH_PART_LABEL]: part, ...labels } = sample.labels;
    if (part !== undefined && Object.hasOwn(byPart, part)) byPart[part as K].push({ ...sample, labels });
  }
  return byPart;
}
