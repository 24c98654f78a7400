import type { Finding } from '@/lib/contract/finding';
import { withoutDockerFactory } from '../cadvisor-labels/causes';
import { defineFamily, queryOf, type Observation, type QueryScope } from '../types';

/**
 * cadvisor-network (`cadvisor-network-missing`): the node's pods have no `container_network_*` series; only
 * the machine's (`id="/"`) remain. PURE.
 *
 * cAdvisor reads a pod's network statistics from a process in the pod's network namespace: the pod's
 * sandbox (infra, "pause") container. Where there is none, or the kubelet takes container stats from the
 * runtime's CRI instead of cAdvisor, pods have no network series at all.
 *
 * THE rule, per node at one instant: kube-state-metrics lists running pods off the host network on the node
 * (a hostNetwork pod shares the node's interfaces and has nothing of its own to report), and the node's
 * cAdvisor has network series for none of them. Where cAdvisor attributes no container to a pod at all, its
 * labels are empty (a cadvisor-labels finding) and that explains the network series too, except through
 * cri-dockerd, whose pods lose both for two reasons of their own. Causes, from the runtime kube_node_info reports:
 * - `no-infra-container`: CRI-O, which drops the infra container by default (drop_infra_ctr);
 * - `cri-stats-provider`: Docker through cri-dockerd (a kubelet of 1.24 or later), whose CRI stats carry
 *   no sandbox network statistics;
 * - `unknown`: anything else (containerd with the PodAndContainerStatsFromCRI feature gate, for instance).
 */

interface NetworkDetail {
  /** Running pods off the host network on the node. */
  expected: number;
  cause: 'no-infra-container' | 'cri-stats-provider' | 'unknown';
}

const SUBJECT = 'pod network series';

/** The node's running pods that are not on the host network, one series each. */
const offHostNetwork = (scope: QueryScope) =>
  `count by (node) (max by (namespace, pod, node) (${scope.ksm('kube_pod_info', 'host_network="false"')}) and on (namespace, pod) ${scope.restore('kube_pod_status_phase{phase="Running"} == 1')})`;

/** How many of the node's pods have series of `metric` under their own pod label. */
const podsWith = (scope: QueryScope, metric: string, ...matchers: string[]) => `count by (job, instance) (count by (job, instance, namespace, pod) (${scope.select(metric, 'pod!=""', ...matchers)}))`;

function causeOf(observation: Observation): NetworkDetail['cause'] {
  const runtime = observation.node.containerRuntime;
  if (runtime.startsWith('cri-o://')) return 'no-infra-container';
  if (runtime.startsWith('docker://') && withoutDockerFactory(observation.node.kubeletVersion)) return 'cri-stats-provider';
  return 'unknown';
}

const EXPLANATIONS: Record<NetworkDetail['cause'], { text: string; fix: Finding['remediation'] }> = {
  'no-infra-container': {
    text: "The node runs CRI-O, which by default starts pods without an infra (pause) container (drop_infra_ctr = true). cAdvisor reads a pod's network statistics from the infra container's network namespace, so with none there are no per-pod container_network_* series; only the machine's (id=\"/\") remain.",
    fix: {
      text: "Either turn the infra container back on in CRI-O's configuration and restart CRI-O (pods created afterwards get network series), or take pod network metrics from the kubelet's CRI stats (/metrics/resource, /stats/summary) instead of cAdvisor.",
      snippet: '# /etc/crio/crio.conf.d/10-infra.conf\n[crio.runtime]\ndrop_infra_ctr = false',
    },
  },
  'cri-stats-provider': {
    text: "The node runs Docker through cri-dockerd (kubelets since 1.24 have no built-in Docker support). The kubelet's cAdvisor no longer knows Docker's sandbox containers, and the CRI stats it gets instead carry no network statistics per pod, so container_network_* exists only for the machine (id=\"/\").",
    fix: { text: 'Move the node to containerd or CRI-O (with its infra container), whose pod sandboxes cAdvisor can read; until then, take pod network metrics from another source (an eBPF exporter, the CNI plugin\'s metrics).' },
  },
  unknown: {
    text: "cAdvisor exposes no network series for any pod on this node, only for the machine (id=\"/\"). The runtime reported in kube_node_info does not explain it: check whether the kubelet takes container stats from the runtime (the PodAndContainerStatsFromCRI feature gate in its /configz), and whether the pods' sandboxes appear in /metrics/cadvisor at all.",
    fix: { text: "Compare the kubelet's /metrics/cadvisor on this node with a node that has pod network series: look for the pods' sandbox cgroups and the kubelet's feature gates." },
  },
};

