import { z } from 'zod';

/**
 * The timeline of one node: lanes (what was present or wrong at each step), events (what changed) and
 * explanations (which events came before each gap began). Serializable data: the API, the node page and the
 * embed serve the same object. The schema is also what the browser validates the API's answer with.
 */

export const LANE_GROUPS = ['target-health', 'empty-labels', 'pvc-stats', 'root-sized', 'device-errors'] as const;

/**
 * ok: as it should be. gap: missing or wrong. no-data: Prometheus holds nothing to tell (target down,
 * Prometheus itself not storing). not-expected: nothing should be there (e.g. no pod mounts the claim here).
 */
export const SEGMENT_STATES = ['ok', 'gap', 'no-data', 'not-expected'] as const;

export const EVENT_KINDS = ['restart', 'version-change', 'runtime-switch', 'pod-move', 'prometheus-restart', 'prometheus-gap'] as const;

export const segmentSchema = z.object({
  fromMs: z.number(),
  toMs: z.number(),
  state: z.enum(SEGMENT_STATES),
  /** For count lanes: the count during the segment (its largest value). */
  value: z.number().optional(),
});

export const laneSchema = z.object({
  id: z.string(),
  group: z.enum(LANE_GROUPS),
  title: z.string(),
  segments: z.array(segmentSchema),
});

export const timelineEventSchema = z.object({
  id: z.string(),
  atMs: z.number(),
  /** For a Prometheus gap: when it ended. */
  untilMs: z.number().optional(),
  kind: z.enum(EVENT_KINDS),
  component: z.string(),
  summary: z.string(),
});

export const explanationSchema = z.object({
  laneId: z.string(),
  /** When the gap began (at step resolution), or the range start for a gap that was already there. */
  atMs: z.number(),
  text: z.string(),
  eventIds: z.array(z.string()),
});

export const timelineSchema = z.object({
  node: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  stepMs: z.number(),
  lanes: z.array(laneSchema),
  events: z.array(timelineEventSchema),
  explanations: z.array(explanationSchema),
});

export type Segment = z.infer<typeof segmentSchema>;
export type Lane = z.infer<typeof laneSchema>;
export type LaneGroup = Lane['group'];
export type TimelineEvent = z.infer<typeof timelineEventSchema>;
export type Explanation = z.infer<typeof explanationSchema>;
export type Timeline = z.infer<typeof timelineSchema>;

/** [epoch ms, value], as the Prometheus adapter returns range points. */
export type Point = readonly [number, number];

export type Component = 'kubelet' | 'runtime' | 'node-exporter' | 'prometheus';

/** What the investigation layer gathered over the range, already scoped to the node. */
export interface TimelineInput {
  node: string;
  startMs: number;
  endMs: number;
  stepMs: number;
  /** `up` of each of the node's targets (one entry per series: a target that changed address has two). */
  targets: { role: 'kubelet' | 'cadvisor' | 'node-exporter'; job: string; instance: string; points: readonly Point[] }[];
  /** Counts over time; an absent point is 0 while the role's target was up, no data otherwise. */
  emptyLabelContainers: readonly Point[];
  rootSizedMounts: readonly Point[];
  deviceErrors: readonly Point[];
  /** kubelet_volume_stats_capacity_bytes per claim ("namespace/claim"): present or not. */
  claimStats: { claim: string; points: readonly Point[] }[];
  /** The claims pods on this node use, per claim and pod, over time. */
  claimsOnNode: { claim: string; pod: string; points: readonly Point[] }[];
  /** Start times (value in epoch seconds) of the node's processes, and of Prometheus itself. */
  starts: { component: Component; name: string; points: readonly Point[] }[];
  /** kube_node_info series of the node: one per label set (versions). */
  nodeInfo: { labels: Record<string, string>; points: readonly Point[] }[];
  /** kube_pod_info of every pod that was on this node during the range, on whatever node it was. */
  pods: { namespace: string; pod: string; node: string; points: readonly Point[] }[];
  /** `up` of Prometheus' own target: where it and every node series are absent, Prometheus stored nothing. */
  prometheusUp: readonly Point[];
}
