import { expect } from 'vitest';
import { UpstreamError } from '@/lib/errors';
import { KubeletClient } from '@/lib/kubelet/client';
import { PrometheusClient } from '@/lib/prometheus/client';
import { Gapscope } from '@/lib/server/gapscope';
import { resolveRange, type ResolvedRange } from '@/lib/time-range';
import type { RunningLab } from '../src/lab';

/** gapscope's Prometheus adapter pointed at a lab. */
export function labPrometheus(lab: RunningLab): PrometheusClient {
  return new PrometheusClient({ baseUrl: lab.prometheusUrl, timeoutMs: 5_000, headers: {}, insecureSkipVerify: false, maxInFlight: 8, maxResponseBytes: 1 << 24 });
}

/** gapscope's kubelet adapter reading a lab's kubelets directly, with gapscope's token unless told otherwise. */
export function labKubelet(lab: RunningLab, tokenFile = lab.tokenFiles.gapscope): KubeletClient {
  return new KubeletClient({ access: { mode: 'direct', tokenFile, caFile: lab.caFile, insecureSkipVerify: false }, timeoutMs: 5_000, maxBytes: 64 << 20, reuseMs: 0 });
}

/** gapscope's kubelet adapter reading a lab's kubelets through its API server's node proxy, with its kubeconfig. */
export function labKubeletProxy(lab: RunningLab): KubeletClient {
  return new KubeletClient({ access: { mode: 'proxy', kubeconfigFile: lab.kubeconfigFile }, timeoutMs: 5_000, maxBytes: 64 << 20, reuseMs: 0 });
}

/** Awaits a promise that must reject with an UpstreamError, and returns it. */
export async function upstreamFailure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => null, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

/** gapscope's server facade on a lab's Prometheus (and, when given, its kubelets), with no shared caches. */
export function labGapscope(prometheus: PrometheusClient, kubelet: KubeletClient | null = null): Gapscope {
  return new Gapscope({ prometheus, kubelet, cacheTtlMs: 0 });
}

/** The default range (the last 6 hours) ending now, or ending at `endMs` in the past. */
export function rangeEnding(endMs?: number, now = Date.now()): ResolvedRange {
  const range = endMs === undefined ? resolveRange('now-6h', 'now', now) : resolveRange(String(endMs - 6 * 3_600_000), String(endMs), now);
  if (typeof range === 'string') throw new Error(range);
  return range;
}

/** The capabilities a facade detects in the background, waited for (bounded). */
export async function detected(gapscope: Gapscope) {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
    const capabilities = gapscope.capabilities();
    if (capabilities) return capabilities;
  }
  throw new Error('capabilities were not detected within 20 s');
}
