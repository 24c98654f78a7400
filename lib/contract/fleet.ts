import { z } from 'zod';
import { NODE_ROLES } from '@/lib/topology/targets';
import { FAMILY_IDS, FINDING_KINDS, findingSchema, SEVERITIES } from './finding';
import { sourceStatusSchema } from './source';

/** GET /api/v1/nodes and the fleet page: every node with its findings counted, no findings themselves. */

export const HEALTHS = ['up', 'down', 'unknown', 'missing'] as const;

export const familyCountSchema = z.object({
  /** Findings of the family that need fixing. */
  faults: z.number(),
  expectedByDesign: z.number(),
  /** The worst severity among the faults; null when there are only findings expected by design. */
  worstSeverity: z.enum(SEVERITIES).nullable(),
});

const byRole = <T extends z.ZodType>(value: T) => z.object(Object.fromEntries(NODE_ROLES.map((role) => [role, value])) as Record<(typeof NODE_ROLES)[number], T>);

export const fleetNodeSummarySchema = z.object({
  name: z.string(),
  internalIp: z.string(),
  kubeletVersion: z.string(),
  containerRuntime: z.string(),
  targets: byRole(z.enum(HEALTHS)),
  /** Distinct last scrape errors per role, where a target is down. */
  lastErrors: byRole(z.array(z.string())).partial(),
  /** Per role, the cause of its target-down or target-missing finding (the same id as the finding's). */
  targetCauses: byRole(z.string()).partial(),
  counts: z.object({
    total: z.number(),
    expectedByDesign: z.number(),
    bySeverity: z.object({ critical: z.number(), warning: z.number(), info: z.number() }),
    byKind: z.partialRecord(z.enum(FINDING_KINDS), z.number()),
  }),
  families: z.partialRecord(z.enum(FAMILY_IDS), familyCountSchema),
  worstSeverity: z.enum(SEVERITIES).nullable(),
});

export const fleetInvestigationSchema = z.object({
  /** The cluster, in a store that holds several (docs/api.md "Clusters"). */
  cluster: z.string().optional(),
  generatedAt: z.string(),
  nodes: z.array(fleetNodeSummarySchema).nullable(),
  /** Findings about the whole cluster (kube-state-metrics' label allowlist): shown once, counted on no node. */
  clusterFindings: z.array(findingSchema),
  sources: z.array(sourceStatusSchema),
});

export type Health = (typeof HEALTHS)[number];
export type FamilyCount = z.infer<typeof familyCountSchema>;
export type FleetNodeSummary = z.infer<typeof fleetNodeSummarySchema>;
export type FleetInvestigation = z.infer<typeof fleetInvestigationSchema>;
