import { expect } from 'vitest';
import { UpstreamError } from '@/lib/errors';
import { KubeletClient } from '@/lib/kubelet/client';
import { PrometheusClient } from '@/lib/prometheus/client';
import type { RunningLab } from '../src/lab';

/** gapscope's Prometheus adapter pointed at a lab. */
export function labPrometheus(lab: RunningLab): PrometheusClient {
  return new PrometheusClient({ baseUrl: lab.prometheusUrl, timeoutMs: 5_000, headers: {}, insecureSkipVerify: false, maxInFlight: 8, maxResponseBytes: 1 << 24 });
}

/** gapscope's kubelet adapter reading a lab's kubelets directly, with gapscope's token unless told otherwise. */
export function labKubelet(lab: RunningLab, tokenFile = lab.tokenFiles.gapscope): KubeletClient {
  return new KubeletClient({ access: { mode: 'direct', tokenFile, caFile: lab.caFile, insecureSkipVerify: false }, timeoutMs: 5_000, maxBytes: 64 << 20, reuseMs: 0 });
}

/** Awaits a promise that must reject with an UpstreamError, and returns it. */
export async function upstreamFailure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => null, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}
