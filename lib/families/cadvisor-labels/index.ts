import { quoteLabelValue } from '@/lib/prometheus/promql';
import { defineFamily, queryOf, samplesOf } from '../types';
import { CONTAINER_CGROUP_REGEX, EMPTY_LABEL_CAUSES, emptyLabelsCause, isContainerCgroup, listOf } from './causes';

/**
 * cadvisor-labels. PURE.
 * - `cadvisor-labels-empty`: cAdvisor exports container cgroups without image and name (and often pod,
 *   namespace, container), so every per-pod panel misses them. Subject: the node's container cgroups.
 * - `cadvisor-legacy-labels` (cause `pre-1-16-label-names`): series still labelled pod_name/container_name.
 * Only container cgroups count: `id="/"`, system slices and pod-level cgroups never carry image or name.
 */

type CadvisorDetail = { kind: 'empty'; ids: string[] } | { kind: 'legacy'; series: number };

const CONTAINERS = `id=~${quoteLabelValue(CONTAINER_CGROUP_REGEX)}`;
const EMPTY_SUBJECT = 'container cgroups';
const LEGACY_SUBJECT = 'pod_name / container_name labels';

export const cadvisorLabels = defineFamily<CadvisorDetail>({
  id: 'cadvisor-labels',
  title: 'cAdvisor labels',
  causes: { 'cadvisor-labels-empty': EMPTY_LABEL_CAUSES, 'cadvisor-legacy-labels': ['pre-1-16-label-names'] },
  parts: {
    unlabelled: {
      of: 'cadvisor',
      promql: (scope) => `${scope.select('container_cpu_usage_seconds_total', CONTAINERS, 'image=""')} or ${scope.select('container_cpu_usage_seconds_total', CONTAINERS, 'name=""')}`,
    },
    legacy: { of: 'cadvisor', promql: (scope) => `count by (job, instance) (${scope.select('container_cpu_usage_seconds_total', 'pod_name!=""')})` },
  },
  absent: 'ok',

  rule(observation) {
    const unlabelled = observation.parts['cadvisor-labels']?.unlabelled;
    if (!unlabelled) return null;
    const ids = unlabelled.map((sample) => sample.labels.id ?? '').filter(isContainerCgroup);
    const starts = observation.starts;
    const title = 'container series with empty image/name';
    const empty = ids.length > 0
      ? { subject: EMPTY_SUBJECT, state: 'fault' as const, kind: 'cadvisor-labels-empty' as const, cause: emptyLabelsCause({ kubeletStartedAt: starts.kubelet, runtimeStartedAt: starts.runtime, runtimeVersion: observation.node.containerRuntime }).cause, title, value: ids.length, detail: { kind: 'empty' as const, ids } }
      : { subject: EMPTY_SUBJECT, state: 'ok' as const, title, value: 0, detail: { kind: 'empty' as const, ids } };
    const series = samplesOf(observation, 'cadvisor-labels', 'legacy').reduce((sum, sample) => sum + sample.value, 0);
    const legacyTitle = 'series with pod_name / container_name';
    const legacy = series > 0
      ? { subject: LEGACY_SUBJECT, state: 'fault' as const, kind: 'cadvisor-legacy-labels' as const, cause: 'pre-1-16-label-names', title: legacyTitle, value: series, detail: { kind: 'legacy' as const, series } }
      : { subject: LEGACY_SUBJECT, state: 'ok' as const, title: legacyTitle, quiet: true, detail: { kind: 'legacy' as const, series } };
    return [empty, legacy];
  },

  describe({ detail }, observation) {
    const node = observation.node.name;
    const at = observation.at;
    if (detail.kind === 'legacy') {
      return [
        {
          kind: 'cadvisor-legacy-labels',
          cause: 'pre-1-16-label-names',
          family: 'cadvisor-labels',
          node,
          subject: LEGACY_SUBJECT,
          severity: 'info',
          layer: 'stored',
          expectedByDesign: false,
          summary: `${detail.series} cAdvisor series use pod_name and container_name, which current dashboards no longer query`,
          explanation: 'Kubernetes 1.16 renamed the cAdvisor labels pod_name and container_name to pod and container. Dashboards and recording rules written since query the new names and find nothing on this node.',
          evidence: [{ source: 'prometheus', query: queryOf(observation, 'cadvisor-labels', 'legacy'), excerpt: `${detail.series} series with pod_name`, value: detail.series, at }],
          remediation: { text: 'Upgrade the kubelet, or copy the labels in metric_relabel_configs.', snippet: '- source_labels: [pod_name]\n  target_label: pod\n- source_labels: [container_name]\n  target_label: container' },
          references: ['https://github.com/kubernetes/kubernetes/pull/80376'],
        },
      ];
    }
    const containers = samplesOf(observation, 'cadvisor-labels', 'unlabelled').filter((sample) => isContainerCgroup(sample.labels.id ?? ''));
    const missing = ['image', 'name', 'pod', 'namespace', 'container'].filter((label) => containers.every((series) => !series.labels[label]));
    const { starts } = observation;
    const { cause, explanation, remediation } = emptyLabelsCause({ kubeletStartedAt: starts.kubelet, runtimeStartedAt: starts.runtime, runtimeVersion: observation.node.containerRuntime });
    const count = detail.ids.length;
    return [
      {
        kind: 'cadvisor-labels-empty',
        cause,
        family: 'cadvisor-labels',
        node,
        subject: EMPTY_SUBJECT,
        severity: 'critical',
        layer: 'source',
        expectedByDesign: false,
        summary: `${count} container series on ${node} have empty ${listOf(missing) || 'image or name'} labels (${cause})`,
        explanation,
        evidence: [
          { source: 'prometheus', query: queryOf(observation, 'cadvisor-labels', 'unlabelled'), excerpt: detail.ids.slice(0, 3).map((id) => `id="${id}"`).join('\n'), value: count, at },
          ...(starts.kubelet !== undefined || starts.runtime !== undefined
            ? [{ source: 'prometheus' as const, query: starts.query, excerpt: `kubelet started ${starts.kubelet ? new Date(starts.kubelet).toISOString() : 'unknown'}, runtime started ${starts.runtime ? new Date(starts.runtime).toISOString() : 'unknown'}`, at }]
            : []),
        ],
        remediation,
        references: [
          'https://github.com/google/cadvisor/issues/3336',
          'https://github.com/kubernetes/kubernetes/issues/89903',
          ...(cause === 'runtime-socket-unreachable' ? ['https://github.com/k3s-io/k3s/issues/2831', 'https://github.com/k0sproject/k0s/issues/625'] : []),
        ],
      },
    ];
  },

  explain({ to, atMs, verdict }, context) {
    if (to !== 'gap' || verdict?.detail.kind !== 'empty') return null;
    const kubelet = context.latest(atMs, (event) => event.kind === 'restart' && event.component === 'kubelet');
    // The runtime's (re)start after the kubelet's, within the cause window: the factory found no runtime.
    const runtime = kubelet && context.events.find((event) => event.kind === 'restart' && event.component === 'runtime' && event.atMs > kubelet.atMs && event.atMs - kubelet.atMs <= 30 * 60_000);
    if (kubelet && runtime) {
      return {
        text: `Empty image/name labels began ${context.after(kubelet, atMs)} the kubelet restarted at ${context.clock(kubelet.atMs)}, while the runtime (${runtime.process}) only started at ${context.clock(runtime.atMs)}: cAdvisor registered no factory for it. Restarting the kubelet once the runtime is up restores them.`,
        events: [kubelet, runtime],
      };
    }
    const runtimeSwitch = context.latest(atMs, (event) => event.kind === 'runtime-switch');
    if (runtimeSwitch) {
      return { text: `Empty image/name labels began ${context.after(runtimeSwitch, atMs)} the runtime switched from ${runtimeSwitch.fromVersion} to ${runtimeSwitch.toVersion}: the kubelet's cAdvisor does not talk to the new runtime's socket yet.`, events: [runtimeSwitch] };
    }
    if (kubelet) {
      return { text: `Empty image/name labels began ${context.after(kubelet, atMs)} the kubelet restarted at ${context.clock(kubelet.atMs)}, with the runtime already up: the kubelet could not reach the runtime (check --container-runtime-endpoint).`, events: [kubelet] };
    }
    return { text: `Empty image/name labels began at ${context.clock(atMs)}, with no kubelet or runtime restart in the 30 min before.`, events: [] };
  },
});
