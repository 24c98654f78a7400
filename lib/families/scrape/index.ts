import type { Finding } from '@/lib/contract/finding';
import { NODE_ROLES } from '@/lib/topology/targets';
import type { NodeRole, RoleHealth } from '@/lib/topology/fleet';
import { defineFamily, isWindows, WINDOWS_REFERENCES, type Observation, type Verdict } from '../types';
import { causeOfDownTarget, ROLE_NAMES } from './causes';

/**
 * scrape: a node's kubelet, cAdvisor or node-exporter target is down or missing, so nothing it exposes is
 * stored. The rule reads target health per role: from the targets API (with the last error) for the live
 * instant, from `up` for a past instant and for every step of the timeline.
 */

interface ScrapeDetail {
  role: NodeRole;
  health: RoleHealth;
  /** target-duplicated: the targets that scrape one address and path, from different jobs. */
  twins?: RoleHealth['targets'];
}

/**
 * What a target scrapes: its scrape URL, or (from `up`, which has no URL) its instance and metrics_path.
 * The kubelet's /metrics, /metrics/cadvisor and /metrics/probes share an address but not a path.
 */
const scrapedKey = (target: RoleHealth['targets'][number]) => target.scrapeUrl || `${target.instance} ${target.labels.metrics_path ?? ''}`;

/** THE rule of target-duplicated: targets of one role that scrape the same thing under different jobs. */
export function twinsOf(health: RoleHealth): RoleHealth['targets'] | null {
  const byKey = new Map<string, RoleHealth['targets']>();
  for (const target of health.targets) {
    const key = scrapedKey(target);
    byKey.set(key, [...(byKey.get(key) ?? []), target]);
  }
  const twins = [...byKey.values()].find((group) => new Set(group.map((target) => target.pool ?? target.job)).size > 1);
  return twins ?? null;
}

const TITLES: Record<NodeRole, string> = { kubelet: 'kubelet /metrics target', cadvisor: 'cAdvisor /metrics/cadvisor target', 'node-exporter': 'node-exporter target' };

/**
 * Why a role has no target: the kubelet's endpoints (the operator's kubelet Service, node discovery) list a
 * node by its address, so a node without an InternalIP gets no kubelet or cAdvisor target at all.
 */
function missingCause(role: NodeRole, internalIp: string): 'node-address-unknown' | 'no-target' {
  return role !== 'node-exporter' && internalIp === '' ? 'node-address-unknown' : 'no-target';
}

function verdictOf(role: NodeRole, health: RoleHealth, roles: Record<NodeRole, RoleHealth>, observation: Observation): Verdict<ScrapeDetail> {
  const base = { subject: ROLE_NAMES[role], title: TITLES[role], detail: { role, health } };
  if (health.health === 'missing') {
    // Right after Prometheus starts, discovery has not produced every target: not scraped yet, not missing.
    if (observation.notScrapedYet) return { ...base, state: 'no-data' };
    if (role === 'node-exporter' && isWindows(observation.node)) return { ...base, state: 'by-design', kind: 'target-missing', cause: 'windows-node' };
    return { ...base, state: 'fault', kind: 'target-missing', cause: missingCause(role, observation.node.internalIp) };
  }
  if (health.health === 'down') {
    const down = health.targets.find((target) => target.health === 'down')!;
    return { ...base, state: 'fault', kind: 'target-down', cause: causeOfDownTarget(role, down, roles, limitsOf(down, observation)).cause };
  }
  return { ...base, state: health.health === 'up' ? 'ok' : 'no-data' };
}

/** The scrape limits of the job a target belongs to (its scrape pool), where the configuration was read. */
const limitsOf = (target: RoleHealth['targets'][number], observation: Observation) => observation.scrapeRules?.get(target.pool ?? target.job)?.limits;

function evidenceSource(observation: Observation) {
  return observation.healthFrom === 'targets-api' ? { endpoint: 'GET /api/v1/targets' } : { query: 'up' };
}

/** The series each role's target exposes, as panels select them. */
const ROLE_SERIES: [NodeRole, RegExp][] = [
  ['kubelet', /^(kubelet_|prober_|storage_operation_|volume_operation_|volume_manager_|csi_operations_|kubernetes_feature_enabled$)/],
  ['cadvisor', /^(container_|machine_)/],
  ['node-exporter', /^node_/],
];

const UNKNOWN_ERROR_WHY =
  "health comes from `up` series, which carry no error: either the instant is in the past (the targets API tells only about now), or the query endpoint has no targets API (a central store such as VictoriaMetrics, Thanos or Mimir, fed by agents); the scraper's own targets page (the Prometheus agent's or vmagent's /targets) shows it, and with its API configured (GAPSCOPE_CLUSTER_SCRAPERS) gapscope reads it there";

