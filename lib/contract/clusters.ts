import { z } from 'zod';
import { FAMILY_IDS } from './finding';
import { sourceStatusSchema } from './source';

/** GET /api/v1/clusters and the fleet of clusters: per cluster, its nodes and the nodes with a fault per family. */

export const clusterSummarySchema = z.object({
  name: z.string(),
  /** Nodes kube-state-metrics knows in the cluster; null when its inventory could not be read. */
  nodes: z.number().nullable(),
  /** Nodes with at least one fault (a finding not expected by design). */
  nodesWithFaults: z.number(),
  /** Per family, the nodes with a fault of it. */
  faultsByFamily: z.partialRecord(z.enum(FAMILY_IDS), z.number()),
  /** Nodes with a target down or missing. */
  nodesWithTargetsDown: z.number(),
});

export const clustersOverviewSchema = z.object({
  generatedAt: z.string(),
  /** The label that tells clusters apart (GAPSCOPE_CLUSTER_LABEL). */
  label: z.string(),
  clusters: z.array(clusterSummarySchema),
  /** Every request made, each once: the clusters' questions are asked together. */
  sources: z.array(sourceStatusSchema),
});

export type ClusterSummary = z.infer<typeof clusterSummarySchema>;
export type ClustersOverview = z.infer<typeof clustersOverviewSchema>;
