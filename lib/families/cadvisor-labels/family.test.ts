import { describe, expect, it } from 'vitest';
import { realFixture } from '@/lab/test-support/fixtures';
import { parseExposition } from '@/lib/test-support/parse-exposition';
import { scanCadvisor } from '@/lib/kubelet/cadvisor-source';
import { compileRules } from '@/lib/prometheus/relabel';
import { familyFindings, observation, role, sample } from '@/lib/test-support/observation';
import { cadvisorLabels } from '.';
import { CONTAINER_CGROUP_REGEX, isContainerCgroup } from './causes';

const container = (id = `/kubepods/burstable/pod${'a'.repeat(8)}-0000-4000-a000-${'0'.repeat(12)}/${'f'.repeat(64)}`) => sample({ id, namespace: 'shop', pod: 'p' });
const observed = (unlabelled: ReturnType<typeof sample>[], extra: Parameters<typeof observation>[0] = {}, legacy: ReturnType<typeof sample>[] = []) =>
  observation({ ...extra, parts: { 'cadvisor-labels': { unlabelled, legacy } } });

/** What Prometheus would return for the family's selector from a capture: series of container cgroups without image. */
function storedWithoutImage(file: string) {
  const { families } = parseExposition(realFixture(file), { families: ['container_cpu_usage_seconds_total'] });
  return families[0]!.samples.filter((entry) => !entry.labels.image).map((entry) => sample(entry.labels));
}

