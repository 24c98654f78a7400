import 'server-only';
import { env } from '@/lib/env';
import { KubeletClient, kubeletConfigFromEnv } from '@/lib/kubelet/client';

let client: KubeletClient | null | undefined;

/** One kubelet client per server process (its single-flight spans requests), or null when GAPSCOPE_KUBELET_MODE=off. */
export function kubelet(): KubeletClient | null {
  if (client === undefined) {
    const config = kubeletConfigFromEnv(env());
    client = config ? new KubeletClient(config) : null;
  }
  return client;
}
