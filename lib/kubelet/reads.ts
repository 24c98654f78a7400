import 'server-only';
import type { z } from 'zod';
import type { SourceStatus } from '@/lib/contract/source';
import { sourceFailure, UpstreamError } from '@/lib/errors';
import type { KubeletClient, KubeletNode, KubeletPath } from './client';

/** What the node's kubelet answers are listed as: the kubelet, or the API server that proxies to it. */
export const viaOf = (client: KubeletClient) => (client.mode === 'proxy' ? 'kube-apiserver' : 'kubelet');

/** "GET /configz (node-a)": how a read is named in sources and evidence. */
export const endpointOf = (node: KubeletNode, path: KubeletPath) => `GET ${path} (${node.name})`;

/**
 * A JSON body of the kubelet validated with zod: not JSON, or not the shape gapscope reads, is an
 * UpstreamError that says which (`what`: the object gapscope looks for, as "a kubeletconfig object").
 */
export async function readJson<S extends z.ZodType>(client: KubeletClient, node: KubeletNode, path: KubeletPath, body: AsyncIterable<Buffer>, schema: S, what: string): Promise<z.infer<S>> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new UpstreamError(viaOf(client), 'not-json', endpointOf(node, path), `${path} did not answer JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UpstreamError(viaOf(client), 'invalid-response', endpointOf(node, path), `${path} has no ${what} (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

/** Lists each settled read among the sources; returns why the failed ones failed, for the findings. */
export function recordReads(client: KubeletClient, node: KubeletNode, reads: readonly (readonly [PromiseSettledResult<unknown>, KubeletPath])[], sources: SourceStatus[]): string[] {
  const failures: string[] = [];
  for (const [result, path] of reads) {
    const status = { source: viaOf(client), endpoint: endpointOf(node, path) } as const;
    if (result.status === 'fulfilled') {
      sources.push({ ...status, ok: true });
    } else {
      const failure = sourceFailure(result.reason, status);
      sources.push(failure);
      failures.push(`${path}: ${failure.detail ?? 'failed'}`);
    }
  }
  return failures;
}
