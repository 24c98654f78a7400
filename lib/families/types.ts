import type { FamilyId, Finding, FindingKind } from '@/lib/contract/finding';
import type { ContainerLayers } from '@/lib/contract/investigation';
import type { SegmentState, TimelineEvent } from '@/lib/contract/timeline';
import type { ScrapeJobRules } from '@/lib/prometheus/scrape-config';
import type { NodeRole, RoleHealth } from '@/lib/topology/fleet';

/**
 * What a gap family is. PURE: families read an Observation and return data; the engine (lib/engine) asks
 * Prometheus, builds observations and loops over the registry (lib/families/registry.ts).
 *
 * The one rule: `rule(observation)` says, for each subject of the family on a node at one instant, whether
 * it is fine, a fault or absent by design. The findings are that rule's verdicts at the instant the page
 * describes; a timeline lane is the same rule at every step of the range. They cannot disagree.
 */

/** A stored sample, with its labels as Prometheus returns them. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** What a part's PromQL is written against: the node's own targets, or the whole fleet. */
export interface QueryScope {
  /**
   * `metric{…}` restricted to the series of the node's targets of the part's role (several targets are
   * joined with `or`, in parentheses), or every such series for the fleet. Targets are told apart by their
   * identity (job, instance and metrics_path where present), never by a pattern on `instance`.
   */
  select(metric: string, ...matchers: string[]): string;
  /**
   * A kube-state-metrics selector for the node's objects (every object for the fleet), with the objects' own
   * node, namespace, pod and container labels however the job set honor_labels (lib/prometheus/ksm.ts).
   */
  ksm(metric: string, ...matchers: string[]): string;
  /** A kube-state-metrics selector for every object, never filtered by node, with the objects' own labels. */
  kube(metric: string, ...matchers: string[]): string;
  /** A kube-state-metrics expression (already filtered) with the objects' own labels restored. */
  restore(expression: string): string;
}

/** One query of a family. The same PromQL answers the instant (findings) and every step (lanes). */
export interface QueryPart {
  /**
   * Whose series these are: the node's targets of a role (skipped while none is up), kube-state-metrics
   * series with the node's `node` label, or cluster-wide lookups (a PV's plugin, a claim's volume).
   */
  of: NodeRole | 'node' | 'cluster';
  /**
   * A `node` part that compares kube-state-metrics with a role's series (`select` picks from that role's
   * targets): skipped while the node has none of them, and null at a step where none is up.
   */
  needs?: NodeRole;
  promql(scope: QueryScope): string;
}

export interface NodeFacts {
  name: string;
  internalIp: string;
  kubeletVersion: string;
  containerRuntime: string;
  /** kube_node_info's os_image, where known. */
  osImage?: string;
}

/**
 * A Windows node (kube_node_info's os_image): no node_exporter runs there (windows_exporter does, under its own
 * job), and its kubelet's /metrics/cadvisor has no container series (kubernetes#98235). Their absence is by design.
 */
export const isWindows = (node: NodeFacts) => /^windows/i.test(node.osImage ?? '');
export const WINDOWS_REFERENCES = ['https://github.com/kubernetes/kubernetes/issues/98235', 'https://github.com/prometheus-community/windows_exporter'];

/** Start times of the node's processes (epoch ms), where stored. */
export interface ProcessStarts {
  kubelet?: number;
  runtime?: number;
  /** The PromQL they came from, for the evidence. */
  query?: string;
}

/** What the kubelet itself says about volume stats (GAPSCOPE_KUBELET_MODE), read live only. */
export interface KubeletVolumeSource {
  /** Claims ("namespace/name") the kubelet's own /metrics exposes volume stats for; null: not read. */
  claimsWithStats: ReadonlySet<string> | null;
  /** volumeStatsAggPeriod from /configz ("1m0s", "0s"); undefined: unknown. */
  volumeStatsAggPeriod?: string;
  metricsEndpoint: string;
  configzEndpoint: string;
}

