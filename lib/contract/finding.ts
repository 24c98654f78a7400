import { z } from 'zod';

/**
 * The finding contract of ../shared/DESIGN.md: serializable data, never JSX. `kind` and `cause` ids are
 * stable; a new one may be added, an existing one never changes meaning. Each family documents the causes it
 * emits (lib/families/<family>/), and a registry test keeps these lists and the families in step.
 */

export const FAMILY_IDS = ['volume-stats', 'cadvisor-labels', 'cadvisor-network', 'cadvisor-duplicates', 'root-sized-filesystem', 'device-error', 'collector', 'scrape', 'inventory-labels'] as const;

export const FINDING_KINDS = [
  'pvc-stats-missing',
  'pvc-stats-wrong',
  'cadvisor-labels-empty',
  'cadvisor-container-series-missing',
  'cadvisor-legacy-labels',
  'fs-root-sized',
  'fs-device-error',
  'fs-pv-mounts-excluded',
  'target-down',
  'target-missing',
  'target-duplicated',
  'collector-failed',
  'cadvisor-scrape-error',
  'inventory-labels-missing',
  'cadvisor-network-missing',
  'cadvisor-series-duplicated',
] as const;

/**
 * Where the series disappears: never expected (by design), missing at the source (the kubelet or exporter
 * does not expose it), lost between source and storage (scrape), or stored but wrong.
 */
export const LAYERS = ['expected', 'source', 'scrape', 'stored'] as const;

export const SEVERITIES = ['critical', 'warning', 'info'] as const;

export const evidenceSchema = z.object({
  source: z.enum(['prometheus', 'kubelet', 'kube-apiserver']),
  /** The PromQL, or the endpoint that was read. */
  query: z.string().optional(),
  endpoint: z.string().optional(),
  excerpt: z.string(),
  value: z.union([z.number(), z.string()]).optional(),
  at: z.string(),
});

export const findingSchema = z.object({
  kind: z.enum(FINDING_KINDS),
  cause: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  family: z.enum(FAMILY_IDS),
  node: z.string(),
  /** What the finding is about, stable while the fault lasts: its timeline lane has the same subject. */
  subject: z.string(),
  severity: z.enum(SEVERITIES),
  layer: z.enum(LAYERS),
  expectedByDesign: z.boolean(),
  summary: z.string(),
  explanation: z.string(),
  evidence: z.array(evidenceSchema),
  remediation: z.object({ text: z.string(), snippet: z.string().optional() }),
  references: z.array(z.string().url()),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
});

export type FamilyId = (typeof FAMILY_IDS)[number];
export type Severity = (typeof SEVERITIES)[number];
export type Layer = (typeof LAYERS)[number];
export type Finding = z.infer<typeof findingSchema>;
export type Evidence = z.infer<typeof evidenceSchema>;
export type FindingKind = Finding['kind'];
