import type { Evidence, Finding } from '@/lib/contract/finding';
import type { Health } from '@/lib/contract/fleet';
import type { KubeletVolumeSource } from '../types';
import type { ClaimOnNode } from './observe';

/**
 * `pvc-stats-missing`: a claim used by a pod on this node has no kubelet_volume_stats_* series. PURE.
 *
 * The cause ladder, first match wins:
 * - `pvc-not-mounted` (expected): the pod that uses it is not Running, so nothing is mounted to measure
 * - `plugin-without-metrics` (expected by design): hostPath volumes (also local-path-provisioner's) have no
 *   metrics provider in the kubelet
 * - `kubelet-not-scraped`: the node's kubelet /metrics target is down or missing, so nothing is stored
 * - `kubelet-regression`: kubelet 1.34.0 and 1.34.1 run the collector but export no gauges
 *   (kubelet_volume_metric_collection_duration_seconds still grows)
 * - `volume-stats-disabled`: the kubelet's /configz has volumeStatsAggPeriod <= 0
 * - `dropped-before-storage`: the kubelet exposes the series but Prometheus does not hold it (relabelled away)
 * - `csi-without-volume-stats`: the CSI driver reports stats on no node at all (no GET_VOLUME_STATS capability)
 * - `unknown`
 * The two kubelet-side causes need the kubelet itself (GAPSCOPE_KUBELET_MODE); without it they are not tried.
 */

export const MISSING_CAUSES = ['pvc-not-mounted', 'plugin-without-metrics', 'kubelet-not-scraped', 'kubelet-regression', 'volume-stats-disabled', 'dropped-before-storage', 'csi-without-volume-stats', 'unknown'] as const;

/** What the ladder weighs besides the claim: the node's kubelet, and the cluster's CSI drivers. */
export interface LadderContext {
  at: string;
  kubeletHealth: Health;
  kubeletVersion: string;
  /** CSI drivers with stored volume stats anywhere in the cluster. */
  driversWithStats: ReadonlySet<string>;
  source?: KubeletVolumeSource;
}

// Distribution builds carry a suffix: v1.34.1+k3s1, v1.34.0-eks-....
const REGRESSION_VERSIONS = /^v1\.34\.[01]($|[+-])/;
const KUBELET_VOLUME_STATS = 'https://kubernetes.io/docs/reference/instrumentation/metrics/';

export type Ladder = Pick<Finding, 'cause' | 'severity' | 'layer' | 'expectedByDesign' | 'explanation' | 'remediation'> & { references: string[]; evidence?: Evidence[] };

/** Go durations as /configz prints them: "0s", "1m0s", "-1s". */
function periodIsDisabled(period: string | undefined): boolean {
  return period !== undefined && (period.startsWith('-') || /^0+(\.0+)?[a-zµ]*s?$/.test(period) || period === '0');
}

