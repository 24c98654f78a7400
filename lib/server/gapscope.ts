import 'server-only';
import type { FleetInvestigation } from '@/lib/contract/fleet';
import type { Capabilities, Health } from '@/lib/contract/health';
import { detectCapabilities } from './capabilities';
import type { NodeInvestigation } from '@/lib/contract/investigation';
import type { NodeTimeline } from '@/lib/contract/timeline';
import { findingsOf, layersOf, summarize, verdictsOf } from '@/lib/engine/findings';
import { observe } from '@/lib/engine/observe';
import { targetsOf } from '@/lib/engine/scope';
import { gridOf, instantGrid, stepFor } from '@/lib/engine/steps';
import { buildTimeline } from '@/lib/engine/timeline';
import { env, type Env } from '@/lib/env';
import { sourceFailure, type SourceStatus } from '@/lib/errors';
import { wantsKubeletSource } from '@/lib/families/volume-stats';
import { KubeletClient, kubeletConfigFromEnv } from '@/lib/kubelet/client';
import { readCadvisorSource } from '@/lib/kubelet/cadvisor-source';
import { viaOf } from '@/lib/kubelet/reads';
import { readVolumeStatsSource } from '@/lib/kubelet/volume-stats';
import type { Observation } from '@/lib/families/types';
import type { Finding } from '@/lib/contract/finding';
import { INVENTORY_LABEL_METRICS, inventoryLabels } from '@/lib/families/inventory-labels';
import type { FleetNode } from '@/lib/topology/fleet';
import { PrometheusClient, prometheusConfigFromEnv, type VectorSample } from '@/lib/prometheus/client';
import type { ResolvedRange } from '@/lib/time-range';
import { kubeletAddressOf } from '@/lib/topology/kubelet-address';
import type { JobRoles } from '@/lib/topology/targets';
import type { DashboardExplanation, Explanation } from '@/lib/contract/explain';
import type { Dashboard } from '@/lib/explain/dashboard';
import { ApiError } from '@/lib/http/api-error';
import { NODE_ROLES } from '@/lib/topology/targets';
import { explainDashboard, explainOne, type ExplainDeps, type ExplainRequest } from './explain';
import { gatherFamilies, gatherTimeline, nodePods } from './gather';
import { KSM_EXPORTED_QUERY, loadFleet, loadNodeInventory, nodeInfoQuery, nodeKnownAt, type FleetView } from './inventory';
import { runWithDeadline } from '@/lib/abort-scope';
import { sharedBy, sharedFor } from './shared-for';

/**
 * The server facade and composition root: one Prometheus client (its in-flight limit spans requests), one
 * kubelet client (its single-flight spans requests), the configured job roles and caches. Every page, embed
 * and route calls it; none builds clients or reads the environment itself.
 */

export interface GapscopeDeps {
  prometheus: PrometheusClient;
  /** The cluster this facade is scoped to, in a store that holds several (lib/server/clusters.ts). */
  cluster?: string;
  /** The label that names it (GAPSCOPE_CLUSTER_LABEL): a dashboard's `$cluster` variable is filled with it. */
  clusterLabel?: string;
  /** Reads kubelets where that decides a cause (GAPSCOPE_KUBELET_MODE); null: never. */
  kubelet: KubeletClient | null;
  /** Why `kubelet` is null, as findings and sources say it (default: the mode is off). */
  kubeletOff?: string;
  /** GAPSCOPE_JOB_ROLES. */
  jobRoles?: JobRoles;
  /** GAPSCOPE_FLEET_CACHE_TTL: the fleet's findings and the fleet inventory are shared this long (0: not). */
  cacheTtlMs?: number;
  /** Whether the endpoint was found to list no targets, where another facade detects it (the fleet of clusters' facades live for one load). */
  noTargetsApi?: () => boolean;
}