/** A container cgroup as the kubelet's cAdvisor serves it: its labels and the line, for the evidence. */
export interface SourceCgroup {
  id: string;
  labels: Record<string, string>;
  line: string;
}

/**
 * What the node's kubelet itself exposes about its containers (GAPSCOPE_KUBELET_MODE), read live on the node
 * page only: /metrics/cadvisor (container cgroups and systemd units) and /stats/summary (the kubelet's and
 * the runtime's start times).
 */
export interface CadvisorSource {
  /** Container cgroups (not `/`, QoS, pod-level or system.slice ones). null: /metrics/cadvisor was not read. */
  cgroups: SourceCgroup[] | null;
  /** systemd units' start times (epoch ms) by unit ("kubelet", "containerd", "k3s-agent"), with their lines. */
  units: Record<string, { startedAt: number; line: string }>;
  /** cadvisor_version_info's dockerVersion ("" when no Docker). */
  dockerVersion?: string;
  /** Series with the pre-1.16 pod_name label. */
  legacySeries: number;
  /** /stats/summary's systemContainers: when the kubelet and the runtime started (epoch ms). */
  summary: { kubeletStartedAt?: number; runtimeStartedAt?: number } | null;
  cadvisorEndpoint: string;
  summaryEndpoint: string;
  /** Why a part could not be read, for the finding to say what reading it would add. */
  failures: string[];
}

/** Everything known about one node at one instant, scoped to the node. */
export interface Observation {
  node: NodeFacts;
  atMs: number;
  /** ISO form of atMs, for evidence. */
  at: string;
  roles: Record<NodeRole, RoleHealth>;
  /** Where target health came from; 'none': unknown (the targets API and `up` both failed). */
  healthFrom: 'targets-api' | 'up-series' | 'none';
  /** Prometheus started less than two scrape intervals ago: a role without a target is not missing yet. */
  notScrapedYet?: boolean;
  starts: ProcessStarts;
  /**
   * Each family's parts at this instant, by part key. A part is null when it was not asked (its role has
   * no target up) or its request failed; a family is absent when its whole request failed.
   */
  parts: Partial<Record<FamilyId, Record<string, Sample[] | null>>>;
  /** The PromQL of each part, as sent, for the evidence. */
  queries: Partial<Record<FamilyId, Record<string, string>>>;
  kubeletVolumes?: KubeletVolumeSource;
  /** The node's cAdvisor as the kubelet serves it (live node views with a kubelet mode only). */
  cadvisorSource?: CadvisorSource;
  /** Why the source was not read on a node view that wanted it (mode off, past instant, no address). */
  sourceNotRead?: string;
  /** Each scrape job's metric_relabel_configs, by job_name (a target's scrape pool); undefined: unknown. */
  scrapeRules?: ReadonlyMap<string, ScrapeJobRules>;
}

/** What the rule says about one subject. */
export interface Verdict<D = unknown> {
  subject: string;
  /** fault: a finding that needs fixing; by-design: a finding that says nothing is wrong; no-data: cannot tell. */
  state: 'ok' | 'fault' | 'by-design' | 'no-data';
  /** The finding kind and cause for fault and by-design verdicts. */
  kind?: FindingKind;
  cause?: string;
  /** The lane's title. */
  title: string;
  /** A count to show on the lane (container series, for instance). */
  value?: number;
  /** A subject that is only worth a lane when it is not ok at some step (one per mountpoint, say). */
  quiet?: boolean;
  /** The family's own structured data for its findings and explanations. */
  detail: D;
}

/** A lane's change of state at one step, for the family to explain. */
export interface LaneChange<D = unknown> {
  laneId: string;
  subject: string;
  atMs: number;
  /** The state before; undefined at the range start. */
  from?: SegmentState;
  to: SegmentState;
  /** The rule's verdict at the step of the change, and at the step before it (undefined: no verdict there). */
  verdict?: Verdict<D>;
  before?: Verdict<D>;
  observation: Observation;
}

