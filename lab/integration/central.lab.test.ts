import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDashboard } from '@/lib/explain/dashboard';
import { loadFleet } from '@/lib/server/inventory';
import { resolveRange, type ResolvedRange } from '@/lib/time-range';
import { startLab, type RunningLab } from '../src/lab';
import { detected, labGapscope, labPrometheus, rangeEnding } from '../test-support/clients';
import { EXPECTED_FINDINGS, EXPECTED_HEALTH, expectedFindings } from '../test-support/default-expectations';
import { realFixture } from '../test-support/fixtures';
import { query, waitForScrapes } from '../test-support/prometheus-api';

/**
 * The default scenario in the central topology: the lab's Prometheus in agent mode remote-writes to a real
 * VictoriaMetrics (Debian's victoria-metrics), which holds the history and is all gapscope queries, with
 * `cluster="lab"` on every series. The findings must be those of a single Prometheus, apart from what the
 * store's missing APIs cannot tell: a target's last error (no targets API) and the relabel rule that drops
 * a series (no scrape configuration).
 */

let lab: RunningLab;
const CLUSTER = 'central-a';

beforeAll(async () => {
  lab = await startLab({ octet: 26, profile: 'kube-prometheus', topology: 'central', cluster: CLUSTER });
  await waitForScrapes(lab.scraperUrl, 5_000);
  // Remote write sends within a second; wait (bounded) until the store has a scrape of every target.
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 1_000))) {
    if ((await query(lab.prometheusUrl, 'count(up)'))[0]?.value[1] === '30') break;
  }
});

afterAll(async () => {
  await lab?.stop();
});

/** What only the targets API and the scrape configuration can tell, as a single Prometheus says it, and here. */
const WITHOUT_SCRAPER_APIS: Record<string, string> = {
  unauthorized: 'unknown',
  'dropped-before-storage': 'not-stored',
};

describe('the premise: a central store fed by an agent', () => {
  it('VictoriaMetrics has the live series and the history, each with the cluster label; the agent answers no query', async () => {
    expect(await query(lab.prometheusUrl, 'count by (cluster) (up)')).toEqual([{ metric: { cluster: CLUSTER }, value: [expect.any(Number), '30'] }]);
    expect((await query(lab.prometheusUrl, 'count(kube_node_info offset 5h)'))[0]?.value[1]).toBe('7');
    expect((await query(lab.prometheusUrl, 'count(up{cluster!~".+"})'))).toEqual([]);
    expect((await fetch(`${lab.scraperUrl}/api/v1/query?query=up`)).status).toBe(422);
    const targets = (await (await fetch(`${lab.prometheusUrl}/api/v1/targets`)).json()) as { data: { activeTargets: unknown[] } };
    expect(targets.data.activeTargets).toEqual([]);
  });
});


describe('gapscope through the central store', () => {
  it('detects what the store lacks: no targets API, no scrape configuration, no runtime info; MetricsQL', async () => {
    expect(await detected(labGapscope(labPrometheus(lab)))).toMatchObject({ targetsApi: false, scrapeConfig: false, runtimeInfo: false, dialect: 'metricsql' });
    // Its build info has no version, which is no failure.
    expect(await labGapscope(labPrometheus(lab)).health()).toMatchObject({ status: 'ok', prometheus: { ok: true } });
  });

  it('reads target health from `up`, and says why', async () => {
    const fleet = await loadFleet(labPrometheus(lab));
    expect(fleet.healthFrom).toBe('up-series');
    expect(fleet.sources.find((source) => source.endpoint === 'POST /api/v1/query up')?.detail).toContain('the targets API lists no target');
    const health = Object.fromEntries(fleet.nodes!.map((node) => [node.name, Object.fromEntries(Object.entries(node.roles).map(([role, value]) => [role, value.health]))]));
    expect(health).toEqual(EXPECTED_HEALTH);
  });

  it.each(Object.keys(EXPECTED_FINDINGS))('diagnoses %s as a single Prometheus does, but for what the store cannot tell', async (name) => {
    const investigation = await labGapscope(labPrometheus(lab)).node(name, rangeEnding());
    const got = investigation.findings.map((finding) => [finding.kind, finding.cause, finding.subject]);
    const expected = expectedFindings('kube-prometheus', name).map(([kind, cause, subject]) => [kind, WITHOUT_SCRAPER_APIS[cause] ?? cause, subject]);
    expect(got.sort()).toEqual(expected.sort());
    for (const finding of investigation.findings.filter((candidate) => candidate.kind === 'cadvisor-container-series-missing')) {
      expect(finding.explanation).toContain('could not be read here');
    }
    for (const finding of investigation.findings.filter((candidate) => candidate.kind === 'target-down')) {
      expect(finding.explanation).toContain('The last scrape error is unknown here');
      expect(finding.evidence[0]!.excerpt).toContain('lastError unknown (up 0)');
    }
  });

  it('explains an empty dashboard panel through VictoriaMetrics (MetricsQL), linked to the finding', async () => {
    const range = resolveRange('now-1h', 'now', Date.now()) as ResolvedRange;
    const result = await labGapscope(labPrometheus(lab)).explainDashboard(readDashboard(JSON.parse(realFixture('dashboards/kube-prometheus_kubelet.json'))), { node: 'lab-unauthorized', range, requested: { cluster: CLUSTER } });
    const panel = result.panels.find((candidate) => candidate.panel === 'Running Pods')!;
    expect(panel.substituted).toContain(`cluster="${CLUSTER}"`);
    expect(panel.empty).toBe(true);
    const [selector] = panel.explanation!.selectors.filter((candidate) => candidate.verdict !== 'ok');
    expect(selector).toMatchObject({ verdict: 'label-value-absent', culprit: { label: 'instance' } });
    expect(selector!.findings.map((finding) => `${finding.kind}/${finding.cause}`)).toContain('target-down/unknown');
  });
});
