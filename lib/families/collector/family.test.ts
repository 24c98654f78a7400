import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { familyFindings, observation, sample } from '@/lib/test-support/observation';
import { parseExposition } from '@/lib/test-support/parse-exposition';
import { collector, NO_DATA_COLLECTORS } from '.';

/** node_exporter's own end-to-end output (../shared/fixtures/real): every collector of a Linux build, as it names them. */
const realOutput = parseExposition(readFileSync(new URL('../../../../shared/fixtures/real/node_exporter/e2e-output.txt', import.meta.url)));
const realCollectors = realOutput.families.find((family) => family.name === 'node_scrape_collector_success')!.samples.map((entry) => entry.labels.collector!);

const TARGET = { job: 'node-exporter', instance: '10.0.0.1:9100' };
const success = (name: string) => sample({ ...TARGET, collector: name }, 0);
const parts = (failing: string[], worked: string[] = [], textfile = false) =>
  observation({ parts: { collector: { failing: failing.map(success), worked: worked.map(success), textfile: textfile ? [sample(TARGET, 1)] : [] } } });
const verdicts = (observed: ReturnType<typeof parts>) => collector.rule(observed)!.map((verdict) => [verdict.subject, verdict.cause]);

describe('collector-failed', () => {
  it('names collectors the way node_exporter does (the no-data list is made of real collector names)', () => {
    // The capture's run left these three off (ethtool, timex) or predates them (nvmesubsystem).
    const notInTheCapture = new Set(['ethtool', 'nvmesubsystem', 'timex']);
    for (const name of NO_DATA_COLLECTORS) if (!notInTheCapture.has(name)) expect(realCollectors, name).toContain(name);
    expect(realCollectors).toContain('thermal_zone');
  });

  it('a collector that cannot say "no data" is an error whenever it reports 0', () => {
    expect(verdicts(parts(['loadavg']))).toEqual([['collector loadavg', 'collector-error']]);
  });

  it('a no-data collector at 0 says nothing unless it succeeded on this node within the last day', () => {
    // node_exporter#1619: nfs, infiniband and bonding at 0 on machines without them: nothing to fix.
    expect(verdicts(parts(['nfs', 'infiniband', 'thermal_zone']))).toEqual([]);
    // It worked here, now it fails: a real error (node_exporter#1703).
    expect(verdicts(parts(['nfs', 'thermal_zone'], ['thermal_zone']))).toEqual([['collector thermal_zone', 'collector-error']]);
  });

  it('a broken textfile is its own cause, with the fix to write files atomically', () => {
    const observed = parts([], [], true);
    expect(verdicts(observed)).toEqual([['collector textfile', 'textfile-error']]);
    const [finding] = familyFindings(collector, observed);
    expect(finding).toMatchObject({ kind: 'collector-failed', cause: 'textfile-error', family: 'collector', severity: 'warning', layer: 'source', subject: 'collector textfile' });
    expect(finding!.evidence[0]!.excerpt).toBe('node_textfile_scrape_error{job="node-exporter",instance="10.0.0.1:9100"} 1');
    expect(finding!.remediation.snippet).toMatch(/promtool check metrics/);
  });

  it('describes a failing collector with its evidence and the flag that turns it off', () => {
    const [finding] = familyFindings(collector, parts(['thermal_zone'], ['thermal_zone']));
    expect(finding!.evidence.map((evidence) => evidence.excerpt)).toEqual([
      'node_scrape_collector_success{job="node-exporter",instance="10.0.0.1:9100",collector="thermal_zone"} 0',
      'max_over_time(node_scrape_collector_success{collector="thermal_zone"}[1d]) == 1 on this node',
    ]);
    expect(finding!.remediation.snippet).toBe('--no-collector.thermal_zone');
    expect(finding!.explanation).toMatch(/succeeded on this node within the last day/);
  });

  it('on the real output, where every collector succeeds, has nothing to say', () => {
    const failing = realOutput.families.find((family) => family.name === 'node_scrape_collector_success')!.samples.filter((entry) => entry.value === 0);
    const textfile = realOutput.families.find((family) => family.name === 'node_textfile_scrape_error')?.samples.filter((entry) => entry.value === 1) ?? [];
    const observed = observation({ parts: { collector: { failing: failing.map((entry) => sample({ ...TARGET, ...entry.labels }, 0)), worked: [], textfile: textfile.map((entry) => sample(entry.labels, 1)) } } });
    expect(collector.rule(observed)).toEqual([]);
  });

  it('cannot judge without the exporter', () => {
    expect(collector.rule(observation({ parts: { collector: { failing: null, worked: null, textfile: null } } }))).toBeNull();
  });
});
