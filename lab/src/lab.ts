import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { APISERVER_PORT, KSM_PORT, PROMETHEUS_PORT, VICTORIA_METRICS_PORT, labAddresses, nodePorts } from './addresses';
import { cadvisorFamilies } from './cadvisor';
import type { LabClock } from './clock';
import { writeText } from './exposition';
import { backfill, buildHistory, writeImportText, writeOpenMetrics } from './history';
import { KERNEL_VERSION, OS_IMAGE, ksmFamilies } from './kube-state-metrics';
import { configz, kubeletFamilies, probeFamilies, statsSummary } from './kubelet-payloads';
import { exporterExtraArgs, exporterMounts, hasTextfileDirectory, measureRootDisk, prepareExporterFilesystem, startNodeExporter } from './node-exporters';
import { nodeStateAt } from './node-state';
import { ProcessGroup, type LabProcess, type SpawnOptions } from './processes';
import { importInto, startPrometheus, startVictoriaMetrics, waitForReady, writePrometheusConfig } from './prometheus';
import { expandNodes, faultOf, loadScenario, type LabNode, type Scenario } from './scenario';
import { apiserverHandler, kubeletHandler, listen, listenHttpsWithPlainHttpAnswer, plainHandler, relay, type Handler, type KubeletBackend, type Tokens } from './servers';
import { scrapeTargets, type Profile } from './targets';
import { makeLabTls } from './tls';
import { createServer } from 'node:http';

export const DEFAULT_SCENARIO = resolve(__dirname, '..', 'scenarios', 'default.yaml');
const SHARED_DASHBOARDS = resolve(__dirname, '..', '..', '..', 'shared', 'fixtures', 'real', 'dashboards');
const RUN_DIR_PREFIX = 'gapscope-lab-';

export interface LabOptions {
  scenarioFile?: string;
  /** The size knob: the declared nodes plus generated clones up to this many. */
  nodes?: number;
  profile?: Profile;
  /** Second octet of the lab's loopback range 127.<octet>.0.0/16. */
  octet?: number;
  historyStepMs?: number;
  scrapeIntervalMs?: number;
  /**
   * single (default): one Prometheus scrapes and answers queries. central: Prometheus in agent mode scrapes
   * and remote-writes to a real VictoriaMetrics, which holds the history and answers queries, with a
   * `cluster` label on every series, as a central store fed by agents.
   */
  topology?: Topology;
  /** The central topology's `cluster` label value (default "lab"). */
  cluster?: string;
  /**
   * The central topology: write to this VictoriaMetrics (another lab's, which holds another cluster) instead
   * of starting one (lab/src/clusters.ts).
   */
  store?: { url: string };
  baseDir?: string;
  log?: (line: string) => void;
}

export type Topology = 'single' | 'central';

export interface LabNodeInfo {
  name: string;
  ip: string;
  role: string;
  template: string | null;
  kubeletUrl: string;
  nodeExporterUrl: string;
}

