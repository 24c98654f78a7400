import { describe, expect, it } from 'vitest';
import { BATCH_PART_LABEL, batchQuery, matchersOf, quoteLabelValue, regexLiteral, splitBatch } from './promql';

describe('PromQL helpers', () => {
  it('quotes label values with backslashes, quotes and newlines escaped', () => {
    expect(quoteLabelValue('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('writes equality matchers for labels', () => {
    expect(matchersOf({ job: 'serviceMonitor/monitoring/kubelet/1', instance: '10.0.0.1:10250' })).toEqual(['job="serviceMonitor/monitoring/kubelet/1"', 'instance="10.0.0.1:10250"']);
  });

  it('escapes regex metacharacters in literals', () => {
    expect(regexLiteral('serviceMonitor/monitoring/kubelet/0')).toBe('serviceMonitor/monitoring/kubelet/0');
    expect(regexLiteral('a.b|c(d)')).toBe('a\\.b\\|c\\(d\\)');
    expect(new RegExp(`^${regexLiteral('x.y+z')}$`).test('x.y+z')).toBe(true);
  });

  it('batches queries with a tag per part, so `or` keeps series that differ only by name', () => {
    expect(batchQuery({ size: 'node_filesystem_size_bytes{mountpoint="/"}', free: 'a or b' })).toBe(
      'label_replace(node_filesystem_size_bytes{mountpoint="/"}, "gapscope_part", "size", "", "") or label_replace(a or b, "gapscope_part", "free", "", "")',
    );
    expect(() => batchQuery({})).toThrow(RangeError);
  });

  it('splits a batch back by part, without the tag, ignoring samples of no known part', () => {
    const sample = (part: string | undefined, instance: string) => ({ labels: { instance, ...(part === undefined ? {} : { [BATCH_PART_LABEL]: part }) }, value: 1 });
    const split = splitBatch(['size', 'free', 'none'] as const, [sample('size', 'a'), sample('free', 'a'), sample('size', 'b'), sample(undefined, 'c'), sample('other', 'd'), sample('__proto__', 'e')]);
    expect(split.size.map((s) => s.labels)).toEqual([{ instance: 'a' }, { instance: 'b' }]);
    expect(split.free.map((s) => s.labels)).toEqual([{ instance: 'a' }]);
    expect(split.none).toEqual([]);
  });
});