/** Within this of now, an instant counts as now: live sources (targets API, kubelet) describe it. */
const LIVE_WINDOW_MS = 60_000;
/** The loaded configuration's scrape rules are reused this long: reloads are rare, and a minute late is harmless. */
const SCRAPE_CONFIG_TTL_MS = 60_000;
/** What the query endpoint can tell is detected again after this long: a migration to a central store is rare. */
const CAPABILITIES_TTL_MS = 300_000;
/** Identical node views asked within this long share one computation (and always while one is running). */
const SHARED_VIEW_MS = 1_000;

export class Gapscope {
  private readonly sharedFleet = sharedFor<FleetInvestigation>();
  private readonly sharedNodes = sharedBy<NodeInvestigation>();
  private readonly sharedTimelines = sharedBy<NodeTimeline>();
  private readonly sharedInfo = sharedBy<VectorSample[]>();
  private readonly sharedNodeInventories = sharedBy<FleetView>();
  private readonly sharedConfig = sharedFor<NonNullable<Observation['scrapeRules']>>();
  private readonly sharedExported = sharedFor<boolean>();
  private readonly sharedLabelNames = sharedFor<string[]>();
  private readonly sharedTargetsFleet = sharedFor<FleetView>();
  private detected?: { capabilities: Capabilities; atMs: number };
  private detecting?: Promise<void>;

  constructor(private readonly deps: GapscopeDeps) {}

  get prometheus(): PrometheusClient {
    return this.deps.prometheus;
  }

  get kubelet(): KubeletClient | null {
    return this.deps.kubelet;
  }

  /** `{ cluster }` for every answer of a cluster's facade, so that its links keep the cluster. */
  private get tag(): { cluster?: string } {
    return this.deps.cluster ? { cluster: this.deps.cluster } : {};
  }

  private get inventoryOptions() {
    const noTargetsApi = this.deps.noTargetsApi?.() ?? this.detected?.capabilities.targetsApi === false;
    return { jobRoles: this.deps.jobRoles, maxAgeMs: this.deps.cacheTtlMs ?? 0, noTargetsApi };
  }

  /**
   * A node's findings at the end of the range: live (targets API, kubelet) when that end is now. Identical
   * requests (node and range as asked) share one computation: 50 viewers of one node cost one. `signal`: the
   * viewer's request; once every viewer that gave one has disconnected, the computation's Prometheus
   * requests are cancelled (lib/server/shared-for.ts).
   */
  node(name: string, range: ResolvedRange, now = Date.now(), signal?: AbortSignal): Promise<NodeInvestigation> {
    return this.sharedNodes(viewKey(name, range), this.shareMs, now, () => this.inTime(now, () => this.computeNode(name, range, now)), signal);
  }

  /** A node's timeline over the range: every family's rule at every step. Shared as node() is. */
  timeline(name: string, range: ResolvedRange, now = Date.now(), signal?: AbortSignal): Promise<NodeTimeline> {
    return this.sharedTimelines(viewKey(name, range), this.shareMs, now, () => this.inTime(now, () => this.computeTimeline(name, range, now)), signal);
  }

  /**
   * Whether the inventory names the node now: what node pages and embeds check before they stream, so an
   * unknown node gets a real 404. null: the inventory could not be read (the page then says why).
   */
  async nodeKnown(name: string, now = Date.now()): Promise<boolean | null> {
    try {
      return (await this.nodeInfo(name, now)).length > 0;
    } catch {
      return null;
    }
  }

  /**
   * The node's kube_node_info now, asked once for a page's check, findings and timeline together (shared as
   * identical views are): each of them starts with it.
   */
  private nodeInfo(name: string, now: number): Promise<VectorSample[]> {
    return this.sharedInfo(name, this.shareMs, now, () => this.deps.prometheus.instantQuery(nodeInfoQuery(name)));
  }

  /**
   * A view is answered within one Prometheus timeout of the request that asked for it (`now`): a page made
   * of sequential requests, or findings then a timeline, does not add their times up against a slow
   * Prometheus; what did not fit fails as a timeout and the view is degraded, never late.
   */
  private inTime<T>(now: number, compute: () => Promise<T>): Promise<T> {
    return runWithDeadline(now + this.deps.prometheus.timeoutMs, compute);
  }

