import type { Finding } from '@/lib/contract/finding';
import { quoteLabelValue } from '@/lib/prometheus/promql';
import { defineFamily, isWindows, queryOf, samplesOf, WINDOWS_REFERENCES, type Observation, type QueryScope } from '../types';
import { CONTAINER_CGROUP_REGEX, EMPTY_LABEL_CAUSES, emptyLabelsCause, isContainerCgroup, listOf, runtimeUnitIn, type CauseInput } from './causes';
import { SCRAPE_ERROR_CAUSE, scrapeErrorFinding } from './scrape-error';
import { classifyContainers, containerLayers, droppedBy, unlabelledCgroup, type ContainerVerdict, type DroppedBy } from './layers';

/**
 * cadvisor-labels. PURE.
 * - `cadvisor-labels-empty`: cAdvisor exports container cgroups without image and name (and often pod,
 *   namespace, container), so every per-pod panel misses them. Seen stored, or at the kubelet itself where
 *   the scrape job drops them (kube-prometheus-stack drops every cgroup series whose pod is empty).
 * - `cadvisor-container-series-missing`: running containers (kube-state-metrics) with no series stored
 *   under their pod and name, and nothing stored or read that shows empty labels. Causes:
 *   `dropped-before-storage` (a rule of the cadvisor job's metric_relabel_configs drops them, or would drop
 *   them once their labels are empty: the kubelet tells which), `not-at-source` (the kubelet's cAdvisor has
 *   no cgroup for them), `not-stored` (nothing explains it).
 * - `cadvisor-scrape-error` (cause `container-scrape-error`): cAdvisor says it failed to read containers
 *   (`container_scrape_error 1`, ./scrape-error.ts); it explains the containers without series, in place of
 *   `cadvisor-container-series-missing`, unless labels are empty, which explains more.
 * - `cadvisor-legacy-labels` (cause `pre-1-16-label-names`): series still labelled pod_name/container_name.
 * Only container cgroups count: `id="/"`, system slices and pod-level cgroups never carry image or name.
 * Subject of the first two: the node's container cgroups, one lane.
 */

type CadvisorDetail =
  | { kind: 'empty'; ids: string[]; expected: number; containers: ContainerVerdict[]; wouldDrop?: DroppedBy }
  /** `atSourceOnly`: the kubelet serves them but none is stored (a rule dropped them: no `pod` label). */
  | { kind: 'legacy'; series: number; atSourceOnly: boolean };

const CONTAINERS = `id=~${quoteLabelValue(CONTAINER_CGROUP_REGEX)}`;
const EMPTY_SUBJECT = 'container cgroups';
const LEGACY_SUBJECT = 'pod_name / container_name labels';
/** A pod created within this long may not have been scraped yet: its containers are not expected yet. */
const GRACE_SECONDS = 120;

/**
 * The node's running containers with the runtime's id (kube_pod_container_info), one series each however
 * many kube-state-metrics replicas export them. A pod just created is left out for GRACE_SECONDS.
 */
const running = (scope: QueryScope) =>
  `max by (namespace, pod, container, container_id) (${scope.kube('kube_pod_container_info', 'container_id!=""')}) * on (namespace, pod) group_left (node) max by (namespace, pod, node) (${scope.ksm('kube_pod_info')} and on (namespace, pod) ${scope.restore('kube_pod_status_phase{phase="Running"} == 1')} unless on (namespace, pod) ${scope.restore(`kube_pod_created > time() - ${GRACE_SECONDS}`)})`;

/** Where the causes are read: the kubelet's own start times where it was read, else the stored ones. */
function causeInput(observation: Observation): CauseInput {
  const source = observation.cadvisorSource;
  const { starts } = observation;
  const versions = { runtimeVersion: observation.node.containerRuntime, kubeletVersion: observation.node.kubeletVersion };
  if (!source?.cgroups) return { kubeletStartedAt: starts.kubelet, runtimeStartedAt: starts.runtime, ...versions };
  const runtimeUnit = runtimeUnitIn(source.units);
  return {
    kubeletStartedAt: source.units.kubelet?.startedAt ?? source.summary?.kubeletStartedAt ?? starts.kubelet,
    runtimeStartedAt: runtimeUnit ? source.units[runtimeUnit]!.startedAt : undefined,
    ...versions,
  };
}

