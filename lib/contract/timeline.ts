import { z } from 'zod';
import { FAMILY_IDS } from './finding';
import { resolvedRangeSchema } from './range';
import { sourceStatusSchema } from './source';

/**
 * The timeline of one node: lanes (what a family's rule said at each step), events (what changed) and
 * explanations (which events came before each gap began). Serializable data: the API, the node page and the
 * embed serve the same object, and the browser validates the API's answer with these schemas.
 */

/**
 * ok: as it should be. gap: the family's rule sees a fault (a finding at that instant). by-design: absent on
 * purpose (an expected-by-design finding). no-data: nothing to judge by (the target that carries the series
 * is down, or Prometheus stored nothing). not-expected: nothing should be there (no pod uses the claim here).
 */
export const SEGMENT_STATES = ['ok', 'gap', 'by-design', 'no-data', 'not-expected'] as const;

export const EVENT_KINDS = ['restart', 'version-change', 'runtime-switch', 'pod-move', 'prometheus-restart', 'prometheus-gap', 'history-start'] as const;

export const EVENT_COMPONENTS = ['kubelet', 'runtime', 'node-exporter', 'prometheus', 'pod', 'kube-state-metrics'] as const;

export const segmentSchema = z.object({
  fromMs: z.number(),
  toMs: z.number(),
  state: z.enum(SEGMENT_STATES),
  /** The cause id the family's rule gave (gap and by-design segments). */
  cause: z.string().optional(),
  /** For count lanes: the count during the segment (its largest value). */
  value: z.number().optional(),
});

export const laneSchema = z.object({
  id: z.string(),
  family: z.enum(FAMILY_IDS),
  /** The same subject as the family's findings: a fault finding's lane is in `gap` at the same instant. */
  subject: z.string(),
  title: z.string(),
  segments: z.array(segmentSchema),
});

/** Structured: code reads these fields, never the summary, which is for people. */
export const timelineEventSchema = z.object({
  id: z.string(),
  atMs: z.number(),
  /** For a Prometheus gap: when it ended. */
  untilMs: z.number().optional(),
  kind: z.enum(EVENT_KINDS),
  component: z.enum(EVENT_COMPONENTS),
  /** The process that (re)started: "kubelet", "containerd", "node-exporter", "Prometheus". */
  process: z.string().optional(),
  /** A restart seen for the first time in the range (the process was not running before, as far as stored). */
  firstStart: z.boolean().optional(),
  /** A pod move: namespace/name and the nodes. */
  pod: z.string().optional(),
  fromNode: z.string().optional(),
  toNode: z.string().optional(),
  /** A version change or runtime switch: the versions before and after. */
  fromVersion: z.string().optional(),
  toVersion: z.string().optional(),
  /**
   * Where the event was read. Absent: stored history (Prometheus). `source`: the kubelet's own cAdvisor,
   * read now, for a start time that is not stored (a scrape job that drops the unit's series).
   */
  layer: z.literal('source').optional(),
  summary: z.string(),
});

export const explanationSchema = z.object({
  laneId: z.string(),
  /** When the change happened (at step resolution), or the range start for a gap that was already there. */
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
  /** The families that had nothing to show (no lane) in this range, with their titles. */
  quietFamilies: z.array(z.object({ family: z.enum(FAMILY_IDS), title: z.string() })),
});

export const nodeTimelineSchema = z.object({
  node: z.string(),
  /** The cluster, in a store that holds several (docs/api.md "Clusters"). */
  cluster: z.string().optional(),
  /** false: not in the inventory; null: the inventory itself could not be read. */
  found: z.boolean().nullable(),
  generatedAt: z.string(),
  range: resolvedRangeSchema,
  timeline: timelineSchema.nullable(),
  sources: z.array(sourceStatusSchema),
});

export type SegmentState = (typeof SEGMENT_STATES)[number];
export type Segment = z.infer<typeof segmentSchema>;
export type Lane = z.infer<typeof laneSchema>;
export type TimelineEvent = z.infer<typeof timelineEventSchema>;
export type EventComponent = (typeof EVENT_COMPONENTS)[number];
export type Explanation = z.infer<typeof explanationSchema>;
export type Timeline = z.infer<typeof timelineSchema>;
export type NodeTimeline = z.infer<typeof nodeTimelineSchema>;