  /** The node's inventory now, shared as its info is: a page's findings, its timeline and an explanation of it ask it once. */
  private nodeInventory(name: string, now: number): Promise<FleetView> {
    return this.sharedNodeInventories(name, this.shareMs, now, () => loadNodeInventory(this.deps.prometheus, name, { ...this.inventoryOptions, readInfo: () => this.nodeInfo(name, now) }));
  }

  private get shareMs(): number {
    return Math.min(SHARED_VIEW_MS, this.deps.cacheTtlMs ?? 0);
  }

  private async computeNode(name: string, range: ResolvedRange, now: number): Promise<NodeInvestigation> {
    const { prometheus } = this.deps;
    const generatedAt = new Date(now).toISOString();
    const live = now - range.endMs <= LIVE_WINDOW_MS;
    const atMs = live ? undefined : range.endMs;
    const evaluatedAtMs = atMs ?? now;
    const base = { node: name, ...this.tag, generatedAt, evaluatedAt: new Date(evaluatedAtMs).toISOString(), range, findings: [] };
    if (atMs !== undefined) {
      // A past instant reads the fleet's `up` and inventory then; first make sure the node existed at all.
      const { known, source } = await nodeKnownAt(prometheus, name, atMs);
      if (known !== true) return { ...base, found: known, sources: [source] };
    }
    // The node's pods are listed beside its inventory (they need only its name), for its queries to read
    // only their kube-state-metrics series (lib/server/gather.ts nodePods); not where kube-state-metrics'
    // labels are exported_*, where nothing would be narrowed. Neither ever rejects: each failure is a source.
    const kubeSources: SourceStatus[] = [];
    const kube = this.ksmExported(kubeSources, now).then(async (ksmExported) => ({ ksmExported, pods: ksmExported ? undefined : await nodePods(prometheus, name, instantGrid(evaluatedAtMs), atMs, kubeSources) }));
    const inventory = atMs === undefined ? await this.nodeInventory(name, now) : await loadFleet(prometheus, { ...this.inventoryOptions, atMs });
    const sources: SourceStatus[] = [...inventory.sources];
    if (inventory.nodes === null) return { ...base, found: null, sources };
    let node = inventory.nodes.find((candidate) => candidate.name === name);
    if (!node) return { ...base, found: false, sources };

    const { ksmExported, pods } = await kube;
    sources.push(...kubeSources);
    // The kubelet's containers are wanted on nearly every view of a node with a cAdvisor target: read them
    // while Prometheus answers rather than after (kept only if the family's verdict wants them; a past view
    // reads nothing and says why).
    const cadvisorSources: SourceStatus[] = [];
    const want = { live, evaluatedAt: base.evaluatedAt };
    const cadvisorReading = node.roles.cadvisor.targets.length > 0 ? this.readSource(node, { ...want, volumes: false, cadvisor: true }, cadvisorSources) : undefined;
    cadvisorReading?.catch(() => undefined); // not awaited when the verdict does not want it: never an unhandled rejection
    const [{ gathered }, scrapeRules, clusterFindings] = await Promise.all([
      gatherFamilies(prometheus, { kind: 'node', node: name, targets: targetsOf(node, 'up'), ksmExported, ...(pods ? { pods } : {}) }, instantGrid(evaluatedAtMs), atMs, sources, { node }),
      this.scrapeRules(sources, now),
      live ? this.clusterFindings(sources, now) : [],
    ]);
    let observation = observe(gathered, 0, { facts: node, roles: node.roles, healthFrom: inventory.healthFrom, notScrapedYet: inventory.notScrapedYet !== undefined, scrapeRules });
    let verdicts = verdictsOf(observation);
    const wantsVolumes = wantsKubeletSource(observation, verdicts.get('volume-stats') ?? []);
    const wantsCadvisor = cadvisorReading !== undefined && verdicts.get('cadvisor-labels') !== null;
    if (wantsVolumes || wantsCadvisor) {
      const [cadvisor, volumes] = await Promise.all([
        wantsCadvisor ? cadvisorReading : undefined,
        wantsVolumes ? this.readSource(node, { ...want, volumes: true, cadvisor: false }, sources) : undefined,
      ]);
      sources.push(...(wantsCadvisor ? cadvisorSources : []));
      node = volumes?.node ?? cadvisor?.node ?? node;
      observation = { ...observation, ...cadvisor?.observed, ...volumes?.observed };
      verdicts = verdictsOf(observation);
    }
    return { ...base, found: true, findings: findingsOf(observation, verdicts), clusterFindings, layers: layersOf(observation, verdicts), sources };
  }

