import type { Finding } from '@/lib/contract/finding';
import { rootFilesystem } from '../root-sized-filesystem/observe';
import { defineFamily, queryOf, type Observation, type Verdict } from '../types';
import { ladder, MISSING_CAUSES, type Ladder } from './missing';
import { claimsOnNode, driversWithStats, requestedBytes, storedCapacity, type ClaimOnNode } from './observe';
import { WRONG_CAUSES, wrongCapacities, wrongFinding, type ClaimCapacity, type WrongCapacity } from './wrong';

/**
 * volume-stats: kubelet_volume_stats_* of a claim used on the node are missing (`pvc-stats-missing`) or
 * report a filesystem the claim only shares (`pvc-stats-wrong`). One lane per claim the node's pods use or
 * its kubelet reports: a claim whose stats are stored is never a missing-stats gap, whatever else is known.
 */

type VolumeDetail = { kind: 'missing'; claim: ClaimOnNode; ladder: Ladder; pods: string[] } | { kind: 'wrong'; capacity: ClaimCapacity; wrong: WrongCapacity; pods: string[] } | { kind: 'stored'; pods: string[] };

/** Prometheus keeps answering for a series this long after its last sample (the default lookback delta). */
const LOOKBACK_MS = 5 * 60_000;

/** A claim used by several pods on the node is judged by its running pod, if any. */
function usageOf(uses: ClaimOnNode[]): ClaimOnNode {
  return uses.find((use) => use.podPhase === 'Running') ?? uses[0]!;
}

function groupByClaim(claims: ClaimOnNode[]): Map<string, ClaimOnNode[]> {
  const byClaim = new Map<string, ClaimOnNode[]>();
  for (const claim of claims) byClaim.set(claim.claim, [...(byClaim.get(claim.claim) ?? []), claim]);
  return byClaim;
}

/** Would the kubelet itself change a verdict? Only for running, measurable claims that a scraped kubelet does not store. */
export function wantsKubeletSource(observation: Observation, verdicts: readonly Verdict[]): boolean {
  return (
    observation.roles.kubelet.health === 'up' &&
    verdicts.some((verdict) => {
      const detail = verdict.detail as VolumeDetail;
      return detail.kind === 'missing' && detail.claim.podPhase === 'Running' && detail.claim.plugin !== 'hostPath';
    })
  );
}

