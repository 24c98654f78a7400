import { z } from 'zod';
import { type FamilyId, type Severity } from '@/lib/contract/finding';
import type { FamilyCount, FleetNodeSummary } from '@/lib/contract/fleet';
import { FAMILIES } from '@/lib/families/registry';

/**
 * The fleet matrix: nodes x gap families, filtered, sorted and cut into pages. PURE: the fleet's summaries
 * and the view state from the URL in, the rows to render out. The page renders one page of rows on the
 * server, so 1,000 nodes cost one page of HTML.
 */

type GapFamily = FamilyId;

/** The matrix's family columns: the registry's families, in its order. */
export const MATRIX_COLUMNS: readonly { id: FamilyId; title: string }[] = FAMILIES.map((family) => ({ id: family.id, title: family.title }));
const COLUMN_IDS = MATRIX_COLUMNS.map((column) => column.id);
/** The per-node families, as the URL may name them (cluster-wide checks have no column). */
const COLUMN_ENUM = FAMILIES.map((family) => family.id) as [FamilyId, ...FamilyId[]];

const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };
/** 30 rows keep the first page under 150 KB with its React payload, at any fleet size. */
export const PAGE_SIZE = 30;
export const SORTS = ['worst', 'name', ...COLUMN_ENUM] as const;

const optionalText = z
  .string()
  .optional()
  .transform((text) => text?.trim() || undefined);

/** The view state of the matrix, as the URL carries it; anything unreadable falls back to the default. */
export const matrixStateSchema = z.object({
  q: optionalText.pipe(z.string().max(253).optional()).catch(undefined),
  family: z.enum(COLUMN_ENUM).optional().catch(undefined),
  severity: z.enum(['critical', 'warning', 'info']).optional().catch(undefined),
  /** "1": hide findings expected by design (the default shows them, apart, in grey). */
  hideExpected: z
    .enum(['1', '0'])
    .optional()
    .transform((flag) => flag === '1')
    .catch(false),
  sort: z.enum(SORTS).default('worst').catch('worst'),
  page: z.coerce.number().int().min(1).default(1).catch(1),
  /** The cluster of a store that holds several (checked against the store's clusters by the page). */
  cluster: optionalText.pipe(z.string().max(200).optional()).catch(undefined),
});

export type MatrixState = z.infer<typeof matrixStateSchema>;

export interface MatrixCell {
  faults: number;
  expectedByDesign: number;
  worstSeverity: Severity | null;
}

export interface MatrixRow {
  node: FleetNodeSummary;
  cells: Record<GapFamily, MatrixCell>;
  /** The worst severity among the cells shown, for sorting and the row's colour. */
  worst: Severity | null;
  faults: number;
}

export interface MatrixSummary {
  nodes: number;
  nodesWithFaults: number;
  /** Per family: how many nodes have a fault of it, and how many faults in all. */
  families: Record<GapFamily, { nodes: number; faults: number; worstSeverity: Severity | null }>;
}

export interface Matrix {
  summary: MatrixSummary;
  /** Rows that pass the filters, before paging. */
  matching: number;
  page: number;
  pages: number;
  rows: MatrixRow[];
}

const EMPTY_CELL: MatrixCell = { faults: 0, expectedByDesign: 0, worstSeverity: null };

function worse(a: Severity | null, b: Severity | null): Severity | null {
  if (a === null) return b;
  if (b === null) return a;
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

function rowOf(node: FleetNodeSummary, hideExpected: boolean): MatrixRow {
  const cells = {} as Record<GapFamily, MatrixCell>;
  let worst: Severity | null = null;
  let faults = 0;
  for (const family of COLUMN_IDS) {
    const count: FamilyCount | undefined = node.families[family];
    cells[family] = count ? { ...count, expectedByDesign: hideExpected ? 0 : count.expectedByDesign } : EMPTY_CELL;
    worst = worse(worst, cells[family].worstSeverity);
    faults += cells[family].faults;
  }
  return { node, cells, worst, faults };
}

/**
 * A name search: part of the node's name or InternalIP, or a scrape `instance` ("10.0.0.5:10250"), as a
 * Grafana data link from an instance-labelled panel passes it.
 */
function matchesSearch(node: FleetNodeSummary, q: string): boolean {
  const needle = q.toLowerCase();
  const host = needle.replace(/^\[(.+)\](:\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1');
  return node.name.toLowerCase().includes(needle) || (node.internalIp !== '' && (node.internalIp.includes(needle) || node.internalIp === host));
}

function passes(row: MatrixRow, state: MatrixState): boolean {
  if (state.q && !matchesSearch(row.node, state.q)) return false;
  const considered = state.family ? [row.cells[state.family]] : Object.values(row.cells);
  if (state.family && considered.every((cell) => cell.faults === 0 && cell.expectedByDesign === 0)) return false;
  if (state.severity) {
    const least = SEVERITY_RANK[state.severity];
    if (!considered.some((cell) => cell.worstSeverity !== null && SEVERITY_RANK[cell.worstSeverity] >= least)) return false;
  }
  return true;
}

const rank = (severity: Severity | null) => (severity ? SEVERITY_RANK[severity] : 0);

function compare(sort: MatrixState['sort']): (a: MatrixRow, b: MatrixRow) => number {
  const byName = (a: MatrixRow, b: MatrixRow) => a.node.name.localeCompare(b.node.name);
  if (sort === 'name') return byName;
  if (sort === 'worst') return (a, b) => rank(b.worst) - rank(a.worst) || b.faults - a.faults || byName(a, b);
  return (a, b) => rank(b.cells[sort].worstSeverity) - rank(a.cells[sort].worstSeverity) || b.cells[sort].faults - a.cells[sort].faults || byName(a, b);
}

function summarize(rows: MatrixRow[]): MatrixSummary {
  const families = Object.fromEntries(COLUMN_IDS.map((family) => [family, { nodes: 0, faults: 0, worstSeverity: null }])) as MatrixSummary['families'];
  let nodesWithFaults = 0;
  for (const row of rows) {
    if (row.faults > 0) nodesWithFaults++;
    for (const family of COLUMN_IDS) {
      const cell = row.cells[family];
      if (cell.faults === 0) continue;
      families[family].nodes++;
      families[family].faults += cell.faults;
      families[family].worstSeverity = worse(families[family].worstSeverity, cell.worstSeverity);
    }
  }
  return { nodes: rows.length, nodesWithFaults, families };
}

/** The matrix for one view state. The summary describes the whole fleet, whatever the filters. */
export function buildMatrix(nodes: readonly FleetNodeSummary[], state: MatrixState, pageSize = PAGE_SIZE): Matrix {
  const all = nodes.map((node) => rowOf(node, state.hideExpected));
  const matching = all.filter((row) => passes(row, state)).sort(compare(state.sort));
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(state.page, pages);
  return { summary: summarize(all), matching: matching.length, page, pages, rows: matching.slice((page - 1) * pageSize, page * pageSize) };
}

/** The URL query of a view state, default values left out so links stay short. */
export function matrixSearch(state: Partial<MatrixState>): string {
  const params = new URLSearchParams();
  if (state.cluster) params.set('cluster', state.cluster);
  if (state.q) params.set('q', state.q);
  if (state.family) params.set('family', state.family);
  if (state.severity) params.set('severity', state.severity);
  if (state.hideExpected) params.set('hideExpected', '1');
  if (state.sort && state.sort !== 'worst') params.set('sort', state.sort);
  if (state.page && state.page > 1) params.set('page', String(state.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}