  /**
   * What the node's kubelet itself says, where a family needs it and the view is live: volume stats
   * (/metrics, /configz) and its containers (/metrics/cadvisor, /stats/summary). Otherwise, why not.
   */
  private async readSource(
    known: FleetNode,
    want: { live: boolean; evaluatedAt: string; volumes: boolean; cadvisor: boolean },
    sources: SourceStatus[],
  ): Promise<{ node: FleetNode; observed: Partial<Observation> }> {
    const { prometheus, kubelet } = this.deps;
    let node = known;
    if (!kubelet) return { node, observed: { sourceNotRead: this.deps.kubeletOff ?? 'GAPSCOPE_KUBELET_MODE is off, so gapscope reads no kubelet' } };
    const via = viaOf(kubelet);
    const paths = [...(want.volumes ? ['/metrics', '/configz'] : []), ...(want.cadvisor ? ['/metrics/cadvisor', '/stats/summary'] : [])].join(', ');
    const notRead = (why: string) => {
      sources.push({ source: via, endpoint: `GET ${paths} (${node.name})`, ok: false, detail: `not read: ${why}` });
      return { node, observed: { sourceNotRead: why } };
    };
    if (!want.live) return notRead(`the kubelet tells how it is now, not at ${want.evaluatedAt}`);
    let kubeletAddress: string | undefined;
    if (kubelet.mode === 'direct') {
      // `up` series carry no scrape URL; the targets list has the port the kubelet is scraped at. At 1,000
      // nodes the list is megabytes (a second to read): it is shared for a minute, as the scrape config is (a
      // kubelet's address changes when its node is replaced, and a replaced node is a new inventory entry).
      if (!node.roles.kubelet.targets.some((target) => target.scrapeUrl)) {
        // A list that could not be read is not kept: the next view asks again.
        const listed = await this.sharedTargetsFleet(SCRAPE_CONFIG_TTL_MS, Date.now(), async () => {
          const fleet = await loadFleet(prometheus, { ...this.inventoryOptions, atMs: undefined });
          if (!fleet.nodes) throw new Error('the fleet could not be read');
          return fleet;
        }).catch(() => undefined);
        node = listed?.nodes?.find((candidate) => candidate.name === node.name) ?? node;
      }
      const resolved = kubeletAddressOf(node);
      if ('reason' in resolved) return notRead(resolved.reason);
      kubeletAddress = resolved.address;
    }
    const target = { name: node.name, kubeletAddress };
    const [kubeletVolumes, cadvisorSource] = await Promise.all([
      want.volumes ? readVolumeStatsSource(kubelet, target, sources) : undefined,
      want.cadvisor ? readCadvisorSource(kubelet, target, sources) : undefined,
    ]);
    return { node, observed: { ...(kubeletVolumes ? { kubeletVolumes } : {}), ...(cadvisorSource ? { cadvisorSource } : {}) } };
  }

