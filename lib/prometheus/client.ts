import 'server-only';
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Env } from '@/lib/env';
import { redact } from '@/lib/http/redact';
import { UpstreamError } from '@/lib/errors';
import { viewScope } from '@/lib/abort-scope';
import { addressOfUrl } from '@/lib/topology/targets';
import { perClusterQuery, scopedQuery, scopedSelectors, type ClusterMatcher } from './cluster-scope';
import { parsePromFloat } from './prom-float';
import { batchQuery, splitBatch } from './promql';
import { buildInfoDataSchema, configDataSchema, envelopeSchema, labelNamesDataSchema, matrixDataSchema, runtimeInfoDataSchema, targetsDataSchema, vectorDataSchema } from './schemas';
import { parseScrapeConfig, ScrapeConfigError, type ScrapeJobRules } from './scrape-config';

/**
 * The one adapter for Prometheus' HTTP API (and Thanos, Mimir, VictoriaMetrics, which speak it):
 * timeouts, a response size cap, HTML or other non-JSON bodies, `status: "error"` envelopes and
 * unexpected shapes all become UpstreamError; at most `maxInFlight` requests run at once per client.
 * https://prometheus.io/docs/prometheus/latest/querying/api/
 */

export interface PrometheusConfig {
  baseUrl: string;
  timeoutMs: number;
  headers: Record<string, string>;
  bearerTokenFile?: string;
  basicAuth?: { user: string; passwordFile: string };
  caFile?: string;
  insecureSkipVerify: boolean;
  maxInFlight: number;
  /** Requests that may wait for a slot; past that, new ones fail at once as `overloaded` (load is shed). */
  maxQueued?: number;
  maxResponseBytes: number;
  /**
   * Bytes of answers held at once, all requests together (default 4 x maxResponseBytes): 8 in flight at the
   * per-body cap, each copied into a string and parsed, would otherwise allow gigabytes.
   */
  maxBytesInFlight?: number;
}

/** Enough for a few dozen concurrent page loads; more is a crowd or a stuck Prometheus. */
export const DEFAULT_MAX_QUEUED = 64;

export function prometheusConfigFromEnv(env: Env): PrometheusConfig {
  return {
    baseUrl: env.GAPSCOPE_PROMETHEUS_URL,
    timeoutMs: env.GAPSCOPE_PROMETHEUS_TIMEOUT,
    headers: env.GAPSCOPE_PROMETHEUS_HEADERS,
    bearerTokenFile: env.GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE,
    basicAuth:
      env.GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER && env.GAPSCOPE_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE
        ? { user: env.GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER, passwordFile: env.GAPSCOPE_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE }
        : undefined,
    caFile: env.GAPSCOPE_PROMETHEUS_CA_FILE,
    insecureSkipVerify: env.GAPSCOPE_PROMETHEUS_INSECURE_SKIP_VERIFY,
    maxInFlight: 8,
    maxResponseBytes: 64 << 20,
  };
}

export interface VectorSample {
  labels: Record<string, string>;
  value: number;
  timestampMs: number;
}

export interface RangeSeries {
  labels: Record<string, string>;
  /** [timestamp ms, value], in time order; a gap in Prometheus' answer is a gap here. */
  points: [number, number][];
}

export interface TimeRange {
  startMs: number;
  endMs: number;
}

/** Prometheus refuses a range query of more than 11,000 points per series. */
export const MAX_RANGE_POINTS = 11_000;

/** A Go duration as Prometheus prints it ("15s", "1m30s", "500ms") in milliseconds; null if it is not one. */
export function goDurationMs(text: string): number | null {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!match) return null;
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return text.length > 0 ? total : null;
}

