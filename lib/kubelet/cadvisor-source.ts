import 'server-only';
import { z } from 'zod';
import type { SourceStatus } from '@/lib/contract/source';
import { ExpositionScanner, type ExpositionSample } from '@/lib/exposition/scanner';
import { isContainerCgroup } from '@/lib/families/cadvisor-labels/causes';
import type { CadvisorSource, SourceCgroup } from '@/lib/families/types';
import type { KubeletClient, KubeletNode } from './client';
import { endpointOf, readJson, recordReads } from './reads';

/**
 * What a node's kubelet itself exposes about its containers: /metrics/cadvisor streamed through the
 * scanner (only container_start_time_seconds, which cAdvisor exports for every cgroup with its start, and
 * cadvisor_version_info), and /stats/summary validated with zod (the kubelet's and the runtime's start).
 * Bodies are parsed here and never leave; only the lines a finding cites do.
 * https://github.com/google/cadvisor/blob/master/docs/storage/prometheus.md
 * https://kubernetes.io/docs/reference/instrumentation/node-metrics/
 */

const CADVISOR_FAMILIES = ['container_start_time_seconds', 'cadvisor_version_info'];
const SYSTEM_UNIT = /^\/system\.slice\/([A-Za-z0-9@._-]+)\.service$/;

/** The part of /stats/summary gapscope reads; the rest (cpu, memory, volumes...) is ignored. */
const summarySchema = z.object({
  node: z.object({
    systemContainers: z.array(z.object({ name: z.string(), startTime: z.string().optional() }).passthrough()).optional(),
  }).passthrough(),
}).passthrough();

/** A sample as the exposition line it came from (labels in served order), for the evidence. */
function lineOf(sample: ExpositionSample): string {
  const labels = Object.entries(sample.labels).map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `${sample.name}{${labels.join(',')}} ${sample.value}`;
}

export interface Scanned {
  cgroups: SourceCgroup[];
  units: CadvisorSource['units'];
  dockerVersion?: string;
  legacySeries: number;
}

/** The consumer of /metrics/cadvisor: exported for the benchmark, which measures this very code. */
export async function scanCadvisor(body: AsyncIterable<Buffer>): Promise<Scanned> {
  const scanned: Scanned = { cgroups: [], units: {}, legacySeries: 0 };
  const scanner = new ExpositionScanner({
    families: CADVISOR_FAMILIES,
    onSample: (sample) => {
      if (sample.family === 'cadvisor_version_info') {
        scanned.dockerVersion = sample.labels.dockerVersion ?? '';
        return;
      }
      const id = sample.labels.id ?? '';
      if (sample.labels.pod_name !== undefined) scanned.legacySeries++;
      const unit = SYSTEM_UNIT.exec(id)?.[1];
      if (unit) scanned.units[unit] = { startedAt: sample.value * 1000, line: lineOf(sample) };
      else if (isContainerCgroup(id)) scanned.cgroups.push({ id, labels: sample.labels, line: lineOf(sample) });
    },
  });
  for await (const chunk of body) scanner.push(chunk);
  scanner.end();
  return scanned;
}

const startOf = (containers: { name: string; startTime?: string }[] | undefined, name: string) => {
  const time = containers?.find((container) => container.name === name)?.startTime;
  const ms = time ? Date.parse(time) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

export async function readCadvisorSource(client: KubeletClient, node: KubeletNode, sources: SourceStatus[]): Promise<CadvisorSource> {
  const [cadvisor, summary] = await Promise.allSettled([
    client.read(node, '/metrics/cadvisor', 'cadvisor-cgroups', scanCadvisor),
    client.read(node, '/stats/summary', 'summary-starts', async (body) => {
      const system = (await readJson(client, node, '/stats/summary', body, summarySchema, 'node object')).node.systemContainers;
      return { kubeletStartedAt: startOf(system, 'kubelet'), runtimeStartedAt: startOf(system, 'runtime') };
    }),
  ]);
  const failures = recordReads(client, node, [[cadvisor, '/metrics/cadvisor'], [summary, '/stats/summary']], sources);
  const scanned = cadvisor.status === 'fulfilled' ? cadvisor.value : null;
  return {
    cgroups: scanned?.cgroups ?? null,
    units: scanned?.units ?? {},
    ...(scanned?.dockerVersion !== undefined ? { dockerVersion: scanned.dockerVersion } : {}),
    legacySeries: scanned?.legacySeries ?? 0,
    summary: summary.status === 'fulfilled' ? summary.value : null,
    cadvisorEndpoint: endpointOf(node, '/metrics/cadvisor'),
    summaryEndpoint: endpointOf(node, '/stats/summary'),
    failures,
  };
}