  /**
   * Whether kube-state-metrics was scraped without honor_labels (its objects' node, namespace and pod stored
   * as exported_*), asked at most once a minute: only then do its selectors pay for restoring them.
   */
  private async ksmExported(sources: SourceStatus[], now: number): Promise<boolean> {
    const endpoint = `POST /api/v1/query ${KSM_EXPORTED_QUERY}`;
    try {
      const exported = await this.sharedExported(SCRAPE_CONFIG_TTL_MS, now, async () => (await this.deps.prometheus.instantQuery(KSM_EXPORTED_QUERY)).length > 0);
      sources.push({ source: 'prometheus', endpoint, ok: true, ...(exported ? { detail: "kube-state-metrics' series carry exported_node / exported_namespace (scraped without honor_labels): read through them" } : {}) });
      return exported;
    } catch (error) {
      sources.push(sourceFailure(error, { source: 'prometheus', endpoint }));
      return false;
    }
  }

  /**
   * The cluster-wide findings (lib/families/registry.ts CLUSTER_CHECKS) from one label names request, read at
   * most once a minute; none where it fails (the source says why).
   */
  private async clusterFindings(sources: SourceStatus[], now: number): Promise<Finding[]> {
    const endpoint = `GET /api/v1/labels ${INVENTORY_LABEL_METRICS.map((metric) => `match[]=${metric}`).join(' ')}`;
    try {
      const names = await this.sharedLabelNames(SCRAPE_CONFIG_TTL_MS, now, () => this.deps.prometheus.labelNames(INVENTORY_LABEL_METRICS, now));
      const findings = inventoryLabels.findings(names, new Date(now).toISOString());
      sources.push({ source: 'prometheus', endpoint, ok: true, ...(findings === null ? { detail: 'no kube_node_labels or kube_pod_labels series: their labels cannot be judged' } : {}) });
      return findings ?? [];
    } catch (error) {
      sources.push(sourceFailure(error, { source: 'prometheus', endpoint }));
      return [];
    }
  }

  /**
   * The scrape jobs' metric_relabel_configs, read at most once a minute (a configuration reload is rare).
   * undefined where Prometheus (or a compatible API without the endpoint) cannot tell; the source says why.
   */
  private async scrapeRules(sources: SourceStatus[], now: number): Promise<Observation['scrapeRules']> {
    const endpoint = 'GET /api/v1/status/config';
    try {
      const rules = await this.sharedConfig(SCRAPE_CONFIG_TTL_MS, now, () => this.deps.prometheus.scrapeConfig());
      // VictoriaMetrics answers with an empty configuration: it scrapes nothing, its agents do.
      if (rules.size === 0) {
        sources.push({ source: 'prometheus', endpoint, ok: true, detail: "the configuration has no scrape job (a central store: its agents' metric_relabel_configs decide what is dropped, and cannot be read here)" });
        return undefined;
      }
      sources.push({ source: 'prometheus', endpoint, ok: true });
      return rules;
    } catch (error) {
      sources.push(sourceFailure(error, { source: 'prometheus', endpoint }));
      return undefined;
    }
  }

  private async computeTimeline(name: string, range: ResolvedRange, now: number): Promise<NodeTimeline> {
    const { prometheus } = this.deps;
    const base = { node: name, ...this.tag, generatedAt: new Date(now).toISOString(), range, timeline: null };
    const inventory = await this.nodeInventory(name, now);
    const sources = [...inventory.sources];
    if (inventory.nodes === null) return { ...base, found: null, sources };
    const node = inventory.nodes.find((candidate) => candidate.name === name);
    if (!node) return { ...base, found: false, sources };
    const ksmExported = await this.ksmExported(sources, now);
    const [input, scrapeRules] = await Promise.all([gatherTimeline(prometheus, node, gridOf(range, stepFor(range)), this.deps.jobRoles ?? {}, sources, ksmExported), this.scrapeRules(sources, now)]);
    if (!input) return { ...base, found: true, timeline: null, sources };
    input.scrapeRules = scrapeRules;
    input.live = now - range.endMs <= LIVE_WINDOW_MS;
    let timeline = buildTimeline(input);
    // A cAdvisor gap ending now: the kubelet's own unit start times may tell why where none is stored (the
    // same read as the node page's, shared by the kubelet client).
    const cadvisorGap = timeline.lanes.some((lane) => lane.family === 'cadvisor-labels' && lane.segments.some((segment) => segment.state === 'gap'));
    if (cadvisorGap && this.deps.kubelet && now - range.endMs <= LIVE_WINDOW_MS) {
      const { observed } = await this.readSource(node, { live: true, evaluatedAt: new Date(now).toISOString(), volumes: false, cadvisor: true }, sources);
      if (observed.cadvisorSource?.cgroups) timeline = buildTimeline({ ...input, source: observed.cadvisorSource });
    }
    return { ...base, found: true, timeline, sources };
  }