export interface RunningLab {
  runDir: string;
  profile: Profile;
  scenario: Scenario;
  startedAt: number;
  topology: Topology;
  /** Where queries go: Prometheus, or VictoriaMetrics in the central topology. */
  prometheusUrl: string;
  /** The scraper's own API (targets, config): Prometheus, or the Prometheus agent in the central topology. */
  scraperUrl: string;
  apiserverUrl: string;
  kubeStateMetricsUrl: string;
  nodes: LabNodeInfo[];
  caFile: string;
  kubeconfigFile: string;
  tokenFiles: Record<keyof Tokens, string>;
  /** The environment gapscope needs to investigate this lab (file paths, never token values). */
  appEnv: Record<string, string>;
  historySamples: number;
  /** How many times gapscope's token read each kubelet path directly, by "node path" (Prometheus' scrapes are not counted). */
  kubeletReadsByGapscope(): ReadonlyMap<string, number>;
  pids(): number[];
  /** Starts another program under the lab's supervision: it stops with the lab, and dies with it. */
  startProcess(options: SpawnOptions): LabProcess;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the run directories of labs that were killed before they could clean up. */
export function removeStaleRunDirs(baseDir: string, log: (line: string) => void): void {
  for (const entry of readdirSync(baseDir)) {
    if (!entry.startsWith(RUN_DIR_PREFIX)) continue;
    const dir = join(baseDir, entry);
    const pidFile = join(dir, 'lab.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : NaN;
    if (Number.isInteger(pid) && isAlive(pid)) continue;
    rmSync(dir, { recursive: true, force: true });
    log(`removed the stale lab run directory ${dir}`);
  }
}

function nodeObject(node: LabNode, ip: string, runtime: string, kubeletVersion: string, kubeletPort: number) {
  return {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: { name: node.name, labels: { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
    status: {
      addresses: [...(faultOf(node.spec, 'node-uninitialized') ? [] : [{ type: 'InternalIP', address: ip }]), { type: 'Hostname', address: node.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      nodeInfo: { kubeletVersion, containerRuntimeVersion: runtime, kernelVersion: KERNEL_VERSION, osImage: OS_IMAGE, operatingSystem: 'linux', architecture: 'amd64' },
    },
  };
}

export async function startLab(options: LabOptions = {}): Promise<RunningLab> {
  const log = options.log ?? (() => {});
  const scenario = loadScenario(options.scenarioFile ?? DEFAULT_SCENARIO);
  const nodes = expandNodes(scenario, options.nodes);
  const profile = options.profile ?? 'kube-prometheus';
  const topology = options.topology ?? 'single';
  const addresses = labAddresses(options.octet ?? 10);
  const ports = nodePorts(profile);
  const large = nodes.length > 100;
  const historyStepMs = options.historyStepMs ?? (large ? 5 * 60_000 : scenario.history.step);
  const scrapeIntervalMs = options.scrapeIntervalMs ?? (large ? 15_000 : scenario.scrapeInterval);
  const baseDir = options.baseDir ?? tmpdir();

  removeStaleRunDirs(baseDir, log);
  const runDir = mkdtempSync(join(baseDir, RUN_DIR_PREFIX));
  chmodSync(runDir, 0o755);
  writeFileSync(join(runDir, 'lab.pid'), String(process.pid));
  for (const sub of ['logs', 'sd', 'nodes', 'templates', 'tls']) mkdirSync(join(runDir, sub));
  const secrets = join(runDir, 'secrets');
  mkdirSync(secrets, { mode: 0o700 });

  const servers: Server[] = [];
  let stopped = false;
  const processes = new ProcessGroup(join(runDir, 'logs'), (entry, code) => {
    const tail = existsSync(entry.logFile) ? readFileSync(entry.logFile, 'utf8').split('\n').slice(-5).join('\n') : '';
    log(`${entry.name} exited unexpectedly (code ${code}); last log lines:\n${tail}`);
  });
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await processes.stopAll();
    for (const server of servers) server.close();
    rmSync(runDir, { recursive: true, force: true });
  };

  try {
    const tokens: Tokens = { prometheus: randomBytes(24).toString('base64url'), gapscope: randomBytes(24).toString('base64url'), noRights: randomBytes(24).toString('base64url') };
    const tokenFiles = {
      prometheus: join(secrets, 'prometheus.token'),
      gapscope: join(secrets, 'gapscope.token'),
      noRights: join(secrets, 'no-rights.token'),
    };
    for (const key of Object.keys(tokens) as (keyof Tokens)[]) writeFileSync(tokenFiles[key], tokens[key], { mode: 0o600 });

    const now = Date.now();
    const clock: LabClock = { startedAt: now, now: () => Date.now() };
    const ipOf = (node: LabNode) => addresses.node(node.index);
    const tls = makeLabTls(join(runDir, 'tls'), [...nodes.map(ipOf), addresses.apiserver]);
    const root = measureRootDisk(runDir, scenario.rootDiskDevice);
    const stateNow = (node: LabNode) => nodeStateAt(nodes, node, clock, clock.now());

    // Real node_exporters: one per declared node, one per template that generated clones.
    log(`starting ${nodes.length} nodes' exporters and simulators on 127.${options.octet ?? 10}.0.0/16`);
    const firstClone = new Map<string, LabNode>();
    for (const node of nodes) if (node.template && !firstClone.has(node.template)) firstClone.set(node.template, node);
    const exporterView = (node: LabNode) => (node.template ? firstClone.get(node.template)! : node);
    // No exporter on Windows nodes: node_exporter's DaemonSet selects Linux nodes.
    for (const node of nodes.filter((candidate) => !candidate.template && candidate.spec.os === 'linux')) {
      const prepared = prepareExporterFilesystem(join(runDir, 'nodes', node.name), exporterMounts(node, stateNow(node), root), stateNow(node), hasTextfileDirectory(node), faultOf(node.spec, 'textfile-large')?.series);
      startNodeExporter(processes, node.name, ipOf(node), ports.nodeExporter, prepared, exporterExtraArgs(profile, node));
    }
    const templateHosts = new Map<string, string>();
    [...firstClone.entries()].forEach(([template, clone], index) => {
      const prepared = prepareExporterFilesystem(join(runDir, 'templates', template), exporterMounts(clone, stateNow(clone), root), stateNow(clone), hasTextfileDirectory(clone));
      const host = addresses.templateExporter(index);
      templateHosts.set(template, host);
      startNodeExporter(processes, `template-${template}`, host, ports.nodeExporter, prepared, exporterExtraArgs(profile, clone));
    });

    // Simulated kubelets, API server and kube-state-metrics.
    const backends = new Map<string, KubeletBackend>();
    const gapscopeReads = new Map<string, number>();
    const countingGapscope = (node: string, handler: Handler): Handler => (request, response) => {
      if (request.headers.authorization === `Bearer ${tokens.gapscope}`) {
        const key = `${node} ${new URL(request.url ?? '/', 'https://kubelet').pathname}`;
        gapscopeReads.set(key, (gapscopeReads.get(key) ?? 0) + 1);
      }
      handler(request, response);
    };
    for (const node of nodes) {
      const machineId = node.name.padEnd(32, '0').slice(0, 32);
      const backend: KubeletBackend = {
        node: node.name,
        auth: () => stateNow(node).kubeletAuth,
        metrics: () => kubeletFamilies(node, stateNow(node), clock.now(), root),
        cadvisor: () => cadvisorFamilies({ node, state: stateNow(node), now: clock.now(), kernelVersion: KERNEL_VERSION, osImage: OS_IMAGE, machineId }),
        probes: () => probeFamilies(stateNow(node), clock.now()),
        statsSummary: () => statsSummary(node, stateNow(node), clock.now(), root),
        configz: () => configz(stateNow(node)),
        pods: () => ({
          kind: 'PodList',
          apiVersion: 'v1',
          items: stateNow(node).pods.map((placed) => ({
            metadata: { name: placed.pod.spec.name, namespace: placed.pod.spec.namespace, uid: placed.uid },
            spec: { nodeName: node.name, volumes: placed.pod.claims.map((claim) => ({ name: 'data', persistentVolumeClaim: { claimName: claim.claim.split('/')[1] } })) },
            status: { phase: placed.pod.spec.phase },
          })),
        }),
      };
      backends.set(node.name, backend);
      servers.push(await listenHttpsWithPlainHttpAnswer(tls, countingGapscope(node.name, kubeletHandler(backend, tokens)), ipOf(node), ports.kubelet));
      if (node.template) servers.push(await relay(ipOf(node), ports.nodeExporter, templateHosts.get(node.template)!, ports.nodeExporter));
    }
    const nodeObjects = () =>
      nodes.map((node) => {
        const state = stateNow(node);
        return nodeObject(node, ipOf(node), state.runtime, state.kubeletVersion, ports.kubelet);
      });
    servers.push(await listenHttpsWithPlainHttpAnswer(tls, apiserverHandler(backends, nodeObjects, tokens), addresses.apiserver, APISERVER_PORT));
    const ksmText = () =>
      writeText(ksmFamilies(nodes.map((node) => ({ node, state: stateNow(node), internalIp: ipOf(node) })), scenario.claims, clock.startedAt - 30 * 86_400_000, scenario.kubeStateMetrics.metricLabelsAllowlist));
    servers.push(await listen(createServer(plainHandler({ '/metrics': ksmText, '/healthz': () => 'OK' })), addresses.kubeStateMetrics, KSM_PORT));

    // History, then Prometheus (and, in the central topology, VictoriaMetrics first).
    const dataDir = join(runDir, 'prometheus-data');
    mkdirSync(dataDir);
    const historyStarted = Date.now();
    const { book, stepTimes } = buildHistory({ scenario, nodes, clock, profile, addresses, root, exporterView, stepMs: historyStepMs, spanMs: scenario.history.span });
    const central = topology === 'central' ? { cluster: options.cluster ?? 'lab', url: options.store?.url ?? `http://${addresses.victoriaMetrics}:${VICTORIA_METRICS_PORT}` } : undefined;
    let historySamples: number;
    if (central) {
      if (!options.store) startVictoriaMetrics(processes, addresses.victoriaMetrics, VICTORIA_METRICS_PORT, join(runDir, 'victoria-metrics-data'));
      await waitForReady(`${central.url}/health`, 30_000);
      const importFile = join(runDir, 'history.txt');
      historySamples = await writeImportText(importFile, book, stepTimes, `cluster=${JSON.stringify(central.cluster)}`);
      await importInto(central.url, importFile);
      rmSync(importFile);
    } else {
      const historyFile = join(runDir, 'history.om');
      historySamples = await writeOpenMetrics(historyFile, book, stepTimes);
      await backfill(historyFile, dataDir);
      rmSync(historyFile);
    }
    log(`backfilled ${historySamples} samples of ${book.size} series in ${Date.now() - historyStarted} ms`);

    const targets = scrapeTargets(profile, addresses, nodes.map((node) => ({ node, ip: ipOf(node), nodeExporterOnKubeletPort: stateNow(node).nodeExporterOnKubeletPort, scrapedTwice: stateNow(node).scrapedTwice, cadvisorOtherStack: stateNow(node).cadvisorOtherStack })));
    const configFile = join(runDir, 'prometheus.yml');
    writePrometheusConfig(profile, targets, scrapeIntervalMs, { configFile, sdDir: join(runDir, 'sd'), tokenFile: tokenFiles.prometheus, caFile: tls.caFile }, `${addresses.apiserver}:${APISERVER_PORT}`, scenario.scrapeLimits, central && { cluster: central.cluster, url: `${central.url}/api/v1/write` });
    startPrometheus(processes, addresses.prometheus, configFile, dataDir, central !== undefined);
    const scraperUrl = `http://${addresses.prometheus}:${PROMETHEUS_PORT}`;
    await waitForReady(`${scraperUrl}/-/ready`, 30_000);
    const prometheusUrl = central?.url ?? scraperUrl;

    const apiserverUrl = `https://${addresses.apiserver}:${APISERVER_PORT}`;
    const kubeconfigFile = join(secrets, 'kubeconfig');
    writeFileSync(
      kubeconfigFile,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'gapscope-lab', cluster: { server: apiserverUrl, 'certificate-authority': tls.caFile } }],
        // kubectl reads tokenFile, @kubernetes/client-node reads token-file; each ignores the other.
        users: [{ name: 'gapscope', user: { tokenFile: tokenFiles.gapscope, 'token-file': tokenFiles.gapscope } }],
        contexts: [{ name: 'gapscope-lab', context: { cluster: 'gapscope-lab', user: 'gapscope' } }],
        'current-context': 'gapscope-lab',
      }),
      { mode: 0o600 },
    );

    return {
      runDir,
      profile,
      scenario,
      startedAt: clock.startedAt,
      topology,
      prometheusUrl,
      scraperUrl,
      apiserverUrl,
      kubeStateMetricsUrl: `http://${addresses.kubeStateMetrics}:${KSM_PORT}`,
      nodes: nodes.map((node) => ({
        name: node.name,
        ip: ipOf(node),
        role: node.spec.role ?? `clone of ${node.template}`,
        template: node.template,
        kubeletUrl: `https://${ipOf(node)}:${ports.kubelet}`,
        nodeExporterUrl: `http://${ipOf(node)}:${ports.nodeExporter}`,
      })),
      caFile: tls.caFile,
      kubeconfigFile,
      tokenFiles,
      appEnv: {
        GAPSCOPE_PROMETHEUS_URL: prometheusUrl,
        GAPSCOPE_KUBELET_MODE: 'direct',
        GAPSCOPE_KUBELET_TOKEN_FILE: tokenFiles.gapscope,
        GAPSCOPE_KUBELET_CA_FILE: tls.caFile,
        // The real dashboards of shared/fixtures (kube-prometheus', Node Exporter Full, dotdc's), read in place.
        ...(existsSync(SHARED_DASHBOARDS) ? { GAPSCOPE_DASHBOARDS_DIR: SHARED_DASHBOARDS } : {}),
      },
      historySamples,
      kubeletReadsByGapscope: () => new Map(gapscopeReads),
      pids: () => processes.pids(),
      startProcess: (spawnOptions) => processes.start(spawnOptions),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
