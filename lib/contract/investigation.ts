import { z } from 'zod';
import { findingSchema } from './finding';
import { resolvedRangeSchema } from './range';
import { sourceStatusSchema } from './source';

/** GET /api/v1/nodes/{node}/findings, the node page and the findings embed: one node's findings. */
export const nodeInvestigationSchema = z.object({
  node: z.string(),
  /** false: not in the inventory; null: the inventory itself could not be read. */
  found: z.boolean().nullable(),
  generatedAt: z.string(),
  /** The instant the findings describe: now, or the end of a past range. */
  evaluatedAt: z.string(),
  range: resolvedRangeSchema,
  findings: z.array(findingSchema),
  sources: z.array(sourceStatusSchema),
});

export type NodeInvestigation = z.infer<typeof nodeInvestigationSchema>;
