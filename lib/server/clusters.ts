import 'server-only';
import type { ClusterSummary, ClustersOverview } from '@/lib/contract/clusters';
import type { FleetInvestigation } from '@/lib/contract/fleet';
import type { SourceStatus } from '@/lib/contract/source';
import { env, type Env } from '@/lib/env';
import { sourceFailure } from '@/lib/errors';
import { ApiError } from '@/lib/http/api-error';
import { KubeletClient, kubeletConfigFromEnv } from '@/lib/kubelet/client';
import { PrometheusClient, prometheusConfigFromEnv } from '@/lib/prometheus/client';
import type { JobRoles } from '@/lib/topology/targets';
import { Gapscope, gapscope } from './gapscope';
import { nodeInfoQuery } from './inventory';
import { sharedFor } from './shared-for';

/**
 * A store that holds several clusters (a central VictoriaMetrics, Thanos or Mimir fed by an agent per
 * cluster, each with its own `cluster` external label): which clusters there are, one facade per cluster
 * whose every query is scoped to it (lib/prometheus/cluster-scope.ts), and the fleet of clusters. A store of
 * one cluster without the label is investigated as before, by the unscoped facade.
 */

export interface ClustersDeps {
  /** The store, unscoped. */
  prometheus: PrometheusClient;
  /** The unscoped facade: a store without a cluster label. */
  root: Gapscope;
  /** GAPSCOPE_CLUSTER_LABEL. */
  label: string;
  /** A cluster's facade; `sole`: the store holds only this cluster. */
  facadeOf: (cluster: string, sole: boolean) => Gapscope;
  jobRoles?: JobRoles;
  cacheTtlMs?: number;
}

/** The cluster a request is about, and the facade that answers it; `cluster` null: a store without clusters. */
export interface ClusterChoice {
  gapscope: Gapscope;
  cluster: string | null;
}

/** The list of clusters is asked again after this long: clusters come and go rarely. */
const NAMES_TTL_MS = 60_000;

export class Clusters {
  private readonly sharedNames = sharedFor<string[]>();
  private readonly sharedOverview = sharedFor<ClustersOverview>();
  private readonly facades = new Map<string, Gapscope>();

  constructor(private readonly deps: ClustersDeps) {}

  /** `group by (cluster) (kube_node_info)`: every cluster with a node kube-state-metrics knows. */
  private get namesQuery(): string {
    return `group by (${this.deps.label}) (kube_node_info)`;
  }

  /** The clusters the store holds, sorted; [] for a store of one cluster without the label. */
  names(now = Date.now()): Promise<string[]> {
    return this.sharedNames(NAMES_TTL_MS, now, async () => {
      const series = await this.deps.prometheus.instantQuery(this.namesQuery);
      return [...new Set(series.map((sample) => sample.labels[this.deps.label]).filter((name): name is string => Boolean(name)))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    });
  }

  private facade(cluster: string, sole: boolean): ClusterChoice {
    const key = `${cluster}\u0000${sole}`;
    let facade = this.facades.get(key);
    if (!facade) this.facades.set(key, (facade = this.deps.facadeOf(cluster, sole)));
    return { gapscope: facade, cluster };
  }

  /**
   * The facade for a request that names `asked` (or no cluster) and maybe a node. A cluster must be one the
   * store holds (404 otherwise); without one, the store's only cluster, or the one cluster that has the
   * node (404 where none has). `pick`: the request does not say which of these clusters it is about (no
   * node: the fleet of clusters; a node: the clusters that have a node of that name).
   */
  async choose(asked: string | undefined, node?: string, now = Date.now()): Promise<ClusterChoice | { pick: string[] }> {
    let names: string[];
    try {
      names = await this.names(now);
    } catch {
      // The store does not answer: the view that follows says why, in its own sources.
      return asked ? this.facade(asked, false) : { gapscope: this.deps.root, cluster: null };
    }
    const label = this.deps.label;
    if (names.length === 0) {
      if (asked) throw new ApiError(404, 'unknown-cluster', `cluster "${asked}" is not in the store: no kube_node_info series has a ${label} label (one cluster: leave cluster= out)`);
      return { gapscope: this.deps.root, cluster: null };
    }
    if (asked) {
      if (!names.includes(asked)) throw new ApiError(404, 'unknown-cluster', `cluster "${asked}" is not in the store (its clusters by ${label}: ${names.join(', ')})`);
      return this.facade(asked, names.length === 1);
    }
    if (names.length === 1) return this.facade(names[0]!, true);
    if (node === undefined) return { pick: names };
    const holding = await this.deps.prometheus.instantQuery(`group by (${label}) (${nodeInfoQuery(node)})`, undefined).catch(() => null);
    if (holding === null) return { gapscope: this.deps.root, cluster: null };
    const clusters = holding.map((sample) => sample.labels[label]).filter((name): name is string => Boolean(name) && names.includes(name!));
    if (clusters.length === 1) return this.facade(clusters[0]!, false);
    if (clusters.length === 0) throw new ApiError(404, 'unknown-node', `node "${node}" is not in the inventory of any cluster (no kube_node_info series names it)`);
    return { pick: clusters.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) };
  }

