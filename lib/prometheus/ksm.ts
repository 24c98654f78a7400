import { quoteLabelValue } from './promql';

/**
 * kube-state-metrics selectors that hold whatever the scrape job's honor_labels. PURE.
 *
 * kube-state-metrics' series carry the object's own `node`, `namespace`, `pod` and `container`. Scraped by a
 * job whose targets carry those labels too (a `kubernetes-pods` style job adds the KSM pod's own namespace and
 * pod, a service-endpoints job its node) without honor_labels, Prometheus keeps the target's values and moves
 * the object's to `exported_node`, `exported_namespace`, ...; every join on them then goes wrong. Each KSM
 * selector is wrapped so that an `exported_*` label, where present, becomes the label again, and a node filter
 * picks the series by the object's node, never by where kube-state-metrics runs.
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config (honor_labels)
 */

/** The object labels that a scrape target may also carry. */
const OBJECT_LABELS = ['node', 'namespace', 'pod', 'container'] as const;

function selector(metric: string, matchers: readonly string[]): string {
  return matchers.length > 0 ? `${metric}{${matchers.join(',')}}` : metric;
}

/**
 * Restores every object label of a kube-state-metrics expression from its `exported_` copy where one exists
 * (label_replace leaves other series as they are). Filter first (`kube_pod_status_phase == 1`), then restore.
 */
export function restored(expression: string): string {
  return OBJECT_LABELS.reduce((inner, label) => `label_replace(${inner}, "${label}", "$1", "exported_${label}", "(.+)")`, expression);
}

/**
 * `metric{matchers}` with the object's own labels; `node` given: only the series of objects on that node
 * (`node` itself, where no `exported_node` says otherwise, or `exported_node`).
 */
export function ksmSelector(metric: string, matchers: readonly string[] = [], node?: string): string {
  if (node === undefined) return restored(selector(metric, matchers));
  const name = quoteLabelValue(node);
  return restored(`(${selector(metric, [...matchers, `node=${name}`, 'exported_node=""'])} or ${selector(metric, [...matchers, `exported_node=${name}`])})`);
}
