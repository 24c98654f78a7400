import { describe, expect, it } from 'vitest';
import type { FleetNodeSummary } from '@/lib/contract/fleet';
import { buildMatrix, matrixSearch, matrixStateSchema, PAGE_SIZE, type MatrixState } from './matrix';

type Families = FleetNodeSummary['families'];

const IPS: Record<string, string> = { 'a-healthy': '10.0.0.1', 'b-volumes': 'fd00::2', 'c-cadvisor': '10.0.0.3', 'd-bydesign': '10.0.0.4', 'e-scrape': '10.0.0.5' };

function node(name: string, families: Families = {}): FleetNodeSummary {
  return {
    name,
    internalIp: IPS[name] ?? '',
    kubeletVersion: 'v1.31.4',
    containerRuntime: 'containerd://1.7.27',
    targets: { kubelet: 'up', cadvisor: 'up', 'node-exporter': 'up' },
    lastErrors: {},
    targetCauses: {},
    counts: { total: 0, expectedByDesign: 0, bySeverity: { critical: 0, warning: 0, info: 0 }, byKind: {} },
    families,
    worstSeverity: null,
  };
}

const FLEET = [
  node('a-healthy'),
  node('b-volumes', { 'volume-stats': { faults: 1, expectedByDesign: 2, worstSeverity: 'warning' } }),
  node('c-cadvisor', { 'cadvisor-labels': { faults: 1, expectedByDesign: 0, worstSeverity: 'critical' } }),
  node('d-bydesign', { 'volume-stats': { faults: 0, expectedByDesign: 1, worstSeverity: null } }),
  node('e-scrape', { scrape: { faults: 2, expectedByDesign: 0, worstSeverity: 'critical' } }),
];

const state = (search: Record<string, string> = {}): MatrixState => matrixStateSchema.parse(search);
const names = (search: Record<string, string>) => buildMatrix(FLEET, state(search)).rows.map((row) => row.node.name);

describe('the fleet matrix', () => {
  it.each([
    ['worst first by default: severity, then fault count, then name', {}, ['e-scrape', 'c-cadvisor', 'b-volumes', 'a-healthy', 'd-bydesign']],
    ['by name', { sort: 'name' }, ['a-healthy', 'b-volumes', 'c-cadvisor', 'd-bydesign', 'e-scrape']],
    ['by one family', { sort: 'volume-stats' }, ['b-volumes', 'a-healthy', 'c-cadvisor', 'd-bydesign', 'e-scrape']],
    ['a family keeps nodes with its faults or by-design findings', { family: 'volume-stats' }, ['b-volumes', 'd-bydesign']],
    ['hiding expected findings drops nodes that only have those', { family: 'volume-stats', hideExpected: '1' }, ['b-volumes']],
    ['a severity keeps nodes with a fault at least that bad', { severity: 'warning' }, ['e-scrape', 'c-cadvisor', 'b-volumes']],
    ['severity within a family', { severity: 'critical', family: 'volume-stats' }, []],
    ['name search, case-insensitive', { q: 'CAD' }, ['c-cadvisor']],
    ['search by InternalIP', { q: '10.0.0.3' }, ['c-cadvisor']],
    ['search by a scrape instance, port and all', { q: '10.0.0.5:10250' }, ['e-scrape']],
    ['search by a bracketed IPv6 instance', { q: '[fd00::2]:9100' }, ['b-volumes']],
  ])('%s', (_, search, expected) => {
    expect(names(search)).toEqual(expected);
  });

  it('summarizes the whole fleet whatever the filter', () => {
    const matrix = buildMatrix(FLEET, state({ q: 'nothing-matches' }));
    expect(matrix.rows).toEqual([]);
    expect(matrix.matching).toBe(0);
    expect(matrix.summary).toEqual({
      nodes: 5,
      nodesWithFaults: 3,
      families: {
        'volume-stats': { nodes: 1, faults: 1, worstSeverity: 'warning' },
        'cadvisor-labels': { nodes: 1, faults: 1, worstSeverity: 'critical' },
        'cadvisor-network': { nodes: 0, faults: 0, worstSeverity: null },
        'cadvisor-duplicates': { nodes: 0, faults: 0, worstSeverity: null },
        'root-sized-filesystem': { nodes: 0, faults: 0, worstSeverity: null },
        'device-error': { nodes: 0, faults: 0, worstSeverity: null },
        collector: { nodes: 0, faults: 0, worstSeverity: null },
        scrape: { nodes: 1, faults: 2, worstSeverity: 'critical' },
      },
    });
  });

  it('pages, clamping a page past the end to the last one', () => {
    const many = Array.from({ length: 120 }, (_, index) => node(`node-${String(index).padStart(3, '0')}`));
    expect(buildMatrix(many, state({ sort: 'name', page: '2' }), 50)).toMatchObject({ matching: 120, page: 2, pages: 3 });
    expect(buildMatrix(many, state({ sort: 'name', page: '2' }), 50).rows[0]!.node.name).toBe('node-050');
    expect(buildMatrix(many, state({ page: '99' }), 50).rows.map((row) => row.node.name)).toEqual(['node-100', ...Array.from({ length: 19 }, (_, index) => `node-${101 + index}`)]);
    expect(buildMatrix(many, state())).toMatchObject({ pages: 4, rows: expect.any(Array) });
    expect(buildMatrix(many, state()).rows).toHaveLength(PAGE_SIZE);
  });

  it('reads unknown or malformed URL values as the defaults', () => {
    expect(state({ family: 'nope', severity: 'fatal', sort: 'random', page: '-3', hideExpected: 'yes', q: '  ' })).toEqual({ q: undefined, family: undefined, severity: undefined, hideExpected: false, sort: 'worst', page: 1 });
  });

  it('writes a view state back to a short query, defaults left out', () => {
    expect(matrixSearch(state())).toBe('');
    const search = matrixSearch(state({ q: 'lab', family: 'scrape', severity: 'critical', hideExpected: '1', sort: 'name', page: '3' }));
    expect(search).toBe('?q=lab&family=scrape&severity=critical&hideExpected=1&sort=name&page=3');
    expect(state(Object.fromEntries(new URLSearchParams(search)))).toEqual(state({ q: 'lab', family: 'scrape', severity: 'critical', hideExpected: '1', sort: 'name', page: '3' }));
  });
});