export interface TargetHealth {
  pool: string;
  scrapeUrl: string;
  /**
   * The address service discovery gave, where relabelling replaced it: a kubelet scraped through the API
   * server's node proxy (`/api/v1/nodes/<node>/proxy/metrics`) is discovered at its own address.
   */
  discoveredAddress?: string;
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  scrapeIntervalMs?: number;
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

function describeNetworkError(error: unknown): { kind: 'timeout' | 'unreachable' | 'tls'; message: string } {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code ?? '';
  if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') return { kind: 'timeout', message: 'timed out' };
  if (TLS_CODES.test(code)) return { kind: 'tls', message: `TLS failed (${code}: ${cause?.message ?? ''})` };
  return { kind: 'unreachable', message: `could not connect (${code || cause?.message || (error as Error)?.message || 'network error'})` };
}

/** What an error body says, shortened, with anything credential-like redacted before it is cut. */
function excerpt(text: string): string {
  const flat = redact(text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim());
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

/** What the clients of one store share: its in-flight limit, its byte budget, its counters, its TLS agent. */
interface Shared {
  limit: ReturnType<typeof pLimit>;
  usage: { sent: number; bytesHeld: number; bytesPeak: number };
  dispatcher?: Dispatcher;
}

/**
 * One cluster of a store that holds several (lib/prometheus/cluster-scope.ts):
 * - `scoped`: every query gets the cluster's matcher; the targets list, scrape configuration and start time
 *   come from the cluster's own scraper where one is configured (a central store scrapes nothing itself);
 * - `split`: each query is asked once for every cluster (`answers` is shared by the clusters' clients) and
 *   each client keeps its cluster's series; for a page that shows every cluster at once.
 */
export type ClusterView =
  | { kind: 'scoped'; cluster: ClusterMatcher; scraper?: PrometheusClient }
  | { kind: 'split'; cluster: ClusterMatcher; answers: Map<string, Promise<unknown>> };

export class PrometheusClient {
  private readonly shared: Shared;
  /** The same store without a cluster view (this client itself when it has none). */
  private readonly root: PrometheusClient;

  constructor(
    private readonly config: PrometheusConfig,
    shared?: Shared,
    readonly view?: ClusterView,
  ) {
    this.shared = shared ?? {
      limit: pLimit(config.maxInFlight),
      usage: { sent: 0, bytesHeld: 0, bytesPeak: 0 },
      dispatcher:
        config.caFile || config.insecureSkipVerify
          ? new Agent({ connect: { ca: config.caFile ? readFileSync(config.caFile) : undefined, rejectUnauthorized: !config.insecureSkipVerify } })
          : undefined,
    };
    this.root = view ? new PrometheusClient(config, this.shared) : this;
  }

  /** This store seen as one cluster's (the limit, budget and counters stay shared with this client). */
  withView(view: ClusterView): PrometheusClient {
    return new PrometheusClient(this.config, this.shared, view);
  }

  private get limit() {
    return this.shared.limit;
  }

  private get dispatcher() {
    return this.shared.dispatcher;
  }

  /** A split view's answer to `key`, asked once for all clusters. */
  private splitAnswer<T>(view: Extract<ClusterView, { kind: 'split' }>, key: string, ask: () => Promise<T>): Promise<T> {
    let answer = view.answers.get(key) as Promise<T> | undefined;
    if (!answer) view.answers.set(key, (answer = ask()));
    return answer;
  }

  /** What is the same for every cluster: asked once for all of a split view's clusters. */
  private once<T>(key: string, ask: () => Promise<T>): Promise<T> {
    return this.view?.kind === 'split' ? this.splitAnswer(this.view, key, ask) : ask();
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /** The most answer bytes held at once since this client was made (for tests of the byte budget). */
  get peakBytesInFlight(): number {
    return this.shared.usage.bytesPeak;
  }

  /** Reserves `bytes` of the budget, or says no. */
  private reserve(bytes: number): boolean {
    const usage = this.shared.usage;
    if (usage.bytesHeld + bytes > (this.config.maxBytesInFlight ?? 4 * this.config.maxResponseBytes)) return false;
    usage.bytesHeld += bytes;
    usage.bytesPeak = Math.max(usage.bytesPeak, usage.bytesHeld);
    return true;
  }

  /**
   * The body as text, capped per answer (RangeError) and, all answers together, by the byte budget
   * (BudgetSpent): each chunk is reserved as it arrives, in `held`, which the caller gives back.
   */
  private async readCapped(response: Awaited<ReturnType<typeof undiciFetch>>, held: { bytes: number }): Promise<string> {
    const limit = this.config.maxResponseBytes;
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await response.body?.cancel();
      throw new RangeError('too large');
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body ?? []) {
      if (held.bytes + chunk.byteLength > limit) throw new RangeError('too large');
      if (!this.reserve(chunk.byteLength)) throw new BudgetSpent(this.shared.usage.bytesHeld, this.config.maxBytesInFlight ?? 4 * limit);
      held.bytes += chunk.byteLength;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Requests sent since this client was made (for query budgets in tests and benchmarks). */
  get requestCount(): number {
    return this.shared.usage.sent;
  }


  async instantQuery(promql: string, timeMs?: number): Promise<VectorSample[]> {
    const view = this.view;
    if (view?.kind === 'split') {
      const all = await this.splitAnswer(view, `query\u0000${promql}\u0000${timeMs ?? ''}`, () => this.root.instantQuery(perClusterQuery(promql, view.cluster.label), timeMs));
      return ofCluster(all, view.cluster);
    }
    if (view) return this.root.instantQuery(scopedQuery(promql, view.cluster), timeMs);
    const form = new URLSearchParams({ query: promql });
    if (timeMs !== undefined) form.set('time', String(timeMs / 1000));
    const data = await this.request('POST', '/api/v1/query', vectorDataSchema, form, promql);
    return data.result.map((row) => ({ labels: row.metric, value: parsePromFloat(row.value[1]), timestampMs: Math.round(row.value[0] * 1000) }));
  }

  /** Several instant queries in one request (see batchQuery); the samples come back split by part. */
  async instantBatch<K extends string>(parts: Record<K, string>, timeMs?: number): Promise<Record<K, VectorSample[]>> {
    return splitBatch(Object.keys(parts) as K[], await this.instantQuery(batchQuery(parts), timeMs));
  }

  /** Several range queries in one request, split back by part. */
  async rangeBatch<K extends string>(parts: Record<K, string>, range: TimeRange, stepMs: number): Promise<{ parts: Record<K, RangeSeries[]>; stepMs: number }> {
    const result = await this.rangeQuery(batchQuery(parts), range, stepMs);
    return { parts: splitBatch(Object.keys(parts) as K[], result.series), stepMs: result.stepMs };
  }

  /** A range query; the step is widened where the range would exceed MAX_RANGE_POINTS. */
  async rangeQuery(promql: string, range: TimeRange, stepMs: number): Promise<{ series: RangeSeries[]; stepMs: number }> {
    const view = this.view;
    if (view?.kind === 'split') {
      const all = await this.splitAnswer(view, `range\u0000${promql}\u0000${range.startMs}\u0000${range.endMs}\u0000${stepMs}`, () => this.root.rangeQuery(perClusterQuery(promql, view.cluster.label), range, stepMs));
      return { ...all, series: ofCluster(all.series, view.cluster) };
    }
    if (view) return this.root.rangeQuery(scopedQuery(promql, view.cluster), range, stepMs);
    const step = Math.max(stepMs, Math.ceil((range.endMs - range.startMs) / MAX_RANGE_POINTS / 1000) * 1000, 1000);
    const form = new URLSearchParams({ query: promql, start: String(range.startMs / 1000), end: String(range.endMs / 1000), step: String(step / 1000) });
    const data = await this.request('POST', '/api/v1/query_range', matrixDataSchema, form, promql);
    return {
      stepMs: step,
      series: data.result.map((row) => ({ labels: row.metric, points: row.values.map(([time, value]) => [Math.round(time * 1000), parsePromFloat(value)] as [number, number]) })),
    };
  }

  /** Active targets. Thanos Query and Mimir have no targets API: that is an UpstreamError of kind "unsupported". */
  async targets(): Promise<TargetHealth[]> {
    const view = this.view;
    if (view?.kind === 'scoped' && view.scraper) return view.scraper.targets();
    // A store's own targets tell their cluster only by a label; where none has it, they cannot be told apart
    // (an empty list: health then comes from the cluster's `up` series).
    if (view) return ofCluster(await this.once('targets', () => this.root.targets()), view.cluster);
    const data = await this.request('GET', '/api/v1/targets?state=active', targetsDataSchema);
    return data.activeTargets.map((target) => {
      const discovered = target.discoveredLabels?.__address__;
      return {
        pool: target.scrapePool,
        scrapeUrl: target.scrapeUrl,
        ...(discovered && discovered !== addressOfUrl(target.scrapeUrl) ? { discoveredAddress: discovered } : {}),
        labels: target.labels,
        health: target.health,
        lastError: target.lastError,
        ...(target.scrapeInterval ? { scrapeIntervalMs: goDurationMs(target.scrapeInterval) ?? undefined } : {}),
      };
    });
  }

  /** When this Prometheus started (runtimeinfo), to tell "not discovered yet" from "missing". */
  async startedAt(): Promise<number> {
    if (this.view?.kind === 'scoped' && this.view.scraper) return this.view.scraper.startedAt();
    if (this.view) return this.once('runtimeinfo', () => this.root.startedAt());
    const data = await this.request('GET', '/api/v1/status/runtimeinfo', runtimeInfoDataSchema);
    const ms = Date.parse(data.startTime);
    if (Number.isNaN(ms)) throw new UpstreamError('prometheus', 'invalid-response', 'GET /api/v1/status/runtimeinfo', `Prometheus gave a start time that is not a date: ${data.startTime.slice(0, 40)}`);
    return ms;
  }

  /**
   * The scrape jobs' metric_relabel_configs, from the loaded configuration: what decides whether a series
   * the source exposes can be stored. Thanos Query, Mimir and VictoriaMetrics have no such endpoint
   * ("unsupported"); the caller then says the rule could not be named.
   */
  async scrapeConfig(): Promise<Map<string, ScrapeJobRules>> {
    if (this.view?.kind === 'scoped' && this.view.scraper) return this.view.scraper.scrapeConfig();
    if (this.view) return this.once('config', () => this.root.scrapeConfig());
    const endpoint = 'GET /api/v1/status/config';
    const data = await this.request('GET', '/api/v1/status/config', configDataSchema);
    try {
      return parseScrapeConfig(data.yaml);
    } catch (error) {
      if (error instanceof ScrapeConfigError) throw new UpstreamError('prometheus', 'invalid-response', endpoint, `Prometheus' ${error.message}`);
      throw error;
    }
  }

  /**
   * The label names of the series matching `selectors` between `startMs` (default: five minutes before) and
   * `atMs` (GET /api/v1/labels with match[]): which labels a metric carries, from the index alone.
   */
  async labelNames(selectors: readonly string[], atMs = Date.now(), startMs = atMs - 300_000): Promise<string[]> {
    if (this.view) return this.root.labelNames(scopedSelectors(selectors, this.view.cluster), atMs, startMs);
    const params = new URLSearchParams([...selectors.map((selector) => ['match[]', selector]), ['start', String(startMs / 1000)], ['end', String(atMs / 1000)]]);
    return this.request('GET', `/api/v1/labels?${params.toString()}`, labelNamesDataSchema);
  }

  /** The values of a label on the series matching `selectors` (all series where none) in the last hour: for completion. */
  async labelValues(label: string, selectors: readonly string[], atMs = Date.now()): Promise<string[]> {
    if (this.view) return this.root.labelValues(label, scopedSelectors(selectors, this.view.cluster), atMs);
    const params = new URLSearchParams([...selectors.map((selector) => ['match[]', selector]), ['start', String((atMs - 3_600_000) / 1000)], ['end', String(atMs / 1000)]]);
    return this.request('GET', `/api/v1/label/${encodeURIComponent(label)}/values?${params.toString()}`, labelNamesDataSchema);
  }

  /** GAPSCOPE_PROMETHEUS_TIMEOUT: also the time a whole view has (lib/abort-scope.ts). */
  get timeoutMs(): number {
    return this.config.timeoutMs;
  }

  /** Asked beside the in-flight limit, not behind it: a health check must not wait for pages' queries. */
  async buildInfo(): Promise<{ version?: string }> {
    const data = await this.request('GET', '/api/v1/status/buildinfo', buildInfoDataSchema, undefined, undefined, false);
    return data.version ? { version: data.version } : {};
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json', ...this.config.headers };
    // Secret files are read per request so rotated tokens are picked up; their contents are never logged.
    if (this.config.bearerTokenFile) headers.Authorization = `Bearer ${readFileSync(this.config.bearerTokenFile, 'utf8').trim()}`;
    if (this.config.basicAuth) {
      const password = readFileSync(this.config.basicAuth.passwordFile, 'utf8').trim();
      headers.Authorization = `Basic ${Buffer.from(`${this.config.basicAuth.user}:${password}`).toString('base64')}`;
    }
    return headers;
  }

  private request<S extends z.ZodTypeAny>(method: 'GET' | 'POST', path: string, schema: S, form?: URLSearchParams, what?: string, limited = true): Promise<z.infer<S>> {
    const endpoint = `${method} ${path.split('?')[0]}${what ? ` ${what}` : ''}`;
    const fail = (kind: ConstructorParameters<typeof UpstreamError>[1], message: string, status?: number) =>
      new UpstreamError('prometheus', kind, endpoint, `Prometheus ${message}`, status);
    // The view this request is for (lib/server/abort-scope.ts): once every viewer has gone, it is not sent,
    // or it is cancelled in flight.
    const { signal: view, deadlineMs } = viewScope() ?? {};
    // Its time: the configured timeout, or what is left of the view's, whichever ends first.
    const timeLeft = () => Math.min(this.config.timeoutMs, deadlineMs === undefined ? Infinity : deadlineMs - Date.now());
    const outOfTime = () => fail('timeout', `was not asked: the view's time (GAPSCOPE_PROMETHEUS_TIMEOUT, ${this.config.timeoutMs} ms from the request) had run out`);
    const run = async (timeoutMs = timeLeft()) => {
      if (view?.aborted) throw fail('aborted', 'was not asked: every viewer of this view has gone');
      if (timeoutMs <= 0) throw outOfTime();
      const cutByView = deadlineMs !== undefined && deadlineMs - Date.now() < this.config.timeoutMs;
      this.shared.usage.sent++;
      let response: Awaited<ReturnType<typeof undiciFetch>>;
      try {
        response = await undiciFetch(`${this.config.baseUrl}${path}`, {
          method,
          headers: { ...this.headers(), ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
          body: form?.toString(),
          signal: view ? AbortSignal.any([AbortSignal.timeout(timeoutMs), view]) : AbortSignal.timeout(timeoutMs),
          dispatcher: this.dispatcher,
        });
      } catch (error) {
        if (view?.aborted) throw fail('aborted', 'request was cancelled: every viewer of this view has gone');
        const { kind, message } = describeNetworkError(error);
        throw fail(kind, kind === 'timeout' ? (cutByView ? `did not answer within the ${Math.round(timeoutMs)} ms left of the view's time (GAPSCOPE_PROMETHEUS_TIMEOUT, ${this.config.timeoutMs} ms from the request)` : `did not answer within ${this.config.timeoutMs} ms`) : message);
      }
      const held = { bytes: 0 };
      try {
        let text: string;
        try {
          text = await this.readCapped(response, held);
        } catch (error) {
          if (error instanceof RangeError) throw fail('too-large', `answered with more than ${this.config.maxResponseBytes} bytes`, response.status);
          if (error instanceof BudgetSpent) throw fail('overloaded', `answered while gapscope already held ${error.heldBytes} bytes of answers (its limit is ${error.limit}): this answer was dropped`, response.status);
          const { kind, message } = describeNetworkError(error);
          throw fail(kind, `failed while sending its answer: ${message}`, response.status);
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          const type = response.headers.get('content-type') ?? 'no content type';
          if (response.status === 404) throw fail('unsupported', `has no ${path.split('?')[0]} endpoint (HTTP 404); Thanos Query and Mimir do not serve it`, 404);
          if (response.status === 401 || response.status === 403) {
            throw fail(response.status === 401 ? 'unauthorized' : 'forbidden', `refused the request with HTTP ${response.status}: ${excerpt(text)}`, response.status);
          }
          const status = response.ok ? 'not-json' : 'http-status';
          throw fail(status, `answered HTTP ${response.status} with ${type} instead of JSON (a proxy or login page in between?): ${excerpt(text)}`, response.status);
        }
        const envelope = envelopeSchema.safeParse(json);
        if (!envelope.success) throw fail('invalid-response', `answered HTTP ${response.status} with JSON that is not an API response`, response.status);
        if (envelope.data.status === 'error') {
          throw fail('api-error', `rejected the request (HTTP ${response.status}, ${envelope.data.errorType}): ${envelope.data.error}`, response.status);
        }
        const data = schema.safeParse(envelope.data.data);
        if (!data.success) {
          const issue = data.error.issues[0];
          throw fail('invalid-response', `answered with an unexpected shape at ${issue?.path.join('.') || 'data'}: ${issue?.message ?? ''}`, response.status);
        }
        return data.data;
      } finally {
        // The answer's bytes are held until it has been parsed and validated, then given back.
        this.shared.usage.bytesHeld -= held.bytes;
      }
    };
    if (!limited) return run();
    // In flight and waiting together: p-limit counts a burst as waiting until its first member starts.
    if (this.limit.activeCount + this.limit.pendingCount >= this.config.maxInFlight + (this.config.maxQueued ?? DEFAULT_MAX_QUEUED)) {
      return Promise.reject(fail('overloaded', `is asked more than gapscope queues (${this.config.maxInFlight} in flight, ${this.config.maxQueued ?? DEFAULT_MAX_QUEUED} waiting): this request was not sent`));
    }
    // The deadline starts now, not when a slot frees up: a request still waiting for a slot when its time is
    // up fails then, and is never sent; one that got a slot has what is left of its time.
    const queuedAt = Date.now();
    return new Promise<z.infer<S>>((resolve, reject) => {
      let state: 'queued' | 'running' | 'abandoned' = 'queued';
      const abandon = (error: UpstreamError) => {
        if (state !== 'queued') return;
        state = 'abandoned';
        clearTimeout(deadline);
        reject(error);
      };
      const waitedTooLong = () => fail('timeout', `did not answer within ${this.config.timeoutMs} ms: the request waited for a slot behind slower ones and was not sent`);
      const deadline = setTimeout(() => abandon(waitedTooLong()), Math.max(0, timeLeft()));
      // A view whose viewers have all gone gives its slot in the queue back at once.
      view?.addEventListener('abort', () => abandon(fail('aborted', 'was not sent: every viewer of this view has gone')), { once: true });
      void this.limit(async () => {
        if (state === 'abandoned') return;
        state = 'running';
        clearTimeout(deadline);
        try {
          const ownTimeLeft = this.config.timeoutMs - (Date.now() - queuedAt);
          if (ownTimeLeft <= 0) throw waitedTooLong();
          resolve(await run(Math.min(timeLeft(), ownTimeLeft)));
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}

/** The samples, series or targets of one cluster. */
function ofCluster<T extends { labels: Record<string, string> }>(items: readonly T[], { label, value }: ClusterMatcher): T[] {
  return items.filter((item) => item.labels[label] === value);
}

/** The client's byte budget for answers held at once is spent. */
class BudgetSpent extends Error {
  constructor(
    readonly heldBytes: number,
    readonly limit: number,
  ) {
    super('byte budget spent');
  }
}