export const cadvisorNetwork = defineFamily<NetworkDetail>({
  id: 'cadvisor-network',
  title: 'Pod network',
  causes: { 'cadvisor-network-missing': ['no-infra-container', 'cri-stats-provider', 'unknown'] },
  // The cAdvisor families share one request: the fleet's query budget (lib/server/gather.ts).
  request: 'cadvisor-labels',
  parts: {
    expected: { of: 'node', needs: 'cadvisor', promql: offHostNetwork },
    // Containers' own series (container set): pod-level cgroups keep their pod label even where containers lose theirs.
    labelled: { of: 'cadvisor', promql: (scope) => podsWith(scope, 'container_cpu_usage_seconds_total', 'container!=""') },
    // Network series belong to the pod's sandbox, whose container label is empty.
    networked: { of: 'cadvisor', promql: (scope) => podsWith(scope, 'container_network_receive_bytes_total') },
  },
  absent: 'ok',

  rule(observation) {
    const answers = observation.parts['cadvisor-network'];
    if (!answers?.expected || !answers.labelled || !answers.networked) return null;
    const sum = (samples: readonly { value: number }[]) => samples.reduce((total, sample) => total + sample.value, 0);
    const [expected, labelled, networked] = [sum(answers.expected), sum(answers.labelled), sum(answers.networked)];
    const detail = { expected, cause: causeOf(observation) };
    // No pod has any cAdvisor series of its own: the labels finding explains it (see cadvisor-labels), unless
    // cri-dockerd, which also takes its pods' network from CRI stats.
    if (labelled === 0 && detail.cause !== 'cri-stats-provider') return [{ subject: SUBJECT, state: 'no-data', title: 'pods with network series', quiet: true, detail }];
    if (expected > 0 && networked === 0) return [{ subject: SUBJECT, state: 'fault', kind: 'cadvisor-network-missing', cause: detail.cause, title: 'pods with network series', value: 0, detail }];
    return [{ subject: SUBJECT, state: 'ok', title: 'pods with network series', value: networked, quiet: true, detail }];
  },

  describe({ detail }, observation) {
    const { text, fix } = EXPLANATIONS[detail.cause];
    const node = observation.node.name;
    return [
      {
        kind: 'cadvisor-network-missing',
        cause: detail.cause,
        family: 'cadvisor-network',
        node,
        subject: SUBJECT,
        severity: 'warning',
        layer: 'source',
        expectedByDesign: false,
        summary: `None of the ${detail.expected} running pods off the host network on ${node} has container_network_* series (${detail.cause})`,
        explanation: text,
        evidence: [
          { source: 'prometheus', query: queryOf(observation, 'cadvisor-network', 'expected'), excerpt: `${detail.expected} running pods with host_network="false" on ${node}`, value: detail.expected, at: observation.at },
          { source: 'prometheus', query: queryOf(observation, 'cadvisor-network', 'networked'), excerpt: 'no container_network_receive_bytes_total series with a pod label from this node', value: 0, at: observation.at },
          { source: 'prometheus', query: `kube_node_info{node="${node}"}`, excerpt: `container_runtime_version="${observation.node.containerRuntime}", kubelet_version="${observation.node.kubeletVersion}"`, at: observation.at },
        ],
        remediation: fix,
        references: [
          'https://github.com/google/cadvisor/issues/3577',
          'https://github.com/kubernetes/kubernetes/issues/126682',
          'https://github.com/kubernetes/kubernetes/issues/122182',
          ...(detail.cause === 'no-infra-container' ? ['https://github.com/cri-o/cri-o/issues/6657'] : []),
          ...(detail.cause === 'unknown' ? ['https://github.com/containerd/containerd/issues/10506'] : []),
        ],
      },
    ];
  },

  explainsEmpty: (selector) => selector.metric.startsWith('container_network_'),
  explain({ to, atMs, verdict }, context) {
    if (to !== 'gap' || !verdict) return null;
    const runtimeSwitch = context.latest(atMs, (event) => event.kind === 'runtime-switch');
    if (runtimeSwitch) return { text: `Pod network series stopped ${context.after(runtimeSwitch, atMs)} the runtime switched from ${runtimeSwitch.fromVersion} to ${runtimeSwitch.toVersion} (${verdict.detail.cause}).`, events: [runtimeSwitch] };
    return { text: `From ${context.clock(atMs)} no pod on this node off the host network has network series (${verdict.detail.cause}).`, events: [] };
  },
});