export function ladder(claim: ClaimOnNode, input: LadderContext): Ladder {
  if (claim.podPhase !== 'Running') {
    return {
      cause: 'pvc-not-mounted',
      severity: 'info',
      layer: 'expected',
      expectedByDesign: true,
      explanation: `The only pod on this node that uses the claim, ${claim.pod}, is ${claim.podPhase}, so the volume is not mounted here and the kubelet has nothing to measure.`,
      remediation: { text: 'Nothing to fix: stats appear wherever a running pod mounts the claim.' },
      references: [KUBELET_VOLUME_STATS],
    };
  }
  if (claim.plugin === 'hostPath') {
    return {
      cause: 'plugin-without-metrics',
      severity: 'info',
      layer: 'expected',
      expectedByDesign: true,
      explanation: `The claim is bound to a hostPath volume${claim.hostPath ? ` (${claim.hostPath})` : ''}. The kubelet's hostPath plugin has no metrics provider, so it never exports volume stats for it; local-path-provisioner volumes are hostPath too.`,
      remediation: { text: "Measure the host directory with node_exporter's filesystem collector, or use a CSI driver (or local volumes) that reports stats." },
      references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
    };
  }
  if (input.kubeletHealth === 'down' || input.kubeletHealth === 'missing') {
    return {
      cause: 'kubelet-not-scraped',
      severity: 'critical',
      layer: 'scrape',
      expectedByDesign: false,
      explanation: `The node's kubelet /metrics target is ${input.kubeletHealth}, so whatever the kubelet exports for this claim never reaches Prometheus.`,
      remediation: { text: 'Fix the kubelet target first (see its target finding); the stats return with the next scrape.' },
      references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/'],
    };
  }
  if (REGRESSION_VERSIONS.test(input.kubeletVersion)) {
    return {
      cause: 'kubelet-regression',
      severity: 'warning',
      layer: 'source',
      expectedByDesign: false,
      explanation: `The node runs kubelet ${input.kubeletVersion}: its volume stats collector runs (kubelet_volume_metric_collection_duration_seconds grows) but the kubelet_volume_stats_* gauges are not exported.`,
      remediation: { text: 'Upgrade the kubelet to a patch release with the fix.' },
      references: [KUBELET_VOLUME_STATS],
    };
  }
  const source = input.source;
  if (source && periodIsDisabled(source.volumeStatsAggPeriod)) {
    return {
      cause: 'volume-stats-disabled',
      severity: 'warning',
      layer: 'source',
      expectedByDesign: false,
      explanation: `The kubelet's configuration sets volumeStatsAggPeriod to ${source.volumeStatsAggPeriod}, which turns volume stats collection off.`,
      remediation: { text: 'Set volumeStatsAggPeriod back to a positive period in the KubeletConfiguration and restart the kubelet.', snippet: 'volumeStatsAggPeriod: 1m0s' },
      references: ['https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/'],
      evidence: [{ source: 'kubelet', endpoint: source.configzEndpoint, excerpt: `"volumeStatsAggPeriod": "${source.volumeStatsAggPeriod}"`, at: input.at }],
    };
  }
  if (source?.claimsWithStats?.has(claim.claim)) {
    return {
      cause: 'dropped-before-storage',
      severity: 'critical',
      layer: 'scrape',
      expectedByDesign: false,
      explanation: 'The kubelet exports volume stats for this claim right now, but Prometheus holds none: the series are dropped between scrape and storage, most often by a metric_relabel_configs drop rule or a cardinality limit.',
      remediation: { text: 'Look for metric_relabel_configs (metricRelabelings in a ServiceMonitor) that drop kubelet_volume_stats_* on the kubelet job.' },
      references: ['https://prometheus.io/docs/prometheus/latest/configuration/configuration/#metric_relabel_configs'],
      evidence: [{ source: 'kubelet', endpoint: source.metricsEndpoint, excerpt: `kubelet_volume_stats_used_bytes{namespace="${claim.claim.split('/')[0]}",persistentvolumeclaim="${claim.claim.split('/')[1]}"} is exposed`, at: input.at }],
    };
  }
  if (claim.plugin === 'csi' && claim.csiDriver && !input.driversWithStats.has(claim.csiDriver)) {
    return {
      cause: 'csi-without-volume-stats',
      severity: 'warning',
      layer: 'source',
      expectedByDesign: false,
      explanation: `No claim of the CSI driver ${claim.csiDriver} has volume stats on any node. The kubelet only asks a CSI driver for stats when its node service advertises the GET_VOLUME_STATS capability; this driver does not.`,
      remediation: { text: `Upgrade ${claim.csiDriver} to a release that implements NodeGetVolumeStats, or watch the backing storage with its own exporter.` },
      references: ['https://github.com/container-storage-interface/spec/blob/master/spec.md#nodegetvolumestats'],
    };
  }
  return {
    cause: 'unknown',
    severity: 'warning',
    layer: 'source',
    expectedByDesign: false,
    explanation: 'A running pod mounts this claim and the kubelet is scraped, but no volume stats are stored for it, and nothing stored explains why.',
    remediation: { text: "Read the kubelet's /metrics for kubelet_volume_stats_used_bytes of this claim (GAPSCOPE_KUBELET_MODE lets gapscope do it) and its log for volume metrics errors." },
    references: [KUBELET_VOLUME_STATS],
  };
}
