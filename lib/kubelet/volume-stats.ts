import 'server-only';
import { z } from 'zod';
import type { SourceStatus } from '@/lib/contract/source';
import { ExpositionScanner } from '@/lib/exposition/scanner';
import { claimKey, type KubeletVolumeSource } from '@/lib/families/types';
import type { KubeletClient, KubeletNode } from './client';
import { endpointOf, readJson, recordReads } from './reads';

/**
 * What a node's kubelet itself says about volume stats: the claims its /metrics exposes
 * kubelet_volume_stats_* for, and volumeStatsAggPeriod from /configz. Bodies are parsed here and never leave.
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */

/** The part of /configz gapscope reads; anything else in it is ignored. */
const configzSchema = z.object({ kubeletconfig: z.object({ volumeStatsAggPeriod: z.string().optional() }).passthrough() }).passthrough();

export async function readVolumeStatsSource(client: KubeletClient, node: KubeletNode, sources: SourceStatus[]): Promise<KubeletVolumeSource> {
  const [metrics, configz] = await Promise.allSettled([
    client.read(node, '/metrics', 'volume-stats-claims', async (body) => {
      const claims = new Set<string>();
      const scanner = new ExpositionScanner({ families: ['kubelet_volume_stats_used_bytes'], onSample: (sample) => void claims.add(claimKey(sample.labels)) });
      for await (const chunk of body) scanner.push(chunk);
      scanner.end();
      return claims;
    }),
    client.read(node, '/configz', 'volume-stats-period', async (body) => (await readJson(client, node, '/configz', body, configzSchema, 'kubeletconfig object')).kubeletconfig.volumeStatsAggPeriod),
  ]);
  recordReads(client, node, [[metrics, '/metrics'], [configz, '/configz']], sources);
  return {
    claimsWithStats: metrics.status === 'fulfilled' ? metrics.value : null,
    volumeStatsAggPeriod: configz.status === 'fulfilled' ? configz.value : undefined,
    metricsEndpoint: endpointOf(node, '/metrics'),
    configzEndpoint: endpointOf(node, '/configz'),
  };
}
