import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAMILY_IDS, FINDING_KINDS } from '@/lib/contract/finding';
import { CLUSTER_CHECKS, FAMILIES } from './registry';

/**
 * Every family is complete: the contract lists its id and kinds, it has a matrix title, documented causes,
 * query parts, a rule, findings, an explanation of its lanes, and a row in docs/api.md. A family that lacks one
 * fails here, not in front of an SRE.
 */

const api = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

describe('the family registry', () => {
  it('has exactly the families of the contract, each once', () => {
    expect([...FAMILIES, ...CLUSTER_CHECKS].map((family) => family.id).sort()).toEqual([...FAMILY_IDS].sort());
  });

  it('emits exactly the finding kinds of the contract, each from one family', () => {
    const kinds = [...FAMILIES, ...CLUSTER_CHECKS].flatMap((family) => Object.keys(family.causes));
    expect([...kinds].sort()).toEqual([...FINDING_KINDS].sort());
  });

  it.each(FAMILIES.map((family) => [family.id, family] as const))('%s is complete', (id, family) => {
    expect(family.title.length).toBeGreaterThan(3);
    expect(typeof family.rule).toBe('function');
    expect(typeof family.describe).toBe('function');
    expect(typeof family.explain).toBe('function');
    expect(['ok', 'not-expected']).toContain(family.absent);
    expect(existsSync(new URL(`./${id}/index.ts`, import.meta.url))).toBe(true);
    for (const [kind, causes] of Object.entries(family.causes)) {
      expect(causes!.length, `${id}: ${kind} documents its causes`).toBeGreaterThan(0);
      for (const cause of causes!) expect(cause).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      // docs/api.md documents every kind and cause, in the family's table row.
      const row = api.split('\n').find((line) => line.startsWith(`| \`${kind}\``));
      expect(row, `docs/api.md has a row for ${kind}`).toBeDefined();
      for (const cause of causes!) expect(row, `docs/api.md names ${kind}'s cause ${cause}`).toContain(`\`${cause}\``);
      expect(row, `docs/api.md's row for ${kind} names its family`).toContain(`\`${id}\``);
    }
  });

  it("shares requests only with a registered family's own request (no chains), so the fleet stays within ten requests", () => {
    const ids = new Set(FAMILIES.map((family) => family.id));
    for (const family of FAMILIES.filter((candidate) => candidate.request)) {
      expect(ids.has(family.request!), `${family.id} joins ${family.request}`).toBe(true);
      expect(FAMILIES.find((candidate) => candidate.id === family.request)!.request, `${family.request} has a request of its own`).toBeUndefined();
    }
    const requests = new Set(FAMILIES.filter((family) => Object.keys(family.parts).length > 0).map((family) => family.request ?? family.id));
    expect(requests.size).toBe(4);
  });

  it('a rule with no data to judge by says so (null), rather than inventing a verdict', () => {
    const bare = { node: { name: 'n', internalIp: '', kubeletVersion: '', containerRuntime: '' }, atMs: 0, at: '', roles: { kubelet: { health: 'up', targets: [] }, cadvisor: { health: 'up', targets: [] }, 'node-exporter': { health: 'up', targets: [] } }, healthFrom: 'none', starts: {}, parts: {}, queries: {} } as const;
    for (const family of FAMILIES) expect(family.rule(structuredClone(bare) as never), family.id).toBeNull();
  });
});