/** cadvisor-container-series-missing's cause: the first layer that lacks the containers. */
function missingCause(containers: readonly ContainerVerdict[], wouldDrop: DroppedBy | undefined): string {
  if (containers.some((container) => container.missing.reason === 'dropped-before-storage')) return 'dropped-before-storage';
  if (containers.every((container) => container.missing.reason === 'not-at-source')) return 'not-at-source';
  if (containers.every((container) => container.missing.reason === 'not-stored') && wouldDrop) return 'dropped-before-storage';
  return 'not-stored';
}

const podList = (containers: readonly ContainerVerdict[]) => {
  const names = containers.slice(0, 3).map((container) => `${container.namespace}/${container.pod} ${container.container}`);
  return containers.length > 3 ? `${names.join(', ')} and ${containers.length - 3} more` : names.join(', ');
};

const ruleEvidence = (rule: DroppedBy, at: string): Finding['evidence'][number] => ({
  source: 'prometheus',
  endpoint: 'GET /api/v1/status/config',
  excerpt: `scrape job ${rule.job}, metric_relabel_configs ${rule.rule}`,
  at,
});

export const cadvisorLabels = defineFamily<CadvisorDetail>({
  id: 'cadvisor-labels',
  title: 'cAdvisor labels',
  causes: {
    'cadvisor-labels-empty': EMPTY_LABEL_CAUSES,
    'cadvisor-container-series-missing': ['dropped-before-storage', 'not-at-source', 'not-stored', 'windows-node'],
    'cadvisor-legacy-labels': ['pre-1-16-label-names'],
    'cadvisor-scrape-error': [SCRAPE_ERROR_CAUSE],
  },
  parts: {
    unlabelled: {
      of: 'cadvisor',
      promql: (scope) => `${scope.select('container_cpu_usage_seconds_total', CONTAINERS, 'image=""')} or ${scope.select('container_cpu_usage_seconds_total', CONTAINERS, 'name=""')}`,
    },
    legacy: { of: 'cadvisor', promql: (scope) => `count by (job, instance) (${scope.select('container_cpu_usage_seconds_total', 'pod_name!=""')})` },
    expected: { of: 'node', needs: 'cadvisor', promql: (scope) => `count by (node) (${running(scope)})` },
    scrapeError: { of: 'cadvisor', promql: (scope) => `${scope.select('container_scrape_error')} == 1` },
    unstored: { of: 'node', needs: 'cadvisor', promql: (scope) => `${running(scope)} unless on (namespace, pod, container) ${scope.select('container_cpu_usage_seconds_total', 'container!=""')}` },
  },
  absent: 'ok',

  rule(observation) {
    const unlabelled = observation.parts['cadvisor-labels']?.unlabelled;
    if (!unlabelled) return null;
    const ids = unlabelled.map((sample) => sample.labels.id ?? '').filter(isContainerCgroup);
    const stored = samplesOf(observation, 'cadvisor-labels', 'legacy').reduce((sum, sample) => sum + sample.value, 0);
    const atSource = observation.cadvisorSource?.legacySeries ?? 0;
    const series = stored > 0 ? stored : atSource;
    const atSourceOnly = stored === 0 && atSource > 0;
    // Containers stored under pod_name are the legacy verdict's, not missing ones.
    const unstored = series > 0 ? [] : (observation.parts['cadvisor-labels']?.unstored ?? []);
    const expected = samplesOf(observation, 'cadvisor-labels', 'expected').reduce((sum, sample) => sum + sample.value, 0);
    const containers = classifyContainers(observation, unstored);
    const emptyAtSource = containers.filter((container) => container.missing.reason === 'empty-labels').length;
    const wouldDrop = containers.length > 0 && !observation.cadvisorSource?.cgroups ? droppedBy(observation, unlabelledCgroup(containers[0]!.containerId)) : undefined;
    const detail = { kind: 'empty' as const, ids, expected, containers, ...(wouldDrop ? { wouldDrop } : {}) };
    const title = 'container series with their pod labels';
    let empty;
    if (ids.length > 0 || emptyAtSource > 0) {
      empty = { subject: EMPTY_SUBJECT, state: 'fault' as const, kind: 'cadvisor-labels-empty' as const, cause: emptyLabelsCause(causeInput(observation)).cause, title, value: Math.max(ids.length, emptyAtSource), detail };
    } else if (samplesOf(observation, 'cadvisor-labels', 'scrapeError').length > 0) {
      empty = { subject: EMPTY_SUBJECT, state: 'fault' as const, kind: 'cadvisor-scrape-error' as const, cause: SCRAPE_ERROR_CAUSE, title, value: containers.length, detail };
    } else if (containers.length > 0 && isWindows(observation.node)) {
      empty = { subject: EMPTY_SUBJECT, state: 'by-design' as const, kind: 'cadvisor-container-series-missing' as const, cause: 'windows-node', title, value: containers.length, detail };
    } else if (containers.length > 0) {
      empty = { subject: EMPTY_SUBJECT, state: 'fault' as const, kind: 'cadvisor-container-series-missing' as const, cause: missingCause(containers, wouldDrop), title, value: containers.length, detail };
    } else {
      empty = { subject: EMPTY_SUBJECT, state: 'ok' as const, title, value: 0, detail };
    }
    const legacyTitle = 'series with pod_name / container_name';
    const legacy = series > 0
      ? { subject: LEGACY_SUBJECT, state: 'fault' as const, kind: 'cadvisor-legacy-labels' as const, cause: 'pre-1-16-label-names', title: legacyTitle, value: series, detail: { kind: 'legacy' as const, series, atSourceOnly } }
      : { subject: LEGACY_SUBJECT, state: 'ok' as const, title: legacyTitle, quiet: true, detail: { kind: 'legacy' as const, series, atSourceOnly } };
    return [empty, legacy];
  },

  layers(verdicts, observation) {
    const verdict = verdicts.find((candidate) => candidate.subject === EMPTY_SUBJECT);
    if (!verdict || verdict.detail.kind !== 'empty') return null;
    return containerLayers(observation, verdict.detail.expected, verdict.detail.containers, verdict.detail.ids.length);
  },

  describe({ kind, detail }, observation) {
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
          layer: detail.atSourceOnly ? 'scrape' : 'stored',
          expectedByDesign: false,
          summary: `${detail.series} cAdvisor series use pod_name and container_name, which current dashboards no longer query`,
          explanation: `Kubernetes 1.16 renamed the cAdvisor labels pod_name and container_name to pod and container. Dashboards and recording rules written since query the new names and find nothing on this node.${detail.atSourceOnly ? ' Here none of them is even stored: a rule that drops cgroup series without a pod label (such as kube-prometheus-stack\'s) removes them all before storage.' : ''}`,
          evidence: detail.atSourceOnly
            ? [{ source: 'kubelet', endpoint: observation.cadvisorSource!.cadvisorEndpoint, excerpt: `${detail.series} container_start_time_seconds series with pod_name`, value: detail.series, at }]
            : [{ source: 'prometheus', query: queryOf(observation, 'cadvisor-labels', 'legacy'), excerpt: `${detail.series} series with pod_name`, value: detail.series, at }],
          remediation: { text: 'Upgrade the kubelet, or copy the labels in metric_relabel_configs.', snippet: '- source_labels: [pod_name]\n  target_label: pod\n- source_labels: [container_name]\n  target_label: container' },
          references: ['https://github.com/kubernetes/kubernetes/pull/80376'],
        },
      ];
    }
    if (kind === 'cadvisor-scrape-error') return [scrapeErrorFinding(observation, detail.containers, detail.expected, EMPTY_SUBJECT, podList)];
    if (kind === 'cadvisor-container-series-missing' && isWindows(observation.node)) {
      return [
        {
          kind,
          cause: 'windows-node',
          family: 'cadvisor-labels',
          node,
          subject: EMPTY_SUBJECT,
          severity: 'info',
          layer: 'expected',
          expectedByDesign: true,
          summary: `${node} is a Windows node: its kubelet's cAdvisor has no per-container series`,
          explanation: `kube_node_info says ${node} runs ${observation.node.osImage}. On Windows the kubelet's /metrics/cadvisor serves almost nothing (there is no cAdvisor on Windows: the kubelet's stats come from the runtime's CRI stats), so container_* series are absent for its ${detail.containers.length} running containers by design. windows_exporter's container collector exposes them as windows_container_* series.`,
          evidence: [{ source: 'prometheus', query: queryOf(observation, 'cadvisor-labels', 'unstored'), excerpt: `${detail.containers.length} of ${detail.expected} running containers have no series stored under their pod and name: ${podList(detail.containers)}`, value: detail.containers.length, at: observation.at }],
          remediation: { text: 'Nothing to fix. For per-container metrics on Windows, run windows_exporter with its container collector and query windows_container_* series.' },
          references: WINDOWS_REFERENCES,
        },
      ];
    }
    const source = observation.cadvisorSource;
    const common = { family: 'cadvisor-labels' as const, node, subject: EMPTY_SUBJECT, expectedByDesign: false };
    const kubeletEvidence = (lines: string[], excerpt?: string): Finding['evidence'] =>
      source?.cgroups && lines.length > 0 ? [{ source: 'kubelet', endpoint: source.cadvisorEndpoint, excerpt: excerpt ?? lines.slice(0, 3).join('\n'), value: lines.length, at }] : [];
    const unstoredEvidence: Finding['evidence'] = detail.containers.length > 0
      ? [{ source: 'prometheus', query: queryOf(observation, 'cadvisor-labels', 'unstored'), excerpt: `${detail.containers.length} of ${detail.expected} running containers have no series stored under their pod and name: ${podList(detail.containers)}`, value: detail.containers.length, at }]
      : [];
    const rules = [...new Map([...detail.containers.flatMap((container) => ('droppedBy' in container.missing && container.missing.droppedBy ? [container.missing.droppedBy] : [])), ...(detail.wouldDrop ? [detail.wouldDrop] : [])].map((rule) => [`${rule.job} ${rule.rule}`, rule])).values()];
    const unread = source?.cgroups ? '' : ` Reading the kubelet's /metrics/cadvisor would show whether their labels are empty there (${source ? `it could not be read: ${source.failures.join('; ')}` : (observation.sourceNotRead ?? 'set GAPSCOPE_KUBELET_MODE')}).`;

    if (detail.ids.length === 0 && !detail.containers.some((container) => container.missing.reason === 'empty-labels')) {
      // Missing with no empty labels seen anywhere.
      const cause = missingCause(detail.containers, detail.wouldDrop);
      const layer = cause === 'not-at-source' ? 'source' : cause === 'dropped-before-storage' ? 'scrape' : 'stored';
      const [rule] = rules;
      const explanation =
        cause === 'not-at-source'
          ? `The kubelet's cAdvisor exposes no cgroup for these containers' ids, though kube-state-metrics says they run: cAdvisor has not picked them up (its housekeeping, or a cgroup it cannot read).`
          : cause === 'dropped-before-storage' && detail.wouldDrop
            ? `Prometheus stores no cAdvisor series for these running containers, and the cadvisor scrape job ${detail.wouldDrop.job} drops every container cgroup series whose pod label is empty (metric_relabel_configs ${detail.wouldDrop.rule}). Containers lose their pod labels when the kubelet's cAdvisor has no runtime factory (the kubelet started before the runtime, a runtime version it refuses, a socket it cannot reach), and this rule then removes the evidence from storage.${unread}`
            : cause === 'dropped-before-storage'
              ? `The kubelet's cAdvisor exposes these containers with their labels, but a rule of the scrape job drops them before storage (${rule ? `${rule.job}: ${rule.rule}` : 'metric_relabel_configs'}).`
              : observation.scrapeRules === undefined
                ? `Prometheus stores no cAdvisor series for these running containers. The scrape configuration could not be read here (a central store has none: its agents scrape; GAPSCOPE_CLUSTER_SCRAPERS names an agent to read it from), so a metric_relabel_configs rule that drops them cannot be named.${unread}`
                : `Prometheus stores no cAdvisor series for these running containers, and no scrape rule explains it.${unread}`;
      return [
        {
          ...common,
          kind: 'cadvisor-container-series-missing',
          cause,
          severity: 'critical',
          layer,
          summary: `${detail.containers.length} running containers on ${node} have no cAdvisor series stored (${cause})`,
          explanation,
          evidence: [...unstoredEvidence, ...rules.map((one) => ruleEvidence(one, at)), ...kubeletEvidence(detail.containers.flatMap((container) => (container.line ? [container.line] : [])))],
          remediation:
            cause === 'dropped-before-storage' && detail.wouldDrop
              ? { text: `Read the node's kubelet (GAPSCOPE_KUBELET_MODE) to confirm the empty labels; if so, restart the kubelet once the runtime is up. Keep the rule: it drops cgroups that belong to no pod by design.` }
              : cause === 'dropped-before-storage'
                ? { text: `Narrow the rule that drops them in the scrape job's metric_relabel_configs (${rule?.rule ?? 'see the evidence'}).` }
                : { text: "Check the kubelet's log for cAdvisor errors and the cadvisor target's last scrape." },
          references: ['https://prometheus.io/docs/prometheus/latest/configuration/configuration/#metric_relabel_configs', 'https://github.com/google/cadvisor/issues/3336'],
        },
      ];
    }

    const storedContainers = samplesOf(observation, 'cadvisor-labels', 'unlabelled').filter((sample) => isContainerCgroup(sample.labels.id ?? ''));
    const sourceEmpty = (source?.cgroups ?? []).filter((cgroup) => !cgroup.labels.pod || !cgroup.labels.image);
    const labelled = storedContainers.length > 0 ? storedContainers.map((series) => series.labels) : sourceEmpty.map((cgroup) => cgroup.labels);
    const missing = ['image', 'name', 'pod', 'namespace', 'container'].filter((label) => labelled.every((labels) => !labels[label]));
    const input = causeInput(observation);
    const { cause, explanation, remediation } = emptyLabelsCause(input);
    const count = Math.max(detail.ids.length, sourceEmpty.length);
    const droppedNote = rules.length > 0 ? ` Prometheus keeps none of them: the scrape job drops every cgroup series whose pod is empty (${rules.map((rule) => `${rule.job}: ${rule.rule}`).join('; ')}), so only the kubelet shows them.` : '';
    const starts = observation.starts;
    const startLines = source?.cgroups ? Object.values(source.units).map((unit) => unit.line) : [];
    return [
      {
        ...common,
        kind: 'cadvisor-labels-empty',
        cause,
        severity: 'critical',
        layer: 'source',
        summary: `${count} container series on ${node} have empty ${listOf(missing) || 'image or name'} labels (${cause})`,
        explanation: explanation + droppedNote,
        evidence: [
          ...(detail.ids.length > 0 ? [{ source: 'prometheus' as const, query: queryOf(observation, 'cadvisor-labels', 'unlabelled'), excerpt: detail.ids.slice(0, 3).map((id) => `id="${id}"`).join('\n'), value: detail.ids.length, at }] : []),
          ...kubeletEvidence(sourceEmpty.map((cgroup) => cgroup.line)),
          ...kubeletEvidence(startLines, startLines.join('\n')),
          ...(source?.dockerVersion ? kubeletEvidence([`cadvisor_version_info{dockerVersion="${source.dockerVersion}"} 1`]) : []),
          ...rules.map((rule) => ruleEvidence(rule, at)),
          ...unstoredEvidence,
          ...(!source?.cgroups && (starts.kubelet !== undefined || starts.runtime !== undefined)
            ? [{ source: 'prometheus' as const, query: starts.query, excerpt: `kubelet started ${starts.kubelet ? new Date(starts.kubelet).toISOString() : 'unknown'}, runtime started ${starts.runtime ? new Date(starts.runtime).toISOString() : 'unknown'}`, at }]
            : []),
        ],
        remediation,
        references: [
          'https://github.com/google/cadvisor/issues/3336',
          'https://github.com/kubernetes/kubernetes/issues/89903',
          ...(cause === 'runtime-socket-unreachable' ? ['https://github.com/k3s-io/k3s/issues/2831', 'https://github.com/k0sproject/k0s/issues/625'] : []),
          ...(cause === 'runtime-factory-failed' ? ['https://github.com/kubernetes/kubernetes/issues/111077'] : []),
        ],
      },
    ];
  },

  // Every container series of cAdvisor: empty labels fail the `container!=""`-style matchers panels use.
  explainsEmpty: (selector) => selector.metric.startsWith('container_'),
  explain(change, context) {
    const { to, atMs, verdict } = change;
    if (to !== 'gap' || verdict?.detail.kind !== 'empty') return null;
    if (verdict.kind === 'cadvisor-scrape-error') {
      return { text: `From ${context.clock(atMs)} cAdvisor reports container_scrape_error 1: it fails to read ${verdict.value ? `${verdict.value} running container${verdict.value === 1 ? '' : 's'}` : 'some containers'} and leaves them out; the kubelet's log names the error.`, events: [] };
    }
    const what = verdict.kind === 'cadvisor-container-series-missing' ? 'Running containers without stored cAdvisor series' : 'Empty image/name labels';
    const kubelet = context.latest(atMs, (event) => event.kind === 'restart' && event.component === 'kubelet');
    // The runtime's (re)start after the kubelet's, within the cause window: the factory found no runtime.
    const runtime = kubelet && context.events.find((event) => event.kind === 'restart' && event.component === 'runtime' && event.atMs > kubelet.atMs && event.atMs - kubelet.atMs <= 30 * 60_000);
    if (kubelet && runtime) {
      return {
        text: `${what} began ${context.after(kubelet, atMs)} the kubelet restarted at ${context.clock(kubelet.atMs)}, while the runtime (${runtime.process}) only started at ${context.clock(runtime.atMs)}: cAdvisor registered no factory for it. Restarting the kubelet once the runtime is up restores them.`,
        events: [kubelet, runtime],
      };
    }
    const runtimeSwitch = context.latest(atMs, (event) => event.kind === 'runtime-switch');
    if (runtimeSwitch) {
      return { text: `${what} began ${context.after(runtimeSwitch, atMs)} the runtime switched from ${runtimeSwitch.fromVersion} to ${runtimeSwitch.toVersion}: the kubelet's cAdvisor does not talk to the new runtime's socket yet.`, events: [runtimeSwitch] };
    }
    if (kubelet && change.observation.starts.runtime === undefined) {
      return {
        text: `${what} began ${context.after(kubelet, atMs)} the kubelet restarted at ${context.clock(kubelet.atMs)}. When the runtime started is not stored (no runtime unit series in Prometheus: dropped by the scrape job, or the runtime runs inside another unit); the node page reads it from the kubelet.`,
        events: [kubelet],
      };
    }
    if (kubelet) {
      return { text: `${what} began ${context.after(kubelet, atMs)} the kubelet restarted at ${context.clock(kubelet.atMs)}, with the runtime already up: the kubelet could not reach the runtime (check --container-runtime-endpoint).`, events: [kubelet] };
    }
    return { text: `${what} began at ${context.clock(atMs)}, with no kubelet or runtime restart in the 30 min before.`, events: [] };
  },
});
