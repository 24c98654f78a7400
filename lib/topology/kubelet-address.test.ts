import { describe, expect, it } from 'vitest';
import type { FleetNode, RoleHealth } from './fleet';
import { kubeletAddressOf } from './kubelet-address';

type Target = RoleHealth['targets'][number];
const target = (scrapeUrl: string, labels: Record<string, string> = {}): Target => ({ job: labels.job ?? 'kubelet', instance: new URL(scrapeUrl).host, scrapeUrl, labels, health: 'up', lastError: '' });
const node = (internalIp: string, kubelet: Target[], cadvisor: Target[] = []): Pick<FleetNode, 'name' | 'internalIp' | 'roles'> => ({
  name: 'node-a',
  internalIp,
  roles: { kubelet: { health: 'up', targets: kubelet }, cadvisor: { health: 'up', targets: cadvisor }, 'node-exporter': { health: 'up', targets: [] } },
});

describe('kubeletAddressOf', () => {
  it.each([
    ['the kubelet target at the node address', node('10.0.0.5', [target('https://10.0.0.5:10250/metrics')]), { address: '10.0.0.5:10250' }],
    ['a kubelet on another port, as configured', node('10.0.0.5', [target('https://10.0.0.5:11250/metrics')]), { address: '10.0.0.5:11250' }],
    ['the cAdvisor target when it is the only one at the node address', node('10.0.0.5', [], [target('https://10.0.0.5:10250/metrics/cadvisor')]), { address: '10.0.0.5:10250' }],
    ['an IPv6 node', node('fd00::5', [target('https://[fd00::5]:10250/metrics')]), { address: '[fd00::5]:10250' }],
  ])('%s', (_, observed, expected) => {
    expect(kubeletAddressOf(observed)).toEqual(expected);
  });

  it('never picks a look-alike: a "kubelet-exporter" Service with a node label, elsewhere', () => {
    const lookAlike = target('https://10.96.0.42:8443/metrics', { job: 'kubelet-exporter', node: 'node-a' });
    const result = kubeletAddressOf(node('10.0.0.5', [lookAlike]));
    expect(result).toEqual({ reason: expect.stringMatching(/no kubelet target scrapes node node-a at its own address 10\.0\.0\.5 over HTTPS \(they scrape 10\.96\.0\.42:8443\)/) });
    // With the real kubelet target beside it, the real one is chosen whatever the order.
    expect(kubeletAddressOf(node('10.0.0.5', [lookAlike, target('https://10.0.0.5:10250/metrics')]))).toEqual({ address: '10.0.0.5:10250' });
  });

  it('refuses a plain-HTTP exporter on the node, and a node without an address', () => {
    expect(kubeletAddressOf(node('10.0.0.5', [target('http://10.0.0.5:9999/metrics', { job: 'kubelet-exporter' })]))).toHaveProperty('reason');
    expect(kubeletAddressOf(node('', [target('https://10.0.0.5:10250/metrics')]))).toEqual({ reason: expect.stringMatching(/no internal_ip/) });
  });

  it('refuses the API server when it proxies the scrape (every node has the same scrape address)', () => {
    expect(kubeletAddressOf(node('10.0.0.5', [target('https://10.0.0.1:6443/api/v1/nodes/node-a/proxy/metrics')]))).toHaveProperty('reason');
  });

  it("takes the address node discovery gave a proxied target, only at this node's own address and for its own path", () => {
    const proxied = (path: string, discoveredAddress: string) => ({ ...target(`https://10.0.0.1:6443${path}`), discoveredAddress });
    expect(kubeletAddressOf(node('10.0.0.5', [proxied('/api/v1/nodes/node-a/proxy/metrics', '10.0.0.5:11250')]))).toEqual({ address: '10.0.0.5:11250' });
    expect(kubeletAddressOf(node('10.0.0.5', [], [proxied('/api/v1/nodes/node-a/proxy/metrics/cadvisor', '10.0.0.5:10250')]))).toEqual({ address: '10.0.0.5:10250' });
    // Another node's proxy path, another host, or no port: no token goes there.
    expect(kubeletAddressOf(node('10.0.0.5', [proxied('/api/v1/nodes/node-b/proxy/metrics', '10.0.0.5:10250')]))).toHaveProperty('reason');
    expect(kubeletAddressOf(node('10.0.0.5', [proxied('/api/v1/nodes/node-a/proxy/metrics', '10.0.0.55:10250')]))).toHaveProperty('reason');
    expect(kubeletAddressOf(node('10.0.0.5', [proxied('/api/v1/nodes/node-a/proxy/metrics', '10.0.0.5:')]))).toHaveProperty('reason');
  });
});
