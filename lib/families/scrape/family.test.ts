import { describe, expect, it } from 'vitest';
import type { RoleHealth } from '@/lib/topology/fleet';
import { causeOfDownTarget, detectTargetFindings } from './targets';

const target = (lastError: string, instance = '10.0.0.1:10250', scrapeUrl?: string): RoleHealth['targets'][number] => ({ instance, job: 'x', scrapeUrl, labels: {}, health: 'down', lastError });

describe('causeOfDownTarget', () => {
  it.each([
    ['kubelet', target('server returned HTTP status 401 Unauthorized'), 'unauthorized'],
    ['kubelet', target('server returned HTTP status 403 Forbidden'), 'forbidden'],
    ['node-exporter', target('server returned HTTP status 400 Bad Request', 'node-a', 'http://10.0.0.1:10250/metrics'), 'wrong-port'],
    ['node-exporter', target('server returned HTTP status 400 Bad Request', '10.0.0.1:10250'), 'wrong-port'],
    ['kubelet', target('Get "http://10.0.0.1:10255/metrics": dial tcp 10.0.0.1:10255: connect: connection refused', '10.0.0.1:10255'), 'connection-refused'],
    ['kubelet', target('Get "https://10.0.0.1:10250/metrics": x509: certificate signed by unknown authority'), 'tls'],
    ['cadvisor', target('Get "https://10.0.0.1:10250/metrics/cadvisor": context deadline exceeded'), 'timeout'],
    ['kubelet', target('EOF'), 'unknown'],
  ] as const)('%s: %j -> %s', (role, down, cause) => {
    expect(causeOfDownTarget(role, down).cause).toBe(cause);
  });

  it('explains the read-only port when 10255 refuses', () => {
    expect(causeOfDownTarget('kubelet', target('connect: connection refused', '10.0.0.1:10255')).explanation).toMatch(/read-only port is disabled by default since Kubernetes 1\.16/);
  });
});

describe('detectTargetFindings', () => {
  const up = { health: 'up' as const, targets: [{ ...target(''), health: 'up' as const }] };
  it('reports a missing role as target-missing and every down target as target-down', () => {
    const findings = detectTargetFindings({
      node: 'n',
      at: '2026-01-01T00:00:00.000Z',
      healthFrom: 'targets-api',
      roles: { kubelet: up, cadvisor: { health: 'down', targets: [target('server returned HTTP status 403 Forbidden')] }, 'node-exporter': { health: 'missing', targets: [] } },
    });
    expect(findings.map((finding) => [finding.kind, finding.cause, finding.severity])).toEqual([
      ['target-down', 'forbidden', 'critical'],
      ['target-missing', 'no-target', 'warning'],
    ]);
    expect(findings[0]!.evidence[0]!.excerpt).toContain('lastError="server returned HTTP status 403 Forbidden"');
  });

  it('reports nothing for a node whose targets are all up', () => {
    expect(detectTargetFindings({ node: 'n', at: '', healthFrom: 'up-series', roles: { kubelet: up, cadvisor: up, 'node-exporter': up } })).toEqual([]);
  });
});