  /**
   * Every node with its findings counted, from stored data only (the kubelet-side causes need a read per node
   * and appear in the node's own findings), computed at most once per cache TTL and shared by every viewer.
   */
  fleet(now = Date.now()): Promise<FleetInvestigation> {
    return this.sharedFleet(this.deps.cacheTtlMs ?? 0, now, () => this.inTime(now, () => this.computeFleet(now)));
  }

  /**
   * The fleet computed here and now, never shared, for the fleet of clusters (lib/server/clusters.ts): each
   * cluster's client there shares its requests with the others'. Without the cluster-wide checks, which are
   * one label names request per cluster and shown on each cluster's own page.
   */
  fleetNow(now: number): Promise<FleetInvestigation> {
    return this.computeFleet(now, false);
  }

  private async computeFleet(now: number, clusterChecks = true): Promise<FleetInvestigation> {
    const { prometheus } = this.deps;
    const generatedAt = new Date(now).toISOString();
    // The families' fleet-wide requests need nothing of the inventory: asked beside it, not after (at 1,000
    // nodes the inventory, with its megabytes of targets, is half a second of a cold fleet).
    const asked: SourceStatus[] = [];
    const answers = this.ksmExported(asked, now).then((ksmExported) =>
      Promise.all([gatherFamilies(prometheus, { kind: 'fleet', ksmExported }, instantGrid(now), undefined, asked), this.scrapeRules(asked, now), clusterChecks ? this.clusterFindings(asked, now) : []]),
    );
    const inventory = await loadFleet(prometheus, this.inventoryOptions);
    const sources = [...inventory.sources];
    if (inventory.nodes === null) {
      answers.catch(() => undefined); // no fleet to judge: its answers are not awaited
      return { ...this.tag, generatedAt, nodes: null, clusterFindings: [], sources };
    }
    const [{ gathered }, scrapeRules, clusterFindings] = await answers;
    sources.push(...asked);
    const nodes = inventory.nodes.map((node) => summarize(node, findingsOf(observe(gathered, 0, { facts: node, roles: node.roles, healthFrom: inventory.healthFrom, notScrapedYet: inventory.notScrapedYet !== undefined, scrapeRules }))));
    return { ...this.tag, generatedAt, nodes, clusterFindings, sources };
  }

  /** Why a PromQL query is empty for a node (GET /api/v1/explain); within one Prometheus timeout. */
  explain(query: string, request: ExplainRequest, now = Date.now()): Promise<Explanation> {
    return this.inTime(now, async () => ({ ...(await explainOne(this.explainDeps(request.range, now), query, this.withClusterVariable(request))), ...this.tag }));
  }

  /** Which of a dashboard's panels are empty for a node, and why (POST /api/v1/explain). */
  explainDashboard(dashboard: Dashboard, request: ExplainRequest, now = Date.now()): Promise<DashboardExplanation> {
    return this.inTime(now, async () => ({ ...(await explainDashboard(this.explainDeps(request.range, now), dashboard, this.withClusterVariable(request))), ...this.tag }));
  }

  /**
   * A cluster's explanation fills the dashboard variable named as the cluster label (`$cluster`) with the
   * cluster, unless the link gave it: every query is scoped to the cluster anyway, and `cluster=""` would
   * select nothing in a store where every series has one.
   */
  private withClusterVariable(request: ExplainRequest): ExplainRequest {
    const { cluster, clusterLabel } = this.deps;
    return cluster && clusterLabel ? { ...request, requested: { [clusterLabel]: cluster, ...request.requested } } : request;
  }

