import type { Finding } from '@/lib/contract/finding';
import type { AnyFamily, NodeFacts, Observation, Sample, Verdict } from '@/lib/families/types';
import type { Health, NodeRole, RoleHealth } from '@/lib/topology/fleet';

/** Small factories for family and engine unit tests. Test support only: no product code imports this. */

export const AT_MS = Date.parse('2026-01-01T00:00:00.000Z');

export const sample = (labels: Record<string, string>, value = 1): Sample => ({ labels, value });

const TARGETS: Record<NodeRole, { job: string; instance: string; labels: Record<string, string> }> = {
  kubelet: { job: 'kubelet', instance: '10.0.0.1:10250', labels: { job: 'kubelet', instance: '10.0.0.1:10250', metrics_path: '/metrics', node: 'n' } },
  cadvisor: { job: 'kubelet', instance: '10.0.0.1:10250', labels: { job: 'kubelet', instance: '10.0.0.1:10250', metrics_path: '/metrics/cadvisor', node: 'n' } },
  'node-exporter': { job: 'node-exporter', instance: '10.0.0.1:9100', labels: { job: 'node-exporter', instance: '10.0.0.1:9100' } },
};

/** A role's health with one target in that state (none when missing). */
export function role(role: NodeRole, health: Health, lastError = ''): RoleHealth {
  if (health === 'missing') return { health, targets: [] };
  return { health, targets: [{ ...TARGETS[role], health, lastError }] };
}

export interface ObservationSpec {
  node?: Partial<NodeFacts>;
  roles?: Partial<Record<NodeRole, RoleHealth>>;
  healthFrom?: Observation['healthFrom'];
  notScrapedYet?: boolean;
  parts?: Observation['parts'];
  starts?: Observation['starts'];
  kubeletVolumes?: Observation['kubeletVolumes'];
  cadvisorSource?: Observation['cadvisorSource'];
  sourceNotRead?: string;
  scrapeRules?: Observation['scrapeRules'];
  atMs?: number;
}

export function observation(spec: ObservationSpec = {}): Observation {
  const atMs = spec.atMs ?? AT_MS;
  return {
    node: { name: 'n', internalIp: '10.0.0.1', kubeletVersion: 'v1.31.4', containerRuntime: 'containerd://1.7.27', ...spec.node },
    atMs,
    at: new Date(atMs).toISOString(),
    roles: { kubelet: role('kubelet', 'up'), cadvisor: role('cadvisor', 'up'), 'node-exporter': role('node-exporter', 'up'), ...spec.roles },
    healthFrom: spec.healthFrom ?? 'targets-api',
    ...(spec.notScrapedYet ? { notScrapedYet: true } : {}),
    starts: spec.starts ?? {},
    parts: spec.parts ?? {},
    queries: {},
    ...(spec.kubeletVolumes ? { kubeletVolumes: spec.kubeletVolumes } : {}),
    ...(spec.cadvisorSource ? { cadvisorSource: spec.cadvisorSource } : {}),
    ...(spec.sourceNotRead ? { sourceNotRead: spec.sourceNotRead } : {}),
    ...(spec.scrapeRules ? { scrapeRules: spec.scrapeRules } : {}),
  };
}

/** What the engine does for one family: its rule, then the findings of its fault and by-design verdicts. */
export function familyFindings(family: AnyFamily, observed: Observation): Finding[] {
  return (family.rule(observed) ?? []).filter((verdict: Verdict) => verdict.state === 'fault' || verdict.state === 'by-design').flatMap((verdict: Verdict) => family.describe(verdict, observed));
}