export const scrape = defineFamily<ScrapeDetail>({
  id: 'scrape',
  title: 'Scrape targets',
  causes: {
    'target-down': ['unauthorized', 'forbidden', 'wrong-port', 'connection-refused', 'tls', 'timeout', 'sample-limit', 'body-size-limit', 'label-limit', 'unknown'],
    'target-missing': ['no-target', 'node-address-unknown', 'windows-node'],
    'target-duplicated': ['scraped-twice'],
  },
  parts: {},
  absent: 'ok',

  rule(observation) {
    if (observation.healthFrom === 'none') return null;
    return NODE_ROLES.flatMap((role) => {
      const health = observation.roles[role];
      const twins = twinsOf(health);
      const duplicated: Verdict<ScrapeDetail>[] = twins
        ? [{ subject: `${ROLE_NAMES[role]} scraped twice`, title: `${TITLES[role]}s`, state: 'fault', kind: 'target-duplicated', cause: 'scraped-twice', detail: { role, health, twins } }]
        : [];
      return [verdictOf(role, health, observation.roles, observation), ...duplicated];
    });
  },

  describe({ kind, subject, detail: { role, health, twins } }, observation): Finding[] {
    const node = observation.node.name;
    const common = { family: 'scrape' as const, node, subject, layer: 'scrape' as const, expectedByDesign: false };
    if (kind === 'target-duplicated' && twins) {
      const jobs = [...new Set(twins.map((target) => target.job))];
      return [
        {
          ...common,
          kind,
          cause: 'scraped-twice',
          severity: 'warning',
          summary: `${ROLE_NAMES[role]} of ${node} is scraped by ${jobs.length} jobs: ${jobs.join(', ')}`,
          explanation: `Prometheus scrapes the same ${ROLE_NAMES[role]} endpoint of this node under ${jobs.length} jobs, so every series it exposes is stored once per job. Sums and counts over the node double, and joins on node or instance fail with "many-to-many matching not allowed". Usually a second monitoring stack, or a static job left behind after a migration to ServiceMonitors.`,
          evidence: twins.map((target) => ({
            source: 'prometheus' as const,
            ...evidenceSource(observation),
            excerpt: `job="${target.job}" instance="${target.instance}"${target.scrapeUrl ? ` ${target.scrapeUrl}` : ''} health=${target.health}`,
            at: observation.at,
          })),
          remediation: { text: `Keep the job your dashboards and rules select (by its job label) and remove the other: ${jobs.join(' or ')}. For a static job, delete its scrape_config; for a second stack, turn its node-exporter or kubelet scraping off.` },
          references: ['https://github.com/prometheus-operator/prometheus-operator/issues/1767', 'https://github.com/prometheus/prometheus/issues/7376'],
        },
      ];
    }
    if (kind === 'target-missing' && role === 'node-exporter' && isWindows(observation.node)) {
      return [
        {
          ...common,
          kind,
          cause: 'windows-node',
          severity: 'info',
          layer: 'expected',
          expectedByDesign: true,
          summary: `${node} is a Windows node: no node-exporter runs there`,
          explanation: `kube_node_info says ${node} runs ${observation.node.osImage}. node_exporter does not run on Windows (its DaemonSet selects Linux nodes), so no node-exporter target and no node_* series exist for this node by design. windows_exporter exposes the machine's metrics instead, as windows_* series under its own job.`,
          evidence: [
            { source: 'prometheus', ...evidenceSource(observation), excerpt: `no node-exporter target matches node ${node}`, at: observation.at },
            { source: 'prometheus', query: `kube_node_info{node="${node}"}`, excerpt: `kube_node_info{node="${node}",os_image="${observation.node.osImage}"} 1`, at: observation.at },
          ],
          remediation: { text: 'Nothing to fix. To monitor Windows nodes, deploy windows_exporter (the prometheus-community windows-exporter chart) and use dashboards written for windows_* series.' },
          references: WINDOWS_REFERENCES,
        },
      ];
    }
    if (kind === 'target-missing') {
      const cause = missingCause(role, observation.node.internalIp);
      const noAddress = cause === 'node-address-unknown';
      return [
        {
          ...common,
          kind,
          cause,
          severity: role === 'node-exporter' ? 'warning' : 'critical',
          summary: `No ${subject} target scrapes ${node}${noAddress ? ': the node has no InternalIP' : ''}`,
          explanation: noAddress
            ? `Prometheus has no active target for the ${subject} of this node, and kube_node_info gives the node no internal_ip. Kubelet targets come from the node's address: the Prometheus Operator's kubelet Service lists a node's InternalIP as its endpoint, and node discovery its InternalIP (or another address) as the target, so a node that reports none is never scraped.`
            : `Prometheus has no active target for the ${subject} of this node, so none of its series can be stored. Service discovery did not find the node, or relabelling dropped it.`,
          evidence: [
            { source: 'prometheus', ...evidenceSource(observation), excerpt: `no ${role} target matches node ${node}`, at: observation.at },
            ...(noAddress ? [{ source: 'prometheus' as const, query: `kube_node_info{node="${node}"}`, excerpt: `kube_node_info{node="${node}"} has no internal_ip label`, at: observation.at }] : []),
          ],
          remediation: noAddress
            ? { text: "Find why the node reports no InternalIP (kubectl get node -o jsonpath='{.status.addresses}'): the kubelet's --node-ip, or the cloud provider's node controller, sets it." }
            : { text: "Check the scrape job's service discovery and relabel rules (keep/drop) for this node." },
          references: noAddress
            ? ['https://kubernetes.io/docs/reference/node/node-status/#addresses', 'https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config']
            : ['https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config'],
        },
      ];
    }
    return health.targets
      .filter((target) => target.health === 'down')
      .map((target) => {
        const { cause, explanation: byError, remediation, references } = causeOfDownTarget(role, target, observation.roles, limitsOf(target, observation));
        // From `up` alone (a past instant, or a store without a targets API) there is no last error to read.
        const errorUnknown = !target.lastError && observation.healthFrom === 'up-series';
        const explanation = errorUnknown
          ? `Prometheus stored up 0 for this target: its scrapes fail. The last scrape error is unknown here: ${UNKNOWN_ERROR_WHY}.`
          : byError;
        return {
          ...common,
          kind: 'target-down' as const,
          cause,
          severity: 'critical' as const,
          summary: `${subject} target ${target.instance} is down${cause === 'unknown' ? '' : ` (${cause})`}`,
          explanation,
          evidence: [
            {
              source: 'prometheus' as const,
              ...evidenceSource(observation),
              excerpt: `job="${target.job}" instance="${target.instance}"${target.scrapeUrl ? ` ${target.scrapeUrl}` : ''} health=down ${errorUnknown ? 'lastError unknown (up 0)' : `lastError="${target.lastError}"`}`,
              value: target.lastError || 'down',
              at: observation.at,
            },
          ],
          remediation,
          references,
        };
      });
  },

  // A target that is down or missing stores none of its series, `up` aside when it is down.
  explainsEmpty: (selector, finding) => finding.kind !== 'target-duplicated' && ROLE_SERIES.some(([role, series]) => finding.subject === ROLE_NAMES[role] && series.test(selector.metric)),
  explain({ to, atMs, verdict }, context) {
    if (to !== 'gap' || !verdict) return null;
    const role = verdict.detail.role;
    const title = verdict.title;
    if (verdict.kind === 'target-duplicated') {
      const jobs = [...new Set((verdict.detail.twins ?? []).map((target) => target.job))];
      return { text: `From ${context.clock(atMs)} the ${ROLE_NAMES[role]} of this node is scraped by ${jobs.length} jobs (${jobs.join(', ')}): a scrape job was added that covers the same endpoint; its series are stored twice from then on.`, events: [] };
    }
    if (verdict.kind === 'target-missing') {
      return { text: `The ${title} disappeared at ${context.clock(atMs)}: service discovery stopped finding the node, or a relabel rule now drops it.`, events: [] };
    }
    if (verdict.cause === 'sample-limit' || verdict.cause === 'body-size-limit' || verdict.cause === 'label-limit') {
      const setting = { 'sample-limit': 'sample_limit', 'body-size-limit': 'body_size_limit', 'label-limit': 'label limits' }[verdict.cause];
      return {
        text: `The ${title} went down at ${context.clock(atMs)}: from then on a scrape exceeds the job's ${setting}. The node grew past it (more pods and containers, more series or longer labels), or the limit was lowered in a configuration reload.`,
        events: [],
      };
    }
    const component = role === 'node-exporter' ? 'node-exporter' : 'kubelet';
    const restart = context.latest(atMs, (event) => event.kind === 'restart' && event.component === component);
    const upgrade = context.latest(atMs, (event) => event.kind === 'version-change' && event.component === 'kubelet');
    if (restart) {
      return {
        text: `The ${title} went down ${context.after(restart, atMs)} ${restart.process ?? component} restarted at ${context.clock(restart.atMs)}${upgrade ? ` (${upgrade.summary})` : ''}: a restart with other flags (authentication webhook, authorization, port, TLS) is the usual cause; the target's last error tells which.`,
        events: [restart, upgrade],
      };
    }
    return {
      text: `The ${title} went down at ${context.clock(atMs)}, with no restart or version change seen on the node before it (a restart that broke the scrape itself cannot be seen from Prometheus): the target's authentication or the scrape side changed (token, relabelling, port, network policy); its last error tells which.`,
      events: [],
    };
  },
});