describe('cadvisor-labels-empty on the real captures', () => {
  it.each(['nri-kubernetes/k8s-1.35_kubelet_metrics_cadvisor.txt', 'nri-kubernetes/k8s-1.31_kubelet_metrics_cadvisor.txt', 'nri-kubernetes/k8s-1.15_kubelet_metrics_cadvisor.txt'])(
    '%s: id="/", system slices and pod-level cgroups never count',
    (file) => {
      const unlabelled = storedWithoutImage(file);
      expect(unlabelled.some((series) => series.labels.id === '/')).toBe(true);
      expect(unlabelled.some((series) => /\/pod[^/]+$/.test(series.labels.id ?? ''))).toBe(true);
      expect(familyFindings(cadvisorLabels, observed(unlabelled))).toEqual([]);
      expect(cadvisorLabels.rule(observed(unlabelled))!.find((verdict) => verdict.subject === 'container cgroups')).toMatchObject({ state: 'ok', value: 0 });
    },
  );

  it('recognizes container cgroups of both cgroup drivers, and nothing else', () => {
    expect(isContainerCgroup(container().labels.id!)).toBe(true);
    expect(isContainerCgroup(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b6f5b1e_0000_4000_a000_000000000001.slice/cri-containerd-${'a'.repeat(64)}.scope`)).toBe(true);
    expect(isContainerCgroup(`/kubepods/besteffort/podeaf7d48161d81d9c3359e1c008571fd6/${'b'.repeat(64)}`)).toBe(true);
    for (const id of ['/', '/kubepods', '/kubepods/burstable/pod0b6f5b1e-0000-4000-a000-000000000001', '/system.slice/kubelet.service']) expect(isContainerCgroup(id)).toBe(false);
  });
});

describe('the cadvisor-labels rule', () => {
  const two = [container(), container(`/kubepods/pod${'c'.repeat(32)}/${'d'.repeat(64)}`)];
  it.each([
    ['the runtime started after the kubelet', { starts: { kubelet: 1_000_000, runtime: 1_120_000 }, node: { containerRuntime: 'containerd://1.7.27' } }, 'runtime-started-after-kubelet', /120 s later/],
    ['a Docker version cAdvisor refuses', { starts: { kubelet: 2_000_000, runtime: 1_000_000 }, node: { containerRuntime: 'docker://dev', kubeletVersion: 'v1.23.17' } }, 'runtime-factory-failed', /does not match cAdvisor's/],
    ['cri-dockerd under a kubelet without a Docker factory', { starts: { kubelet: 1_000_000, runtime: 1_120_000 }, node: { containerRuntime: 'docker://24.0.7', kubeletVersion: 'v1.29.4' } }, 'runtime-factory-failed', /lost its Docker factory with dockershim in 1\.24/],
    ['Docker under a 1.23 kubelet, started in order', { starts: { kubelet: 2_000_000, runtime: 1_000_000 }, node: { containerRuntime: 'docker://24.0.7', kubeletVersion: 'v1.23.17' } }, 'unknown', /do not show why/],
    ['containerd embedded by k3s', { starts: { kubelet: 1_000_000 }, node: { containerRuntime: 'containerd://2.0.5-k3s1' } }, 'runtime-socket-unreachable', /"-k3s" suffix says k3s embeds it/],
    ['a containerd without its own unit', { starts: { kubelet: 1_000_000 }, node: { containerRuntime: 'containerd://1.7.27' } }, 'runtime-socket-unreachable', /as k3s, RKE2 and k0s embed it/],
    ['nothing to tell', { starts: { kubelet: 2_000_000, runtime: 1_000_000 }, node: { containerRuntime: 'containerd://1.7.27' } }, 'unknown', /do not show why/],
    ['nothing known at all', { node: { containerRuntime: '' } }, 'unknown', /do not show why/],
  ])('blames %s, as a verdict and as a finding', (_, extra, cause, explanation) => {
    const observedNode = observed(two, extra);
    expect(cadvisorLabels.rule(observedNode)![0]).toMatchObject({ subject: 'container cgroups', state: 'fault', cause, value: 2 });
    const [finding] = familyFindings(cadvisorLabels, observedNode);
    expect(finding).toMatchObject({ kind: 'cadvisor-labels-empty', cause, subject: 'container cgroups', severity: 'critical' });
    expect(finding!.explanation).toMatch(explanation);
    expect(finding!.summary).toBe(`2 container series on n have empty image, name and container labels (${cause})`);
  });

  it('cannot judge without the cAdvisor series (target not up, or the request failed)', () => {
    expect(cadvisorLabels.rule(observation({ parts: { 'cadvisor-labels': { unlabelled: null, legacy: null } } }))).toBeNull();
    expect(cadvisorLabels.rule(observation())).toBeNull();
  });

  it('reports the legacy pod_name / container_name labels of the 1.15 capture', () => {
    const { families } = parseExposition(realFixture('nri-kubernetes/k8s-1.15_kubelet_metrics_cadvisor.txt'), { families: ['container_cpu_usage_seconds_total'] });
    const legacySeries = families[0]!.samples.filter((entry) => entry.labels.pod_name).length;
    expect(legacySeries).toBeGreaterThan(0);
    const findings = familyFindings(cadvisorLabels, observed([], {}, [sample({ job: 'kubelet', instance: 'i' }, legacySeries)]));
    expect(findings.map((finding) => [finding.kind, finding.severity, finding.subject])).toEqual([['cadvisor-legacy-labels', 'info', 'pod_name / container_name labels']]);
  });
});

describe('CONTAINER_CGROUP_REGEX', () => {
  it.each([
    ['/kubepods/burstable/pod0c9f3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6/' + 'a'.repeat(64), true],
    ['/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0c9f3a3e_1b2c_4d5e_8f90_a1b2c3d4e5f6.slice/cri-containerd-' + 'b'.repeat(64) + '.scope', true],
    ['/kubepods/burstable/pod0c9f3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6', false],
    ['/system.slice/containerd.service', false],
  ])('matches %s as PromQL would (anchored): %s', (id, isContainer) => {
    expect(new RegExp(`^(?:${CONTAINER_CGROUP_REGEX})$`).test(id)).toBe(isContainer);
    expect(isContainerCgroup(id)).toBe(isContainer);
  });
});

describe('running containers across the layers (expected, source, stored)', () => {
  const CHART_RULES = compileRules([
    { source_labels: ['__name__'], action: 'drop', regex: 'container_spec.*' },
    { source_labels: ['id', 'pod'], action: 'drop', regex: '.+;' },
  ]);
  const JOB = 'serviceMonitor/monitoring/kube-prometheus-stack-kubelet/1';
  const hex = (digit: string) => digit.repeat(64);
  const running = (container: string, digit: string) => sample({ namespace: 'shop', pod: 'checkout-0', container, container_id: `containerd://${hex(digit)}`, node: 'n' });
  const cgroup = (digit: string, labels: Record<string, string>) => {
    const id = `/kubepods/burstable/pod0c9f3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6/${hex(digit)}`;
    const all = { container: '', id, image: '', name: '', namespace: '', pod: '', ...labels };
    return { id, labels: all, line: `container_start_time_seconds{${Object.entries(all).map(([name, value]) => `${name}="${value}"`).join(',')}} 1767225000` };
  };
  const source = (cgroups: ReturnType<typeof cgroup>[], units: Record<string, number> = {}) => ({
    cgroups,
    units: Object.fromEntries(Object.entries(units).map(([unit, at]) => [unit, { startedAt: at, line: `container_start_time_seconds{id="/system.slice/${unit}.service"} ${at / 1000}` }])),
    legacySeries: 0,
    summary: null,
    cadvisorEndpoint: 'GET /metrics/cadvisor (n)',
    summaryEndpoint: 'GET /stats/summary (n)',
    failures: [],
  });
  const jobs = (rules: ReturnType<typeof compileRules>) => new Map([[JOB, { jobName: JOB, limits: { jobName: JOB }, honorTimestamps: true, trackTimestampsStaleness: false, honorLabels: true, metricsPath: '/metrics/cadvisor', metricRelabel: rules }]]);
  const withPool = { cadvisor: { health: 'up' as const, targets: [{ ...role('cadvisor', 'up').targets[0]!, pool: JOB }] } };
  const observed = (extra: Parameters<typeof observation>[0], unstored = [running('checkout', 'a'), running('envoy', 'b')]) =>
    observation({ roles: withPool, scrapeRules: jobs(CHART_RULES), ...extra, parts: { 'cadvisor-labels': { unlabelled: [], legacy: [], expected: [sample({ node: 'n' }, 3)], unstored } } });

  it('stored alone: the running containers are not stored, and the chart rule would drop them unlabelled', () => {
    const node = observed({ sourceNotRead: 'GAPSCOPE_KUBELET_MODE is off, so gapscope reads no kubelet' });
    const [finding] = familyFindings(cadvisorLabels, node);
    expect(finding).toMatchObject({ kind: 'cadvisor-container-series-missing', cause: 'dropped-before-storage', layer: 'scrape', summary: '2 running containers on n have no cAdvisor series stored (dropped-before-storage)' });
    expect(finding!.explanation).toMatch(/drops every container cgroup series whose pod label is empty \(metric_relabel_configs #2 drop \[id, pod\] regex '\.\+;'\).*GAPSCOPE_KUBELET_MODE is off/);
    expect(finding!.evidence.map((entry) => entry.excerpt)).toEqual([
      '2 of 3 running containers have no series stored under their pod and name: shop/checkout-0 checkout, shop/checkout-0 envoy',
      `scrape job ${JOB}, metric_relabel_configs #2 drop [id, pod] regex '.+;'`,
    ]);
    const layers = cadvisorLabels.layers!(cadvisorLabels.rule(node)!, node);
    expect(layers).toMatchObject({ expected: 3, stored: 1, source: { read: false, detail: 'GAPSCOPE_KUBELET_MODE is off, so gapscope reads no kubelet' }, missing: [{ layer: 'stored', reason: 'not-stored', count: 2 }] });
  });

  it("finds the target's job by the path it scrapes where `up` told no scrape pool (operator job names are not `job` labels)", () => {
    const [finding] = familyFindings(cadvisorLabels, observed({ roles: { cadvisor: role('cadvisor', 'up') } }));
    expect(finding).toMatchObject({ cause: 'dropped-before-storage' });
    expect(finding!.evidence[1]!.excerpt).toBe(`scrape job ${JOB}, metric_relabel_configs #2 drop [id, pod] regex '.+;'`);
  });

  it('a kubelet that could not be read: the finding says what the stored layer shows and why the source is missing', () => {
    const unread = { ...source([]), cgroups: null, failures: ['/metrics/cadvisor: kubelet 10.0.0.1:10250 returned 403 Forbidden for /metrics/cadvisor'] };
    const node = observed({ cadvisorSource: unread });
    const [finding] = familyFindings(cadvisorLabels, node);
    expect(finding).toMatchObject({ kind: 'cadvisor-container-series-missing', cause: 'dropped-before-storage' });
    expect(finding!.explanation).toMatch(/Reading the kubelet's \/metrics\/cadvisor would show whether their labels are empty there \(it could not be read: \/metrics\/cadvisor: kubelet 10\.0\.0\.1:10250 returned 403 Forbidden/);
    expect(cadvisorLabels.layers!(cadvisorLabels.rule(node)!, node)!.source).toEqual({ read: false, detail: '/metrics/cadvisor: kubelet 10.0.0.1:10250 returned 403 Forbidden for /metrics/cadvisor' });
  });

  it('a Windows node: its running containers have no cAdvisor series by design', () => {
    const [finding, ...others] = familyFindings(cadvisorLabels, observed({ node: { osImage: 'Windows Server 2022 Datacenter' }, scrapeRules: new Map() }));
    expect(others).toEqual([]);
    expect(finding).toMatchObject({ kind: 'cadvisor-container-series-missing', cause: 'windows-node', severity: 'info', expectedByDesign: true, layer: 'expected' });
    expect(finding!.evidence[0]!.excerpt).toBe('2 of 3 running containers have no series stored under their pod and name: shop/checkout-0 checkout, shop/checkout-0 envoy');
  });

  it('stored alone, no rule that drops them: not stored, cause unknown to storage', () => {
    const [finding] = familyFindings(cadvisorLabels, observed({ scrapeRules: new Map() }));
    expect(finding).toMatchObject({ kind: 'cadvisor-container-series-missing', cause: 'not-stored', layer: 'stored' });
    expect(finding!.explanation).toContain('no scrape rule explains it');
    // A central store has no scrape configuration: the rule cannot be named, and the finding says so.
    const [central] = familyFindings(cadvisorLabels, observed({ scrapeRules: undefined }));
    expect(central).toMatchObject({ cause: 'not-stored' });
    expect(central!.explanation).toContain('could not be read here');
  });

  it('at the source: empty labels, the runtime started after the kubelet, and the rule that drops them named', () => {
    const node = observed({ cadvisorSource: source([cgroup('a', {}), cgroup('b', {})], { kubelet: 1_767_220_000_000, containerd: 1_767_220_120_000 }) });
    const [finding] = familyFindings(cadvisorLabels, node);
    expect(finding).toMatchObject({ kind: 'cadvisor-labels-empty', cause: 'runtime-started-after-kubelet', layer: 'source', summary: '2 container series on n have empty image, name, pod, namespace and container labels (runtime-started-after-kubelet)' });
    expect(finding!.explanation).toMatch(/120 s later.*Prometheus keeps none of them: the scrape job drops every cgroup series whose pod is empty/);
    const kubelet = finding!.evidence.filter((entry) => entry.source === 'kubelet');
    expect(kubelet.map((entry) => entry.endpoint)).toEqual(['GET /metrics/cadvisor (n)', 'GET /metrics/cadvisor (n)']);
    expect(kubelet[0]!.excerpt).toContain(`id="/kubepods/burstable/pod0c9f3a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6/${hex('a')}",image="",name="",namespace="",pod=""`);
    expect(kubelet[1]!.excerpt).toMatch(/system\.slice\/kubelet\.service.*\n.*system\.slice\/containerd\.service/);
    expect(finding!.evidence.some((entry) => entry.endpoint === 'GET /api/v1/status/config' && entry.excerpt.includes('#2 drop [id, pod]'))).toBe(true);
    const layers = cadvisorLabels.layers!(cadvisorLabels.rule(node)!, node);
    expect(layers).toMatchObject({ expected: 3, stored: 1, source: { read: true, containers: 2, labelled: 0, emptyLabels: 2, legacyLabels: 0 } });
    expect(layers!.missing).toEqual([{ layer: 'source', reason: 'empty-labels', text: 'at the kubelet without pod labels', count: 2, job: JOB, rule: "#2 drop [id, pod] regex '.+;'" }]);
  });

  it('at the source with no runtime unit at all: containerd embedded in another unit', () => {
    const [finding] = familyFindings(cadvisorLabels, observed({ node: { containerRuntime: 'containerd://2.0.5-k3s1' }, cadvisorSource: source([cgroup('a', {})], { 'k3s-agent': 1_767_220_000_000 }) }, [running('checkout', 'a')]));
    expect(finding).toMatchObject({ kind: 'cadvisor-labels-empty', cause: 'runtime-socket-unreachable' });
  });

  it('at the source with labels, but a rule drops them before storage: the scrape layer, the rule named', () => {
    const dropping = compileRules([{ source_labels: ['namespace'], action: 'drop', regex: 'shop' }]);
    const node = observed({ scrapeRules: jobs(dropping), cadvisorSource: source([cgroup('a', { pod: 'checkout-0', namespace: 'shop', image: 'i', name: 'n', container: 'checkout' })]) }, [running('checkout', 'a')]);
    const [finding] = familyFindings(cadvisorLabels, node);
    expect(finding).toMatchObject({ kind: 'cadvisor-container-series-missing', cause: 'dropped-before-storage', layer: 'scrape' });
    expect(finding!.explanation).toContain(`${JOB}: #1 drop [namespace] regex 'shop'`);
  });

  it('absent at the source: the kubelet has no cgroup for the container id', () => {
    const node = observed({ cadvisorSource: source([]) }, [running('checkout', 'a')]);
    expect(familyFindings(cadvisorLabels, node)[0]).toMatchObject({ kind: 'cadvisor-container-series-missing', cause: 'not-at-source', layer: 'source' });
  });

  it('every running container stored: ok, and the card counts them all as stored', () => {
    const node = observed({}, []);
    expect(cadvisorLabels.rule(node)![0]).toMatchObject({ state: 'ok' });
    expect(cadvisorLabels.layers!(cadvisorLabels.rule(node)!, node)).toMatchObject({ expected: 3, stored: 3, missing: [] });
  });
});

describe('legacy labels at the source', () => {
  it('reports the 1.15 capture\'s pod_name series from the kubelet when none is stored (the chart drops them)', async () => {
    const body = Buffer.from(realFixture('nri-kubernetes/k8s-1.15_kubelet_metrics_cadvisor.txt'));
    const scanned = await scanCadvisor((async function* () {
      yield body;
    })());
    expect(scanned.legacySeries).toBeGreaterThan(0);
    const node = observation({
      parts: { 'cadvisor-labels': { unlabelled: [], legacy: [], expected: [], unstored: [] } },
      cadvisorSource: { ...scanned, summary: null, cadvisorEndpoint: 'GET /metrics/cadvisor (n)', summaryEndpoint: 'GET /stats/summary (n)', failures: [] },
    });
    const [finding] = familyFindings(cadvisorLabels, node);
    expect(finding).toMatchObject({ kind: 'cadvisor-legacy-labels', layer: 'scrape', evidence: [{ source: 'kubelet', endpoint: 'GET /metrics/cadvisor (n)', value: scanned.legacySeries }] });
    expect(finding!.explanation).toMatch(/none of them is even stored/);
  });
});

describe('cadvisor-scrape-error', () => {
  /** container_scrape_error as the real captures serve it (0), or as cAdvisor reports a failed container (1). */
  const scrapeError = (file: string, value: number) => {
    const [family] = parseExposition(realFixture(file), { families: ['container_scrape_error'] }).families;
    return family!.samples.map((entry) => sample({ job: 'kubelet', instance: '10.0.0.1:10250', ...entry.labels }, value)).filter((entry) => entry.value === 1);
  };
  const exporter = sample({ namespace: 'search', pod: 'search-0', container: 'exporter', container_id: `containerd://${'c'.repeat(64)}`, node: 'n' });
  const observed = (errors: ReturnType<typeof sample>[], unstored = [exporter]) => observation({ scrapeRules: new Map(), parts: { 'cadvisor-labels': { unlabelled: [], legacy: [], expected: [sample({ node: 'n' }, 2)], unstored, scrapeError: errors } } });

  it.each(['cadvisor/prometheus_metrics', 'nri-kubernetes/k8s-1.31_kubelet_metrics_cadvisor.txt'])('%s: 0, nothing to report', (file) => {
    expect(scrapeError(file, 0)).toEqual([]);
    const verdict = cadvisorLabels.rule(observed([], []))!.find((entry) => entry.subject === 'container cgroups');
    expect(verdict).toMatchObject({ state: 'ok' });
  });

  it('1: explains the containers without series, in place of cadvisor-container-series-missing', () => {
    const node = observed(scrapeError('nri-kubernetes/k8s-1.31_kubelet_metrics_cadvisor.txt', 1));
    const [finding, ...others] = familyFindings(cadvisorLabels, node);
    expect(others).toEqual([]);
    expect(finding).toMatchObject({ kind: 'cadvisor-scrape-error', cause: 'container-scrape-error', severity: 'warning', layer: 'source', summary: 'cAdvisor on n failed to read 1 container (container_scrape_error 1)' });
    expect(finding!.evidence.map((entry) => entry.excerpt)).toEqual([
      'container_scrape_error{job="kubelet",instance="10.0.0.1:10250"} 1',
      '1 of 2 running containers have no series stored under their pod and name: search/search-0 exporter',
    ]);
    // Without the error the same containers are an unexplained gap.
    expect(familyFindings(cadvisorLabels, observed([]))[0]).toMatchObject({ kind: 'cadvisor-container-series-missing', cause: 'not-stored' });
  });

  it('1 with every container stored: still a warning, some series are missing', () => {
    expect(familyFindings(cadvisorLabels, observed([sample({ job: 'kubelet' }, 1)], []))[0]).toMatchObject({ kind: 'cadvisor-scrape-error', summary: 'cAdvisor on n failed to read some containers (container_scrape_error 1)' });
  });
});
