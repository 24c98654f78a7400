import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLab } from '../test-support/default-lab';
import { labAddresses } from './addresses';
import { buildHistory, writeOpenMetrics } from './history';
import type { LabNode } from './scenario';

const lab = defaultLab();
const root = { device: '/dev/vda1', sizeBytes: 100 * 2 ** 30, availBytes: 40 * 2 ** 30, freeBytes: 45 * 2 ** 30 };
const history = (profile: 'kube-prometheus' | 'kubernetes-sd') =>
  buildHistory({ scenario: lab.scenario, nodes: lab.nodes, clock: lab.clock, profile, addresses: labAddresses(10), root, exporterView: (node: LabNode) => node, stepMs: 60_000, spanMs: 7 * 3_600_000 });

describe('the backfilled history', () => {
  it('covers seven hours at one-minute steps, ending before the lab starts', () => {
    const { stepTimes } = history('kube-prometheus');
    expect(stepTimes).toHaveLength(7 * 60);
    expect(stepTimes.at(-1)).toBeLessThan(lab.clock.startedAt);
    expect(stepTimes[0]).toBe(lab.clock.startedAt - 7 * 3_600_000);
  });

  it('keeps one series per stored label set; a target that changed address (wrong-port) has one per instance', () => {
    const { book } = history('kube-prometheus');
    const series = book.sorted();
    expect(new Set(series.map((entry) => entry.name + entry.labels)).size).toBe(series.length);
    // node-exporter is a pod endpoint: its instance is the address it is scraped at, on whatever port.
    const wrongPort = `pod="kube-prometheus-stack-prometheus-node-exporter-${'lab-wrongport'.replace(/[^a-z0-9]/g, '').slice(-5)}"`;
    const up = series.filter((entry) => entry.name === 'up' && entry.labels.includes(wrongPort));
    expect(up.map((entry) => /instance="[^"]+:(\d+)"/.exec(entry.labels)?.[1]).sort()).toEqual(['10250', '9100']);
    const onPort = (port: string) => [...up.find((entry) => entry.labels.includes(`:${port}"`))!.values].filter((value) => !Number.isNaN(value));
    expect(onPort('9100').every((value) => value === 1)).toBe(true);
    expect(onPort('10250').every((value) => value === 0)).toBe(true);
  });

  it("drops what the chart's cAdvisor rules drop: no cgroup series without a pod, in kube-prometheus only", () => {
    const withoutPod = (profile: 'kube-prometheus' | 'kubernetes-sd') =>
      history(profile).book.sorted().filter((entry) => entry.name === 'container_cpu_usage_seconds_total' && entry.labels.includes('id="') && !entry.labels.includes('pod="'));
    expect(withoutPod('kube-prometheus')).toEqual([]);
    expect(withoutPod('kubernetes-sd').some((entry) => entry.labels.includes('id="/system.slice/containerd.service"'))).toBe(true);
  });

  it('writes OpenMetrics that promtool accepts: each name together, timestamps in seconds, # EOF last', async () => {
    const { book, stepTimes } = history('kubernetes-sd');
    const file = join(mkdtempSync(join(tmpdir(), 'gapscope-history-')), 'h.om');
    const samples = await writeOpenMetrics(file, book, stepTimes);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.at(-1)).toBe('# EOF');
    expect(lines.length - 1).toBe(samples);
    const names = lines.slice(0, -1).map((line) => line.slice(0, line.search(/[{ ]/)));
    const runs = names.filter((name, index) => index === 0 || names[index - 1] !== name);
    expect(new Set(runs).size).toBe(runs.length);
    expect(lines[0]).toMatch(/ \d{10}\.\d{3}$/);
  });

  it("reports a root-sized PV mount's free bytes as the root disk's, as statfs on a directory of it does", () => {
    // kubernetes-sd: node_exporter runs without the chart's extraArgs, so it lists PV mounts.
    const series = history('kubernetes-sd').book.sorted();
    const host = labAddresses(10).node(lab.node('lab-rootsized').index);
    const at = (name: string, mountpoint: RegExp) => series.filter((entry) => entry.name === name && entry.labels.includes(`instance="${host}:`) && mountpoint.test(entry.labels));
    const [rootFree] = at('node_filesystem_free_bytes', /mountpoint="\/"/);
    const pvFree = at('node_filesystem_free_bytes', /mountpoint="\/var\/lib\/kubelet\/pods\//);
    expect(pvFree.length).toBeGreaterThan(0);
    // After the switch to containerd (the last step), every PV mount reports the root's free bytes.
    for (const entry of pvFree) expect([...entry.values].at(-1)).toBe(root.freeBytes);
    expect([...rootFree!.values].at(-1)).toBe(root.freeBytes);
  });

  it("lists no PV mount where node_exporter runs with kube-prometheus-stack's extraArgs, and every root", () => {
    const series = history('kube-prometheus').book.sorted().filter((entry) => entry.name === 'node_filesystem_size_bytes');
    expect(series.filter((entry) => entry.labels.includes('mountpoint="/var/lib/kubelet/'))).toEqual([]);
    expect(series.filter((entry) => entry.labels.includes('mountpoint="/"')).length).toBeGreaterThan(0);
  });
});
