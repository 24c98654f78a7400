import { describe, expect, it } from 'vitest';
import { quoteLabelValue, regexLiteral, selectorOf } from './promql';

describe('PromQL helpers', () => {
  it('quotes label values with backslashes, quotes and newlines escaped', () => {
    expect(quoteLabelValue('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('builds selectors from labels and extra matchers', () => {
    expect(selectorOf({ job: 'serviceMonitor/monitoring/kubelet/1', instance: '10.0.0.1:10250' }, ['image=""'])).toBe('{job="serviceMonitor/monitoring/kubelet/1",instance="10.0.0.1:10250",image=""}');
  });

  it('escapes regex metacharacters in literals', () => {
    expect(regexLiteral('serviceMonitor/monitoring/kubelet/0')).toBe('serviceMonitor/monitoring/kubelet/0');
    expect(regexLiteral('a.b|c(d)')).toBe('a\\.b\\|c\\(d\\)');
    expect(new RegExp(`^${regexLiteral('x.y+z')}$`).test('x.y+z')).toBe(true);
  });
});
