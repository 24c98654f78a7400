import { describe, expect, it } from 'vitest';
import { defaultLab } from '../test-support/default-lab';
import { expandNodes, parseScenario } from './scenario';
import { parseBytes, parseDuration } from './units';

const minimal = (nodes: string, extra = '') => `
name: t
description: t
history: { span: 1h, step: 1m }
scrapeInterval: 5s
${extra}
nodes:
${nodes}`;
const node = (name: string, more = '', overrides: Record<string, string> = {}) => {
  const fields = { name, runtime: 'containerd://1.7.27', kubeletVersion: 'v1.31.4', kubeletStartedAgo: '1d', runtimeStartedAgo: '1d', ...overrides };
  return `  - { ${Object.entries(fields).map(([key, value]) => `${key}: ${value}`).join(', ')}${more} }`;
};

describe('scenario files', () => {
  it('parses the default scenario: one healthy node and one node per gap family', () => {
    const { scenario } = defaultLab();
    expect(scenario.nodes.map((candidate) => candidate.name)).toEqual([
      'lab-healthy', 'lab-volumes', 'lab-cadvisor', 'lab-rootsized', 'lab-deverror', 'lab-unauthorized', 'lab-wrongport',
    ]);
    const faults = scenario.nodes.flatMap((candidate) => candidate.faults.map((fault) => fault.kind));
    expect(faults.sort()).toEqual(['cadvisor-labels-empty', 'kubelet-unauthorized', 'mount-device-error', 'node-exporter-wrong-port', 'pv-mounts-root-sized']);
  });

  it.each([
    ['a bad duration', minimal(node('a', '', { kubeletStartedAgo: 'soon' })), /nodes\.0\.kubeletStartedAgo: "soon" is not a duration/],
    ['a duplicate node', minimal(`${node('a')}\n${node('a')}`), /node a is listed twice/],
    ['an unknown claim', minimal(node('a', ', pods: [{ name: p, namespace: n, containers: [c=i] , claims: [x] }]')), /uses unknown claim n\/x/],
    ['a bad runtime', minimal(node('a', '', { runtime: 'rkt://1' })), /runtime: expected "containerd/],
    ['a csi claim without driver', minimal(node('a'), 'claims: [{ claim: a/b, capacity: 1Gi, used: 1Mi, storageClass: s, plugin: csi }]'), /a csi claim needs a driver/],
    ['used above capacity', minimal(node('a'), 'claims: [{ claim: a/b, capacity: 1Gi, used: 2Gi, storageClass: s, plugin: local, path: /x }]'), /used is larger than capacity/],
    ['broken YAML', 'nodes: [', /scenario test.yaml is not valid YAML/],
    ['an unknown fault', minimal(node('a', ', faults: [{ kind: gremlins }]')), /faults\.0\.kind/],
  ])('rejects %s with the path of the problem', (_, text, message) => {
    expect(() => parseScenario(text, 'test.yaml')).toThrow(message);
  });
});

describe('the size knob', () => {
  it('keeps the declared nodes and adds clones of the templates up to N, mostly healthy', () => {
    const { nodes } = defaultLab(1000);
    expect(nodes).toHaveLength(1000);
    expect(nodes.slice(0, 7).every((candidate) => candidate.template === null)).toBe(true);
    const templates = new Map<string, number>();
    for (const clone of nodes.slice(7)) templates.set(clone.template!, (templates.get(clone.template!) ?? 0) + 1);
    expect(templates.get('lab-healthy')!).toBeGreaterThan(800);
    expect([...templates.keys()].sort()).toEqual(['lab-cadvisor', 'lab-deverror', 'lab-healthy', 'lab-unauthorized', 'lab-wrongport']);
    expect(new Set(nodes.map((candidate) => candidate.name)).size).toBe(1000);
    // Clones carry no claims: their exporter is shared with the template's other clones.
    expect(nodes.slice(7).every((clone) => clone.pods.every((pod) => pod.claims.length === 0))).toBe(true);
  });

  it('refuses fewer nodes than the scenario declares, and more than 1000', () => {
    const { scenario } = defaultLab();
    expect(() => expandNodes(scenario, 3)).toThrow(/fewer than the 7 nodes/);
    expect(() => expandNodes(scenario, 1001)).toThrow(/at most 1000/);
  });
});

describe('units', () => {
  it.each([['90s', 90_000], ['15m', 900_000], ['1h30m', 5_400_000], ['7d', 604_800_000]])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '5', '1x', '1h 30m'])('rejects duration "%s"', (text) => expect(() => parseDuration(text)).toThrow(/not a duration/));
  it.each([['10Gi', 10 * 2 ** 30], ['512Mi', 512 * 2 ** 20], ['1.5Ti', 1.5 * 2 ** 40]])('parses %s', (text, bytes) => expect(parseBytes(text)).toBe(bytes));
  it('rejects decimal SI quantities it does not support', () => expect(() => parseBytes('10G')).toThrow(/not a quantity/));
});