  /**
   * An API route's facade for the fleet: `cluster=` where the store holds several (400 otherwise: one
   * fleet page mixing clusters would mix up nodes of the same name).
   */
  async forFleet(asked: string | undefined, now = Date.now()): Promise<ClusterChoice> {
    const choice = await this.choose(asked, undefined, now);
    if ('pick' in choice) throw this.clusterRequired(choice.pick);
    return choice;
  }

  private clusterRequired(names: string[]): ApiError {
    return new ApiError(400, 'cluster-required', `the store holds several clusters (${names.join(', ')}): add cluster= to say which (GET /api/v1/clusters lists them)`);
  }

  /**
   * An explanation's facade: its node's cluster, or the one asked (`cluster=`, else Grafana's
   * `var-<label>=`, which a data link with ${__all_variables} carries). A query without either, in a store of
   * several clusters, is refused: it would count every cluster's series.
   */
  async forExplain(input: { cluster?: string; node?: string; vars: Record<string, string> }, now = Date.now()): Promise<ClusterChoice> {
    const asked = input.cluster ?? (input.vars[this.deps.label] || undefined);
    if (input.node) return this.forNode(asked, input.node, now);
    const choice = await this.choose(asked, undefined, now);
    if ('pick' in choice) throw this.clusterRequired(choice.pick);
    return choice;
  }

  /** A node's facade for an API route: `pick` is a 409 naming the clusters that have the node. */
  async forNode(asked: string | undefined, node: string, now = Date.now()): Promise<ClusterChoice> {
    const choice = await this.choose(asked, node, now);
    if ('pick' in choice) throw new ApiError(409, 'ambiguous-node', `node "${node}" is in several clusters (${choice.pick.join(', ')}): add cluster= to say which`);
    return choice;
  }

  /**
   * Per cluster, its nodes and faults by family, from stored data only. Each question of the fleet page is
   * asked once for every cluster (a split view keeps the cluster label through aggregations and hands each
   * cluster its series), so the page costs what one cluster's fleet page does, plus the list of clusters.
   */
  overview(now = Date.now()): Promise<ClustersOverview> {
    return this.sharedOverview(this.deps.cacheTtlMs ?? 0, now, () => this.computeOverview(now));
  }

  private async computeOverview(now: number): Promise<ClustersOverview> {
    const base = { generatedAt: new Date(now).toISOString(), label: this.deps.label };
    const namesSource = { source: 'prometheus' as const, endpoint: `POST /api/v1/query ${this.namesQuery}` };
    let names: string[];
    try {
      names = await this.names(now);
    } catch (error) {
      return { ...base, clusters: [], sources: [sourceFailure(error, namesSource)] };
    }
    const answers = new Map<string, Promise<unknown>>();
    const fleets = await Promise.all(
      names.map((name) =>
        new Gapscope({
          prometheus: this.deps.prometheus.withView({ kind: 'split', cluster: { label: this.deps.label, value: name }, answers }),
          kubelet: null,
          jobRoles: this.deps.jobRoles,
          noTargetsApi: () => this.deps.root.capabilities(now)?.targetsApi === false,
        }).fleetNow(now),
      ),
    );
    const sources: SourceStatus[] = [{ ...namesSource, ok: true, ...(names.length === 0 ? { detail: `no kube_node_info series has a ${this.deps.label} label: the store holds one cluster` } : {}) }];
    const seen = new Set<string>();
    for (const source of fleets.flatMap((fleet) => fleet.sources)) {
      const key = `${source.endpoint}\u0000${source.ok}\u0000${source.detail ?? ''}`;
      if (!seen.has(key)) sources.push(source);
      seen.add(key);
    }
    return { ...base, clusters: names.map((name, index) => summaryOf(name, fleets[index]!)), sources };
  }
}

