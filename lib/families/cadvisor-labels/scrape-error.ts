import type { Finding } from '@/lib/contract/finding';
import { queryOf, type Observation } from '../types';
import type { ContainerVerdict } from './layers';

/**
 * `cadvisor-scrape-error` (cause `container-scrape-error`): cAdvisor reports `container_scrape_error 1` when
 * getting one or more containers' stats failed during the scrape; it serves what it could read and leaves the
 * rest out, so those containers' series vanish from the node while the target stays up. PURE.
 */

export const SCRAPE_ERROR_CAUSE = 'container-scrape-error';

export function scrapeErrorFinding(observation: Observation, containers: readonly ContainerVerdict[], expected: number, subject: string, podList: (containers: readonly ContainerVerdict[]) => string): Finding {
  const node = observation.node.name;
  const at = observation.at;
  const target = observation.roles.cadvisor.targets.find((candidate) => candidate.health === 'up');
  return {
    kind: 'cadvisor-scrape-error',
    cause: SCRAPE_ERROR_CAUSE,
    family: 'cadvisor-labels',
    node,
    subject,
    severity: 'warning',
    layer: 'source',
    expectedByDesign: false,
    summary: `cAdvisor on ${node} failed to read ${containers.length > 0 ? `${containers.length} container${containers.length === 1 ? '' : 's'}` : 'some containers'} (container_scrape_error 1)`,
    explanation: `The kubelet's cAdvisor reports container_scrape_error 1: getting the stats of some containers failed during the scrape (a cgroup removed while it was read, a runtime call that failed or timed out). cAdvisor still serves what it could read and leaves the rest out, so the target stays up while those containers' series vanish from this node.${
      containers.length > 0 ? ` kube-state-metrics says they run: ${podList(containers)}.` : ''
    } The kubelet's log says which container failed and why.`,
    evidence: [
      { source: 'prometheus', query: queryOf(observation, 'cadvisor-labels', 'scrapeError'), excerpt: `container_scrape_error{job="${target?.job ?? ''}",instance="${target?.instance ?? ''}"} 1`, value: 1, at },
      ...(containers.length > 0
        ? [{ source: 'prometheus' as const, query: queryOf(observation, 'cadvisor-labels', 'unstored'), excerpt: `${containers.length} of ${expected} running containers have no series stored under their pod and name: ${podList(containers)}`, value: containers.length, at }]
        : []),
    ],
    remediation: {
      text: "Read the kubelet's log on this node for cAdvisor's error (\"Failed to get container\" / \"error while getting container info\") and fix what it names: a stuck container, a runtime that does not answer, cgroup files it cannot read. A container deleted mid-scrape clears by itself at the next scrape; an error that lasts does not.",
      snippet: "journalctl -u kubelet --since '-15 min' | grep -iE 'cadvisor|container info'",
    },
    references: ['https://github.com/kubernetes/kubernetes/issues/122686', 'https://github.com/google/cadvisor/pull/3013'],
  };
}
