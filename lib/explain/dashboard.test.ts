import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_FIXTURES, realFixture } from '@/lab/test-support/fixtures';
import { builtInVariables, substitute } from './grafana-vars';
import { DashboardError, labelValuesQuery, readDashboard } from './dashboard';
import { parsePromql } from './promql-tree';

const DASHBOARDS = readdirSync(join(REAL_FIXTURES, 'dashboards')).filter((file) => file.endsWith('.json'));
const dashboard = (file: string) => readDashboard(JSON.parse(realFixture(`dashboards/${file}`)));

describe('the real dashboards of shared/fixtures', () => {
  it('are all there', () => {
    expect(DASHBOARDS.length).toBeGreaterThanOrEqual(12);
  });

  it.each(DASHBOARDS)('%s: every query parses once its variables have values', (file) => {
    const read = dashboard(file);
    expect(read.queries.length).toBeGreaterThan(0);
    const values = { ...builtInVariables({ startMs: 0, endMs: 3_600_000 }), ...Object.fromEntries(read.variables.map((variable) => [variable.name, { value: 'x', source: 'dashboard' as const }])) };
    for (const query of read.queries) {
      const { text, unresolved } = substitute(query.expr, values);
      expect(unresolved, query.expr).toEqual([]);
      expect(() => parsePromql(text), text).not.toThrow();
    }
  });

  it('reads the Kubelet dashboard as kube-prometheus publishes it', () => {
    const read = dashboard('kube-prometheus_kubelet.json');
    expect(read.title).toBe('Kubernetes / Kubelet');
    expect(read.variables.map((variable) => [variable.name, variable.type])).toEqual([
      ['datasource', 'datasource'],
      ['cluster', 'query'],
      ['instance', 'query'],
    ]);
    expect(labelValuesQuery(read.variables[2]!.query!)).toEqual({ selector: 'up{job="kubelet", metrics_path="/metrics",cluster="$cluster"}', label: 'instance' });
    expect(read.queries.find((query) => query.panel === 'Running Pods')!.expr).toContain('kubelet_running_pods');
  });

  it('reads Node Exporter Full (variables as objects, panels inside rows)', () => {
    const read = dashboard('rfmoz_node-exporter-full.json');
    expect(read.queries.length).toBeGreaterThan(250);
    expect(read.variables.find((variable) => variable.name === 'node')!.query).toBe('label_values(node_uname_info{job="$job", nodename="$nodename"}, instance)');
  });
});

describe('dashboard shapes', () => {
  const panel = (title: string, expr: string, extra: object = {}) => ({ title, type: 'timeseries', targets: [{ refId: 'A', expr }], ...extra });

  it('takes library panels from an external export, legacy rows, and collapsed rows', () => {
    const read = readDashboard({
      title: 'shapes',
      panels: [{ type: 'row', collapsed: true, panels: [panel('inside a row', 'up')] }, { title: 'shared', libraryPanel: { uid: 'lib-1', name: 'shared' } }],
      rows: [{ panels: [panel('legacy', 'node_load1')] }],
      __elements: { 'lib-1': { uid: 'lib-1', model: panel('library', 'kube_node_info') } },
    });
    expect(read.queries.map((query) => [query.panel, query.expr])).toEqual([
      ['inside a row', 'up'],
      ['shared', 'kube_node_info'],
      ['legacy', 'node_load1'],
    ]);
  });

  it('leaves out hidden targets and other data sources', () => {
    const read = readDashboard({
      panels: [
        panel('loki', '{app="x"}', { datasource: { type: 'loki', uid: 'l' } }),
        { title: 'hidden', targets: [{ refId: 'A', expr: 'up', hide: true }, { refId: 'B', expr: 'node_load1' }] },
        panel('variable source', 'up', { datasource: { type: 'prometheus', uid: '${datasource}' } }),
      ],
    });
    expect(read.queries.map((query) => `${query.panel}/${query.refId}`)).toEqual(['hidden/B', 'variable source/A']);
  });

  it.each([
    [[], /not a Grafana dashboard/],
    [{ panels: 'x' }, /panels/],
    [{ panels: [] }, /no Prometheus query/],
    [{ panels: Array.from({ length: 401 }, (_, i) => panel(`p${i}`, 'up')) }, /400/],
  ])('refuses a document that is not one (case %#)', (json, message) => {
    expect(() => readDashboard(json)).toThrow(DashboardError);
    expect(() => readDashboard(json)).toThrow(message);
  });

  it('unwraps { dashboard: … } as the Grafana API returns it', () => {
    expect(readDashboard({ dashboard: { panels: [panel('a', 'up')] } }).queries).toHaveLength(1);
  });
});
