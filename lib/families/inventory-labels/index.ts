import type { FindingKind, Finding } from '@/lib/contract/finding';
import type { EmptySelector } from '../types';

/**
 * inventory-labels (`inventory-labels-missing`, cause `metric-labels-allowlist`): cluster-wide by nature, so it
 * is not a per-node family. PURE.
 *
 * kube-state-metrics 2.x exports kube_node_labels and kube_pod_labels with no `label_*` labels unless
 * `--metric-labels-allowlist` names them (1.x exported every label). Panels and rules that join on a node's or
 * a pod's Kubernetes labels (`* on (node) group_left (label_topology_kubernetes_io_zone) kube_node_labels`)
 * then return nothing, on every node at once.
 *
 * THE rule: the label names the two metrics carry (Prometheus' label names API, one request for the cluster)
 * include none that starts with `label_`. Where neither metric exists there is nothing to judge by.
 */

export const INVENTORY_LABEL_METRICS = ['kube_node_labels', 'kube_pod_labels'] as const;

export const inventoryLabels = {
  id: 'inventory-labels' as const,
  title: 'Inventory labels',
  causes: { 'inventory-labels-missing': ['metric-labels-allowlist'] } as Readonly<Partial<Record<FindingKind, readonly string[]>>>,

  /** A selector of either metric that names a Kubernetes label (`label_team`) is empty where none is exported. */
  explainsEmpty: (selector: EmptySelector) => (INVENTORY_LABEL_METRICS as readonly string[]).includes(selector.metric) && selector.labels.some((label) => label.startsWith('label_')),

  /** The cluster's findings from the label names of INVENTORY_LABEL_METRICS; null: nothing to judge by. */
  findings(labelNames: readonly string[], at: string): Finding[] | null {
    if (!labelNames.includes('__name__')) return null;
    if (labelNames.some((name) => name.startsWith('label_'))) return [];
    const endpoint = `GET /api/v1/labels?${INVENTORY_LABEL_METRICS.map((metric) => `match[]=${metric}`).join('&')}`;
    return [
      {
        kind: 'inventory-labels-missing',
        cause: 'metric-labels-allowlist',
        family: 'inventory-labels',
        node: '',
        subject: 'kube-state-metrics labels',
        severity: 'info',
        layer: 'source',
        expectedByDesign: false,
        summary: 'kube_node_labels and kube_pod_labels carry no Kubernetes labels (label_*) anywhere in the cluster',
        explanation:
          "kube-state-metrics 2.x exports a node's and a pod's Kubernetes labels only where --metric-labels-allowlist names them; by default it names none, so kube_node_labels and kube_pod_labels have just the object's name. Every panel or rule that joins on those labels (by zone, node pool, team, app) returns nothing, on every node at once. This is a cluster-wide setting of kube-state-metrics, not a fault of any node.",
        evidence: [{ source: 'prometheus', endpoint, excerpt: `label names: ${labelNames.filter((name) => name !== '__name__').join(', ')} (none starts with label_)`, at }],
        remediation: {
          text: "Name the labels your dashboards join on in kube-state-metrics' --metric-labels-allowlist (kube-prometheus-stack: kube-state-metrics.metricLabelsAllowlist). Allow only the labels you need: every label is a series label on every node or pod.",
          snippet: '--metric-labels-allowlist=nodes=[kubernetes.io/os,topology.kubernetes.io/zone,node.kubernetes.io/instance-type],pods=[app.kubernetes.io/name,app.kubernetes.io/instance]',
        },
        references: [
          'https://github.com/kubernetes/kube-state-metrics/issues/1270',
          'https://github.com/kubernetes/kube-state-metrics/issues/1489',
          'https://github.com/kubernetes/kube-state-metrics/issues/1655',
          'https://github.com/prometheus-operator/kube-prometheus/issues/1910',
        ],
      },
    ];
  },
};