function summaryOf(name: string, fleet: FleetInvestigation): ClusterSummary {
  const summary: ClusterSummary = { name, nodes: fleet.nodes?.length ?? null, nodesWithFaults: 0, faultsByFamily: {}, nodesWithTargetsDown: 0 };
  for (const node of fleet.nodes ?? []) {
    const faulty = Object.entries(node.families).filter(([, count]) => count.faults > 0);
    if (faulty.length > 0) summary.nodesWithFaults++;
    for (const [family] of faulty) summary.faultsByFamily[family as keyof ClusterSummary['faultsByFamily']] = (summary.faultsByFamily[family as keyof ClusterSummary['faultsByFamily']] ?? 0) + 1;
    if (Object.values(node.targets).some((health) => health === 'down' || health === 'missing')) summary.nodesWithTargetsDown++;
  }
  return summary;
}

/** Kept on globalThis, as the facade is (lib/server/gapscope.ts): one per process, not one per bundle. */
const processWide = globalThis as typeof globalThis & { [key: symbol]: Clusters | undefined };
const INSTANCE = Symbol.for('gapscope.clusters');

/** The process's clusters, built from the environment on first use around the unscoped facade. */
export function clusters(): Clusters {
  processWide[INSTANCE] ??= clustersFromEnv(env(), gapscope());
  return processWide[INSTANCE];
}

/** The clusters a configuration describes, around its unscoped facade (whose store and kubelet access they share). */
export function clustersFromEnv(config: Env, root: Gapscope): Clusters {
  const prometheus = root.prometheus;
  const kubeletConfig = kubeletConfigFromEnv(config);
  const defaultKubelet = root.kubelet;
  const scraperBase = prometheusConfigFromEnv(config);
  const contexts = config.GAPSCOPE_CLUSTER_KUBE_CONTEXTS;
  const label = config.GAPSCOPE_CLUSTER_LABEL;
  return new Clusters({
    prometheus,
    root,
    label,
    jobRoles: config.GAPSCOPE_JOB_ROLES,
    cacheTtlMs: config.GAPSCOPE_FLEET_CACHE_TTL,
    facadeOf: (cluster, sole) => {
      const scraperUrl = config.GAPSCOPE_CLUSTER_SCRAPERS[cluster];
      // The store's credentials and headers are for the store: a scraper is asked without them.
      const scraper = scraperUrl ? new PrometheusClient({ baseUrl: scraperUrl, timeoutMs: scraperBase.timeoutMs, headers: {}, insecureSkipVerify: false, maxInFlight: 4, maxResponseBytes: scraperBase.maxResponseBytes }) : undefined;
      const context = contexts[cluster];
      // A kubelet is read through its own cluster's API server, so that a node name another cluster also
      // has is never asked of the wrong one: the configured context, or the default where the store holds
      // only this cluster.
      const kubelet = context && kubeletConfig ? new KubeletClient({ ...kubeletConfig, access: { mode: 'proxy', kubeconfigFile: config.GAPSCOPE_KUBECONFIG, context } }) : sole && Object.keys(contexts).length === 0 ? defaultKubelet : null;
      return new Gapscope({
        cluster,
        clusterLabel: label,
        prometheus: prometheus.withView({ kind: 'scoped', cluster: { label, value: cluster }, ...(scraper ? { scraper } : {}) }),
        kubelet,
        kubeletOff: kubeletConfig ? `no kube context is configured for cluster "${cluster}" (GAPSCOPE_CLUSTER_KUBE_CONTEXTS), so gapscope reads none of its kubelets` : undefined,
        jobRoles: config.GAPSCOPE_JOB_ROLES,
        cacheTtlMs: config.GAPSCOPE_FLEET_CACHE_TTL,
      });
    },
  });
}
