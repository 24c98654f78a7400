import { describe, expect, it } from 'vitest';
import type { RoleHealth } from '@/lib/topology/fleet';
import { familyFindings, observation, role } from '@/lib/test-support/observation';
import { scrape } from '.';
import { causeOfDownTarget } from './causes';

const target = (lastError: string, instance = '10.0.0.1:10250', scrapeUrl?: string): RoleHealth['targets'][number] => ({ instance, job: 'x', scrapeUrl, labels: {}, health: 'down', lastError });
/** The node's kubelet, scraped at `address`. */
const kubeletAt = (address: string) => ({ kubelet: { health: 'up' as const, targets: [{ ...target('', address, `https://${address}/metrics`), health: 'up' as const }] } });

describe('causeOfDownTarget', () => {
  it.each([
    ['kubelet', target('server returned HTTP status 401 Unauthorized'), 'unauthorized'],
    ['kubelet', target('server returned HTTP status 403 Forbidden'), 'forbidden'],

    ['kubelet', target('Get "http://10.0.0.1:10255/metrics": dial tcp 10.0.0.1:10255: connect: connection refused', '10.0.0.1:10255'), 'connection-refused'],
    ['kubelet', target('Get "https://10.0.0.1:10250/metrics": x509: certificate signed by unknown authority'), 'tls'],
    ['cadvisor', target('Get "https://10.0.0.1:10250/metrics/cadvisor": context deadline exceeded'), 'timeout'],
    ['kubelet', target('EOF'), 'unknown'],
    // vmagent's words for the same failures, captured from Debian's vmagent 1.79.5 scraping loopback servers.
    ['kubelet', target('unexpected status code returned when scraping "https://10.0.0.1:10250/metrics": 401; expecting 200; response body: "Unauthorized"'), 'unauthorized'],
    ['cadvisor', target('unexpected status code returned when scraping "https://10.0.0.1:10250/metrics/cadvisor": 403; expecting 200; response body: "Forbidden (user=system:serviceaccount:monitoring:prometheus, verb=get, resource=nodes, subresource=metrics)"'), 'forbidden'],
    ['kubelet', target('error when scraping "http://10.0.0.1:10255/metrics": dial tcp4 10.0.0.1:10255: connect: connection refused; try -enableTCP6 command-line flag if you scrape ipv6 addresses', '10.0.0.1:10255'), 'connection-refused'],
    ['kubelet', target('error when scraping "https://10.0.0.1:10250/metrics": tls: first record does not look like a TLS handshake'), 'tls'],
    ['cadvisor', target('the response from "https://10.0.0.1:10250/metrics/cadvisor" exceeds sample_limit=10; either reduce the sample count for the target or increase sample_limit'), 'sample-limit'],
    ['node-exporter', target('the response from "http://10.0.0.1:9100/metrics" exceeds -promscrape.maxScrapeSize=100; either reduce the response size for the target or increase -promscrape.maxScrapeSize', '10.0.0.1:9100'), 'body-size-limit'],
  ] as const)('%s: %j -> %s', (role, down, cause) => {
    expect(causeOfDownTarget(role, down).cause).toBe(cause);
  });

  it.each([
    ['the kubelet address, by scrape URL (instance rewritten to the node name)', target('server returned HTTP status 400 Bad Request', 'node-a', 'http://10.0.0.1:10250/metrics'), '10.0.0.1:10250', 'wrong-port'],
    ['the kubelet address, by instance (`up` only)', target('server returned HTTP status 400 Bad Request', '10.0.0.1:10250'), '10.0.0.1:10250', 'wrong-port'],
    ['a kubelet on a non-default port, whatever the numbers', target('server returned HTTP status 400 Bad Request', '10.0.0.1:11250'), '10.0.0.1:11250', 'wrong-port'],
    ['port 10250 where the kubelet listens elsewhere: not the kubelet', target('server returned HTTP status 400 Bad Request', '10.0.0.1:10250'), '10.0.0.1:11250', 'unknown'],
    ['its own address, refused', target('connect: connection refused', '10.0.0.1:9100'), '10.0.0.1:10250', 'connection-refused'],
  ] as const)('a node-exporter target that scrapes %s', (_, down, kubelet, cause) => {
    expect(causeOfDownTarget('node-exporter', down, kubeletAt(kubelet)).cause).toBe(cause);
  });

  it.each([
    // Prometheus' own lastError texts (scrape/scrape.go).
    ['sample limit exceeded', 'sample-limit', /sample_limit: 5000/],
    ['body size limit exceeded', 'body-size-limit', /body_size_limit: 8MiB/],
    ['label_limit exceeded (metric: container_cpu_usage_seconds_total, number of labels: 31, limit: 30)', 'label-limit', /label_limit: 30/],
    ['label_value_length_limit exceeded (metric: container_memory_rss, label name: image, value: "registry.example.com/a@sha256:…", length: 130, limit: 120)', 'label-limit', /label_value_length_limit/],
  ])('a target over its job\'s limit: %s -> %s, naming the limit the job sets', (error, cause, setting) => {
    const limits = { jobName: 'kubernetes-cadvisor', sample_limit: 5000, body_size_limit: '8MiB', label_limit: 30 };
    const found = causeOfDownTarget('cadvisor', target(error), undefined, limits);
    expect(found.cause).toBe(cause);
    expect(found.explanation).toMatch(setting);
    expect(found.explanation).toMatch(/the job kubernetes-cadvisor/);
    // Without the configuration the cause is the same; the text names the setting without a value.
    expect(causeOfDownTarget('cadvisor', target(error)).cause).toBe(cause);
  });

  it("finds the kubelet's port where its targets scrape through the API server's proxy, from the address node discovery gave", () => {
    const proxied = { ...target('', 'node-a', 'https://10.96.0.1:443/api/v1/nodes/node-a/proxy/metrics'), health: 'up' as const, discoveredAddress: '10.0.0.1:11250' };
    const roles = { kubelet: { health: 'up' as const, targets: [proxied] } };
    expect(causeOfDownTarget('node-exporter', target('server returned HTTP status 400 Bad Request', '10.0.0.1:11250', 'http://10.0.0.1:11250/metrics'), roles).cause).toBe('wrong-port');
    // The API server's own address is no node's kubelet.
    expect(causeOfDownTarget('node-exporter', target('server returned HTTP status 400 Bad Request', '10.0.0.1:9100', 'http://10.0.0.1:9100/metrics'), roles).cause).toBe('unknown');
  });

  it.each([
    ['401', 'unauthorized', /rejected the API server's client certificate/],
    ['403', 'forbidden', /refused the API server's own user/],
  ])("explains a %s through the API server's node proxy as the proxy's or the kubelet's refusal", (code, cause, explanation) => {
    const proxied = target(`server returned HTTP status ${code}`, 'node-a', 'https://10.96.0.1:443/api/v1/nodes/node-a/proxy/metrics/cadvisor');
    expect(causeOfDownTarget('cadvisor', proxied)).toMatchObject({ cause, explanation: expect.stringMatching(explanation) });
    expect(causeOfDownTarget('cadvisor', target(`server returned HTTP status ${code}`)).explanation).not.toMatch(/node proxy/);
  });

  it('says which address and port in the wrong-port explanation', () => {
    const explained = causeOfDownTarget('node-exporter', target('400', '10.0.0.1:11250'), kubeletAt('10.0.0.1:11250'));
    expect(explained.explanation).toMatch(/scrapes 10\.0\.0\.1:11250, the address of this node's kubelet/);
    expect(explained.remediation.text).toMatch(/not 11250\.$/);
  });

  it('explains the read-only port when 10255 refuses', () => {
    expect(causeOfDownTarget('kubelet', target('connect: connection refused', '10.0.0.1:10255')).explanation).toMatch(/read-only port is disabled by default since Kubernetes 1\.16/);
  });
});

describe('the scrape rule', () => {
  it('reports a missing role as target-missing and every down target as target-down', () => {
    const observed = observation({ roles: { cadvisor: role('cadvisor', 'down', 'server returned HTTP status 403 Forbidden'), 'node-exporter': role('node-exporter', 'missing') } });
    expect(scrape.rule(observed)!.map((verdict) => [verdict.subject, verdict.state, verdict.cause])).toEqual([
      ['kubelet /metrics', 'ok', undefined],
      ['cAdvisor /metrics/cadvisor', 'fault', 'forbidden'],
      ['node-exporter', 'fault', 'no-target'],
    ]);
    const findings = familyFindings(scrape, observed);
    expect(findings.map((finding) => [finding.kind, finding.cause, finding.severity])).toEqual([
      ['target-down', 'forbidden', 'critical'],
      ['target-missing', 'no-target', 'warning'],
    ]);
    expect(findings[0]!.evidence[0]!.excerpt).toContain('lastError="server returned HTTP status 403 Forbidden"');
  });

  it('says the last error is unknown, and where to find it, where health comes from `up` alone (a central store)', () => {
    const observed = observation({ healthFrom: 'up-series', roles: { kubelet: role('kubelet', 'down', '') } });
    const [finding] = familyFindings(scrape, observed);
    expect(finding).toMatchObject({ kind: 'target-down', cause: 'unknown' });
    expect(finding!.explanation).toContain('The last scrape error is unknown here');
    expect(finding!.explanation).toContain("vmagent's /targets");
    expect(finding!.evidence[0]!.excerpt).toContain('lastError unknown (up 0)');
    expect(finding!.evidence[0]!.query).toBe('up');
    // With the targets API, an unclassified error is quoted, not called unknown.
    const [quoted] = familyFindings(scrape, observation({ roles: { kubelet: role('kubelet', 'down', 'something odd') } }));
    expect(quoted!.explanation).not.toContain('unknown here');
  });

  it("a Windows node has no node-exporter by design (kube_node_info's os_image); its kubelet targets are judged as any", () => {
    const windows = observation({ node: { osImage: 'Windows Server 2022 Datacenter' }, roles: { 'node-exporter': role('node-exporter', 'missing'), kubelet: role('kubelet', 'missing') } });
    const findings = familyFindings(scrape, windows);
    expect(findings.map((finding) => [finding.kind, finding.cause, finding.severity, finding.expectedByDesign])).toEqual([
      ['target-missing', 'no-target', 'critical', false],
      ['target-missing', 'windows-node', 'info', true],
    ]);
    expect(findings[1]!.explanation).toMatch(/runs Windows Server 2022 Datacenter.*windows_exporter/);
    // Never expected: the expected layer, like every absence by design.
    expect(findings[1]!.layer).toBe('expected');
    // The same gap on a Linux node is a fault.
    expect(familyFindings(scrape, observation({ node: { osImage: 'Debian GNU/Linux 12 (bookworm)' }, roles: { 'node-exporter': role('node-exporter', 'missing') } }))[0]).toMatchObject({ cause: 'no-target', expectedByDesign: false });
  });

  it('reports nothing for a node whose targets are all up, and says no-data for a target not scraped yet', () => {
    expect(familyFindings(scrape, observation({ healthFrom: 'up-series' }))).toEqual([]);
    expect(scrape.rule(observation({ roles: { kubelet: role('kubelet', 'unknown') } }))![0]!.state).toBe('no-data');
  });

  it('blames the missing address for a kubelet without a target on a node with no InternalIP, not the exporter', () => {
    const observed = observation({ node: { internalIp: '' }, roles: { kubelet: role('kubelet', 'missing'), cadvisor: role('cadvisor', 'missing'), 'node-exporter': role('node-exporter', 'missing') } });
    const findings = familyFindings(scrape, observed);
    expect(findings.map((finding) => [finding.subject, finding.cause])).toEqual([
      ['kubelet /metrics', 'node-address-unknown'],
      ['cAdvisor /metrics/cadvisor', 'node-address-unknown'],
      ['node-exporter', 'no-target'],
    ]);
    expect(findings[0]!.evidence.at(-1)!.excerpt).toBe('kube_node_info{node="n"} has no internal_ip label');
    // With an address, a missing kubelet target is a discovery or relabelling matter.
    expect(familyFindings(scrape, observation({ roles: { kubelet: role('kubelet', 'missing') } }))[0]!.cause).toBe('no-target');
  });

  it('says not scraped yet, not missing, right after Prometheus started', () => {
    const observed = observation({ notScrapedYet: true, roles: { 'node-exporter': role('node-exporter', 'missing') } });
    expect(scrape.rule(observed)!.find((verdict) => verdict.subject === 'node-exporter')!.state).toBe('no-data');
    expect(familyFindings(scrape, observed)).toEqual([]);
  });

  it('finds an endpoint scraped by two jobs, from the targets API or from `up`, and not a kubelet whose paths differ', () => {
    const exporter = (job: string, pool?: string) => ({ instance: '10.0.0.1:9100', job, ...(pool ? { pool } : {}), scrapeUrl: pool ? 'http://10.0.0.1:9100/metrics' : undefined, labels: { job, instance: '10.0.0.1:9100' }, health: 'up' as const, lastError: '' });
    const twice = (targets: RoleHealth['targets']) => observation({ roles: { 'node-exporter': { health: 'up', targets } } });
    const [finding] = familyFindings(scrape, twice([exporter('node-exporter', 'node-exporter'), exporter('node-exporter-legacy', 'node-exporter-legacy')]));
    expect(finding).toMatchObject({ kind: 'target-duplicated', cause: 'scraped-twice', severity: 'warning', subject: 'node-exporter scraped twice' });
    expect(finding!.summary).toBe('node-exporter of n is scraped by 2 jobs: node-exporter, node-exporter-legacy');
    expect(finding!.evidence.map((entry) => entry.excerpt)).toEqual(['job="node-exporter" instance="10.0.0.1:9100" http://10.0.0.1:9100/metrics health=up', 'job="node-exporter-legacy" instance="10.0.0.1:9100" http://10.0.0.1:9100/metrics health=up']);
    // From `up` (a past instant, a timeline step): the same instance under two jobs.
    expect(familyFindings(scrape, twice([exporter('node-exporter'), exporter('node-exporter-legacy')])).map((entry) => entry.kind)).toEqual(['target-duplicated']);
    // One job, or two paths of one kubelet (as kube-prometheus-stack's /metrics and /metrics/probes): no duplicate.
    expect(familyFindings(scrape, twice([exporter('node-exporter', 'node-exporter')]))).toEqual([]);
    const kubelet = (path: string) => ({ instance: '10.0.0.1:10250', job: 'kubelet', scrapeUrl: `https://10.0.0.1:10250${path}`, labels: { job: 'kubelet', metrics_path: path }, health: 'up' as const, lastError: '' });
    expect(familyFindings(scrape, observation({ roles: { kubelet: { health: 'up', targets: [kubelet('/metrics'), { ...kubelet('/metrics/probes'), job: 'kubelet-probes' }] } } }))).toEqual([]);
  });

  it('cannot judge when target health itself is unknown', () => {
    expect(scrape.rule(observation({ healthFrom: 'none' }))).toBeNull();
  });
});