  /** The explainer's view of a node: its targets (for `$instance`, `$job`) and its findings, as its page has them. */
  private explainDeps(range: ResolvedRange, now: number): ExplainDeps {
    return {
      prometheus: this.deps.prometheus,
      nodeContext: async (name) => {
        const [investigation, inventory] = await Promise.all([this.node(name, range, now), this.nodeInventory(name, now)]);
        if (investigation.found === false) throw new ApiError(404, 'unknown-node', `node "${name}" is not in the inventory (no kube_node_info series names it)`);
        const node = inventory.nodes?.find((candidate) => candidate.name === name);
        const targets = node ? NODE_ROLES.flatMap((role) => node.roles[role].targets.map((target) => ({ role, instance: target.instance, job: target.job }))) : [];
        const claims = investigation.findings.filter((finding) => finding.family === 'volume-stats').sort((a, b) => Number(a.expectedByDesign) - Number(b.expectedByDesign)).map((finding) => finding.subject);
        return { aliases: { name, internalIp: node?.internalIp ?? '', targets, claims }, findings: investigation.findings, clusterFindings: investigation.clusterFindings ?? [], sources: investigation.sources };
      },
    };
  }

  /**
   * What the query endpoint can tell, as last detected; a detection older than CAPABILITIES_TTL_MS (or none
   * yet) starts one in the background. A health check never waits for it: a liveness probe has a second.
   */
  capabilities(now = Date.now()): Capabilities | undefined {
    if ((!this.detected || now - this.detected.atMs > CAPABILITIES_TTL_MS) && !this.detecting) {
      this.detecting = detectCapabilities(this.deps.prometheus, now)
        .then((capabilities) => void (this.detected = { capabilities, atMs: now }), () => undefined)
        .finally(() => (this.detecting = undefined));
    }
    return this.detected?.capabilities;
  }

  /** Liveness plus whether Prometheus answers; never queued behind a page's work for long (one request). */
  async health(): Promise<Health> {
    const checkedAt = new Date().toISOString();
    try {
      const { version } = await this.deps.prometheus.buildInfo();
      const capabilities = this.capabilities();
      return { status: 'ok', checkedAt, prometheus: { ok: true, ...(version ? { version } : {}) }, ...(capabilities ? { capabilities } : {}) };
    } catch (error) {
      const failure = sourceFailure(error, { source: 'prometheus', endpoint: 'GET /api/v1/status/buildinfo' });
      return { status: 'degraded', checkedAt, prometheus: { ok: false, detail: failure.detail, kind: failure.kind } };
    }
  }
}

/** The node and the range as asked: a relative range ("now-6h") is the same view for every viewer. */
const viewKey = (name: string, range: ResolvedRange) => `${name}\u0000${range.from}\u0000${range.to}`;

/**
 * Kept on globalThis: Next.js bundles route handlers and pages separately, and a module-level variable would
 * give each bundle a facade of its own, with its own caches and in-flight limit.
 */
const processWide = globalThis as typeof globalThis & { [key: symbol]: Gapscope | undefined };
const INSTANCE = Symbol.for('gapscope.facade');

/** The unscoped facade a configuration describes (a store of one cluster, or the store of several as a whole). */
export function gapscopeFromEnv(config: Env): Gapscope {
  const kubeletConfig = kubeletConfigFromEnv(config);
  return new Gapscope({
    prometheus: new PrometheusClient(prometheusConfigFromEnv(config)),
    kubelet: kubeletConfig ? new KubeletClient(kubeletConfig) : null,
    jobRoles: config.GAPSCOPE_JOB_ROLES,
    cacheTtlMs: config.GAPSCOPE_FLEET_CACHE_TTL,
  });
}

/** The process's one unscoped facade, built from the environment on first use. */
export function gapscope(): Gapscope {
  processWide[INSTANCE] ??= gapscopeFromEnv(env());
  return processWide[INSTANCE];
}
