import { z } from 'zod';
import { FAMILY_IDS, findingSchema, LAYERS } from './finding';
import { resolvedRangeSchema } from './range';
import { sourceStatusSchema } from './source';

/**
 * A family's accounting of its subjects across the three layers, for the node card: how many containers
 * kube-state-metrics expects, how many the kubelet's cAdvisor exposes and with which labels, how many are
 * stored, and why the rest are not.
 */
export const containerLayersSchema = z.object({
  family: z.enum(FAMILY_IDS),
  subject: z.string(),
  expected: z.number().int().nonnegative(),
  source: z.union([
    z.object({ read: z.literal(true), containers: z.number().int().nonnegative(), labelled: z.number().int().nonnegative(), emptyLabels: z.number().int().nonnegative(), legacyLabels: z.number().int().nonnegative() }),
    z.object({ read: z.literal(false), detail: z.string() }),
  ]),
  stored: z.number().int().nonnegative(),
  /** Container cgroups stored with empty pod labels (they count for no container). */
  unlabelledStored: z.number().int().nonnegative(),
  missing: z.array(
    z.object({
      layer: z.enum(LAYERS),
      reason: z.enum(['not-at-source', 'empty-labels', 'dropped-before-storage', 'not-stored']),
      text: z.string(),
      count: z.number().int().positive(),
      /** The scrape job and its metric_relabel_configs rule that drops them. */
      job: z.string().optional(),
      rule: z.string().optional(),
    }),
  ),
});
export type ContainerLayers = z.infer<typeof containerLayersSchema>;

/** GET /api/v1/nodes/{node}/findings, the node page and the findings embed: one node's findings. */
export const nodeInvestigationSchema = z.object({
  node: z.string(),
  /** The cluster, in a store that holds several (docs/api.md "Clusters"). */
  cluster: z.string().optional(),
  /** false: not in the inventory; null: the inventory itself could not be read. */
  found: z.boolean().nullable(),
  generatedAt: z.string(),
  /** The instant the findings describe: now, or the end of a past range. */
  evaluatedAt: z.string(),
  range: resolvedRangeSchema,
  findings: z.array(findingSchema),
  /** The fleet's cluster-wide findings, for the page to link to (not the node's: never counted in its findings). */
  clusterFindings: z.array(findingSchema).optional(),
  /** The layer accounting of families that count subjects at every layer (cadvisor-labels). */
  layers: z.array(containerLayersSchema).optional(),
  sources: z.array(sourceStatusSchema),
});

export type NodeInvestigation = z.infer<typeof nodeInvestigationSchema>;
