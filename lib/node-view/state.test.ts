import { describe, expect, it } from 'vitest';
import { findingAnchor, findingId, frozenSearch, nodeViewSearch, readNodeView } from './state';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

describe('the node view state', () => {
  it('defaults to the last 6 hours, relative', () => {
    expect(readNodeView({}, NOW)).toEqual({ range: { from: 'now-6h', to: 'now', startMs: NOW - 6 * 3_600_000, endMs: NOW }, finding: undefined });
  });

  it.each([
    [{ from: 'now-1h', to: 'now', finding: 'fs-device-error:/root/data' }, { from: 'now-1h', to: 'now', startMs: NOW - 3_600_000, endMs: NOW }, 'fs-device-error:/root/data'],
    [{ from: String(NOW - 60_000), to: String(NOW) }, { from: String(NOW - 60_000), to: String(NOW), startMs: NOW - 60_000, endMs: NOW }, undefined],
    [{ from: ['now-2h', 'now-3h'] }, { from: 'now-2h', to: 'now', startMs: NOW - 7_200_000, endMs: NOW }, undefined],
  ])('reads %j', (search, range, finding) => {
    expect(readNodeView(search, NOW)).toEqual({ range, finding });
  });

  it.each([
    [{ from: 'yesterday' }, /^from "yesterday": expected now, now-<n><s\|m\|h\|d\|w>.*; showing the last 6 hours instead$/],
    [{ from: 'now', to: 'now-1h' }, /^from \(now\) must be before to \(now-1h\).*; showing the last 6 hours instead$/],
  ])('says what is wrong with %j and falls back to the default range', (search, message) => {
    const view = readNodeView(search, NOW);
    expect(view.rangeError).toMatch(message);
    expect(view.range.from).toBe('now-6h');
  });

  it('writes links that keep the range relative, and freezes it on demand', () => {
    const view = readNodeView({ from: 'now-1h', finding: 'target-down:kubelet /metrics' }, NOW);
    expect(nodeViewSearch(view)).toBe('?from=now-1h&to=now&finding=target-down%3Akubelet+%2Fmetrics');
    expect(nodeViewSearch(view, { from: 'now-24h', finding: null })).toBe('?from=now-24h&to=now');
    expect(frozenSearch(view)).toBe(`?from=${NOW - 3_600_000}&to=${NOW}&finding=target-down%3Akubelet+%2Fmetrics`);
    expect(frozenSearch(readNodeView({ from: String(NOW - 60_000), to: String(NOW) }, NOW))).toBeNull();
  });

  it('gives findings a link id and an HTML id', () => {
    const finding = { kind: 'fs-root-sized' as const, subject: 'analytics/warehouse (pvc-1234)' };
    expect(findingId(finding)).toBe('fs-root-sized:analytics/warehouse (pvc-1234)');
    expect(findingAnchor(finding)).toBe('finding-fs-root-sized-analytics-warehouse-pvc-1234');
  });
});