export const volumeStats = defineFamily<VolumeDetail>({
  id: 'volume-stats',
  title: 'Volume stats',
  causes: { 'pvc-stats-missing': MISSING_CAUSES, 'pvc-stats-wrong': WRONG_CAUSES },
  parts: {
    // One series per claim and pod on the node; `topk` keeps one kube_pod_info per pod, so that a pod seen on
    // two nodes within the lookback (it just moved) cannot make the join fail.
    claims: {
      of: 'node',
      promql: (scope) =>
        `max by (namespace, pod, persistentvolumeclaim, node) (${scope.kube('kube_pod_spec_volumes_persistentvolumeclaims_info')} * on (namespace, pod) group_left (node) topk by (namespace, pod) (1, ${scope.ksm('kube_pod_info')}))`,
    },
    phases: { of: 'cluster', promql: (scope) => `${scope.restore('kube_pod_status_phase == 1')} and on (namespace, pod) ${scope.ksm('kube_pod_info')}` },
    claimInfo: { of: 'cluster', promql: (scope) => scope.kube('kube_persistentvolumeclaim_info') },
    volumeInfo: { of: 'cluster', promql: (scope) => scope.kube('kube_persistentvolume_info') },
    requests: { of: 'cluster', promql: (scope) => scope.kube('kube_persistentvolumeclaim_resource_requests_storage_bytes') },
    // Which claims have stats on any node: tells a CSI driver without the capability from one node's problem.
    statsAnywhere: { of: 'cluster', promql: () => 'group by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes)' },
    // One gauge for both questions: which claims this kubelet reports, and with what capacity.
    stats: { of: 'kubelet', promql: (scope) => scope.select('kubelet_volume_stats_capacity_bytes') },
  },
  absent: 'not-expected',

  rule(observation) {
    const claims = claimsOnNode(observation);
    const stored = storedCapacity(observation);
    if (claims === null && stored === null) return null;
    const uses = groupByClaim(claims ?? []);
    const requested = requestedBytes(observation);
    const capacities = [...(stored ?? [])].map(([claim, capacityBytes]): ClaimCapacity => ({ claim, capacityBytes, requestedBytes: requested.get(claim) }));
    const wrong = wrongCapacities(capacities, rootFilesystem(observation)?.sizeBytes ?? null);
    const context = {
      at: observation.at,
      kubeletHealth: observation.roles.kubelet.health,
      kubeletVersion: observation.node.kubeletVersion,
      driversWithStats: driversWithStats(observation),
      source: observation.kubeletVolumes,
    };
    const subjects = [...new Set([...uses.keys(), ...(stored?.keys() ?? [])])].sort();
    return subjects.map((claim): Verdict<VolumeDetail> => {
      const title = `volume stats of ${claim}`;
      const pods = (uses.get(claim) ?? []).map((use) => use.pod);
      const capacity = capacities.find((entry) => entry.claim === claim);
      if (capacity) {
        const wrongOne = wrong.get(claim);
        return wrongOne
          ? { subject: claim, state: 'fault', kind: 'pvc-stats-wrong', cause: wrongOne.cause, title, detail: { kind: 'wrong', capacity, wrong: wrongOne, pods } }
          : { subject: claim, state: 'ok', title, detail: { kind: 'stored', pods } };
      }
      const usage = usageOf(uses.get(claim)!);
      const verdict = ladder(usage, context);
      return { subject: claim, state: verdict.expectedByDesign ? 'by-design' : 'fault', kind: 'pvc-stats-missing', cause: verdict.cause, title, detail: { kind: 'missing', claim: usage, ladder: verdict, pods } };
    });
  },

  describe({ detail }, observation): Finding[] {
    const queries = {
      claims: queryOf(observation, 'volume-stats', 'claims'),
      stats: queryOf(observation, 'volume-stats', 'stats'),
      requests: queryOf(observation, 'volume-stats', 'requests'),
      rootSize: queryOf(observation, 'root-sized-filesystem', 'size'),
    };
    if (detail.kind === 'stored') return [];
    if (detail.kind === 'wrong') {
      return [wrongFinding({ node: observation.node.name, at: observation.at, rootSizeBytes: rootFilesystem(observation)?.sizeBytes ?? null, queries: { ...queries, capacity: queries.stats } }, detail.capacity, detail.wrong)];
    }
    const { claim, ladder: cause } = detail;
    const { evidence = [], ...rest } = cause;
    return [
      {
        kind: 'pvc-stats-missing',
        family: 'volume-stats',
        node: observation.node.name,
        subject: claim.claim,
        summary: `No volume stats for ${claim.claim} (${cause.cause})`,
        ...rest,
        evidence: [
          { source: 'prometheus', query: queries.claims, excerpt: `${claim.pod} (${claim.podPhase}) uses ${claim.claim} -> ${claim.volume ?? 'unbound'} (${claim.plugin}${claim.csiDriver ? ` ${claim.csiDriver}` : ''})`, at: observation.at },
          { source: 'prometheus', query: queries.stats, excerpt: `no kubelet_volume_stats_capacity_bytes{namespace="${claim.claim.split('/')[0]}",persistentvolumeclaim="${claim.claim.split('/')[1]}"} from this node's kubelet`, at: observation.at },
          ...evidence,
        ],
      },
    ];
  },

  // A claim's stats: its own finding where the selector names the claim, any claim's where it does not.
  explainsEmpty: (selector, finding) =>
    selector.metric.startsWith('kubelet_volume_stats_') &&
    (selector.equal.persistentvolumeclaim === undefined || finding.subject === `${selector.equal.namespace ?? finding.subject.split('/')[0]}/${selector.equal.persistentvolumeclaim}`),
  explain({ subject, from, to, atMs, verdict, before, observation }, context) {
    const claim = subject;
    if (to === 'not-expected' && from === 'ok') {
      // Stats that end because the claim's pod moved away are not a gap: say where they went.
      const leaving = new Set(before?.detail.pods ?? []);
      const move = context.latest(atMs, (event) => event.kind === 'pod-move' && event.fromNode === context.node && leaving.has(event.pod ?? ''), LOOKBACK_MS + 2 * context.stepMs);
      return move ? { text: `Stats for ${claim} stop here at ${context.clock(move.atMs)}: ${move.pod} moved from ${move.fromNode} to ${move.toNode}. They now come from that node's kubelet; nothing is missing.`, events: [move] } : null;
    }
    if (to !== 'gap' || !verdict) return null;
    const pods = new Set(verdict.detail.pods);
    const kubeletDown = verdict.cause === 'kubelet-not-scraped';
    const arrival = context.latest(atMs, (event) => event.kind === 'pod-move' && event.toNode === context.node && pods.has(event.pod ?? ''));
    if (verdict.kind === 'pvc-stats-wrong') {
      const what = `the kubelet reports ${claim}'s capacity as a filesystem it only shares (${verdict.cause}): the volume is not mounted where the kubelet measures it`;
      const runtimeSwitch = context.latest(atMs, (event) => event.kind === 'runtime-switch');
      if (runtimeSwitch) return { text: `Since the runtime switched from ${runtimeSwitch.fromVersion} to ${runtimeSwitch.toVersion} at ${context.clock(runtimeSwitch.atMs)}, ${what}; the CSI node plugin's mount propagation did not survive the switch.`, events: [runtimeSwitch] };
      const restart = context.latest(atMs, (event) => event.kind === 'restart' && event.component === 'kubelet');
      if (restart) return { text: `${context.after(restart, atMs)[0]!.toUpperCase()}${context.after(restart, atMs).slice(1)} the kubelet restarted at ${context.clock(restart.atMs)}, ${what}.`, events: [restart] };
      return { text: `From ${context.clock(atMs)} ${what}.`, events: [] };
    }
    if (verdict.cause === 'kubelet-regression') {
      const upgrade = context.latest(atMs, (event) => event.kind === 'version-change' && event.component === 'kubelet', Number.POSITIVE_INFINITY);
      if (upgrade) {
        return {
          text: `Stats for ${claim} vanished ${context.after(upgrade, atMs)} the kubelet was upgraded from ${upgrade.fromVersion} to ${upgrade.toVersion} at ${context.clock(upgrade.atMs)}: kubelet ${observation.node.kubeletVersion} runs its volume stats collector but exports no kubelet_volume_stats_* gauges.`,
          events: [upgrade],
        };
      }
    }
    if (arrival) {
      return { text: `Stats for ${claim} are missing since ${arrival.pod} moved from ${arrival.fromNode} to ${arrival.toNode} at ${context.clock(arrival.atMs)}${kubeletDown ? ", and this node's kubelet target is down: nothing from this kubelet is stored" : ''}.`, events: [arrival] };
    }
    if (kubeletDown) return { text: `Stats for ${claim} are missing from ${context.clock(atMs)}, while this node's kubelet target is down: nothing from this kubelet is stored.`, events: [] };
    const restart = context.latest(atMs, (event) => event.kind === 'restart' && event.component === 'kubelet');
    if (restart) return { text: `Stats for ${claim} stopped ${context.after(restart, atMs)} the kubelet restarted at ${context.clock(restart.atMs)}: compare its version and --volume-stats-agg-period before and after.`, events: [restart] };
    return { text: `Stats for ${claim} are missing from ${context.clock(atMs)} while a pod on this node uses it (${verdict.cause}): the node's findings tell why.`, events: [] };
  },
});