export interface ExplainContext {
  node: string;
  /** Every event of the range, in time order. */
  events: readonly TimelineEvent[];
  /** The latest event before `atMs` (within the cause window) that matches. */
  latest(atMs: number, match: (event: TimelineEvent) => boolean, windowMs?: number): TimelineEvent | undefined;
  /** "right after" or "3 min after" `event`, seen from `atMs`. */
  after(event: TimelineEvent, atMs: number): string;
  /** A clock time for the text. */
  clock(ms: number): string;
  /** The range's step, for tolerances. */
  stepMs: number;
}

export interface Explained {
  text: string;
  events: (TimelineEvent | undefined)[];
}

export interface Family<D = unknown> {
  id: FamilyId;
  /** The fleet matrix's column title and the docs' name for the family. */
  title: string;
  /** The finding kinds it emits, each with its documented cause ids. */
  causes: Readonly<Partial<Record<FindingKind, readonly string[]>>>;
  parts: Readonly<Record<string, QueryPart>>;
  /**
   * The family whose request this family's parts join (default: a request of its own). A fleet load may send
   * at most 10 requests at 1,000 nodes; families that read the same targets share one. A failed request
   * degrades every family in it.
   */
  request?: FamilyId;
  /**
   * The state of a subject that has a lane but no verdict at a step where the rule could judge: a claim no
   * pod on the node uses is `not-expected`; a mountpoint without an error is `ok`.
   */
  absent: 'ok' | 'not-expected';
  /** THE rule. null: nothing to judge by at this instant (its data is missing). */
  rule(observation: Observation): Verdict<D>[] | null;
  /** The findings of one fault or by-design verdict, with evidence and a fix. */
  describe(verdict: Verdict<D>, observation: Observation): Finding[];
  /** Its subjects counted at every layer, for the node card (families that count, like cadvisor-labels). */
  layers?(verdicts: Verdict<D>[], observation: Observation): ContainerLayers | null;
  /** Why a lane changed: the events this family's rule names as causes. null: nothing to add. */
  explain(change: LaneChange<D>, context: ExplainContext): Explained | null;
  /**
   * Whether one of its findings explains an empty selector (the query explainer's link from an empty panel to
   * the node's finding): the series it covers, and for findings about one subject, that subject. Absent: its
   * findings empty no selector (a wrong value is not an absence).
   */
  explainsEmpty?(selector: EmptySelector, finding: Finding): boolean;
}

/** An empty selector as the query explainer sees it: its metric ('' where none is named) and matchers. */
export interface EmptySelector {
  metric: string;
  /** The value of each equality matcher. */
  equal: Readonly<Record<string, string>>;
  /** Every label a matcher names. */
  labels: readonly string[];
}

/** A family with its detail type erased, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFamily = Family<any>;

/** Type helper: a family definition checked against the interface, its detail type inferred. */
export const defineFamily = <D>(family: Family<D>): Family<D> => family;

/** The samples of one of a family's own parts (empty when not asked or failed). */
export function samplesOf(observation: Observation, family: FamilyId, part: string): Sample[] {
  return observation.parts[family]?.[part] ?? [];
}

/** The PromQL of a part as sent, for the evidence. */
export function queryOf(observation: Observation, family: FamilyId, part: string): string {
  return observation.queries[family]?.[part] ?? part;
}

/** Lookups built once per query result (an array shared by every node of the fleet) and reused. */
const built = new WeakMap<object, Map<string, unknown>>();
export function once<T>(owner: object, key: string, build: () => T): T {
  let entries = built.get(owner);
  if (!entries) built.set(owner, (entries = new Map()));
  if (!entries.has(key)) entries.set(key, build());
  return entries.get(key) as T;
}

export const claimKey = (labels: Record<string, string>) => `${labels.namespace ?? ''}/${labels.persistentvolumeclaim ?? ''}`;
export const podKey = (labels: Record<string, string>) => `${labels.namespace ?? ''}/${labels.pod ?? ''}`;
