import 'server-only';
import { z } from 'zod';
import type { SourceStatus } from '@/lib/contract/source';
import { sourceFailure, UpstreamError } from '@/lib/errors';
import { ExpositionScanner } from '@/lib/exposition/scanner';
import { claimKey, type KubeletVolumeSource } from '@/lib/families/types';
import type { KubeletClient, KubeletNode } from './client';

/**
 * What a node's kubelet itself says about volume stats: the claims its /metrics exposes
 * kubelet_volume_stats_* for, and volumeStatsAggPeriod from /configz. Bodies are parsed here and never leave.
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */

/** The part of /configz gapscope reads; anything else in it is ignored. */
const configzSchema = z.object({ kubeletconfig: z.object({ volumeStatsAggPeriod: z.string().optional() }).passthrough() }).passthrough();

async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function readVolumeStatsSource(client: KubeletClient, node: KubeletNode, sources: SourceStatus[]): Promise<KubeletVolumeSource> {
  const endpoint = (path: string) => `GET ${path} (${node.name})`;
  const [metrics, configz] = await Promise.allSettled([
    client.read(node, '/metrics', 'volume-stats-claims', async (body) => {
      const claims = new Set<string>();
      const scanner = new ExpositionScanner({ families: ['kubelet_volume_stats_used_bytes'], onSample: (sample) => void claims.add(claimKey(sample.labels)) });
      for await (const chunk of body) scanner.push(chunk);
      scanner.end();
      return claims;
    }),
    client.read(node, '/configz', 'volume-stats-period', async (body) => {
      const text = (await readAll(body)).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new UpstreamError(client.mode === 'proxy' ? 'kube-apiserver' : 'kubelet', 'not-json', endpoint('/configz'), '/configz did not answer JSON');
      }
      const parsed = configzSchema.safeParse(json);
      if (!parsed.success) throw new UpstreamError(client.mode === 'proxy' ? 'kube-apiserver' : 'kubelet', 'invalid-response', endpoint('/configz'), `/configz has no kubeletconfig object (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      return parsed.data.kubeletconfig.volumeStatsAggPeriod;
    }),
  ]);
  const via = client.mode === 'proxy' ? 'kube-apiserver' : 'kubelet';
  for (const [result, path] of [[metrics, '/metrics'], [configz, '/configz']] as const) {
    if (result.status === 'fulfilled') sources.push({ source: via, endpoint: endpoint(path), ok: true });
    else sources.push(sourceFailure(result.reason, { source: via, endpoint: endpoint(path) }));
  }
  return {
    claimsWithStats: metrics.status === 'fulfilled' ? metrics.value : null,
    volumeStatsAggPeriod: configz.status === 'fulfilled' ? configz.value : undefined,
    metricsEndpoint: endpoint('/metrics'),
    configzEndpoint: endpoint('/configz'),
  };
}
