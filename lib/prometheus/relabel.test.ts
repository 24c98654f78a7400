import { describe, expect, it } from 'vitest';
import { compileRules, describeRule, expand, relabel, type RelabelConfig } from './relabel';

/** kube-prometheus-stack 88.5.3's default cAdvisorMetricRelabelings, as the operator writes them into the config. */
const CHART_CADVISOR: RelabelConfig[] = [
  { source_labels: ['__name__'], action: 'drop', regex: 'container_cpu_(cfs_throttled_seconds_total|load_average_10s|system_seconds_total|user_seconds_total)' },
  { source_labels: ['__name__'], action: 'drop', regex: 'container_spec.*' },
  { source_labels: ['id', 'pod'], separator: ';', regex: '.+;', replacement: '$1', action: 'drop' },
];

describe('relabel (Prometheus semantics)', () => {
  const rules = compileRules(CHART_CADVISOR);

  it.each([
    ['a labelled container series is kept', { __name__: 'container_cpu_usage_seconds_total', id: '/kubepods/podx/abc', pod: 'checkout' }, 'kept', undefined],
    ['a cgroup series with an empty pod is dropped by the [id, pod] rule', { __name__: 'container_cpu_usage_seconds_total', id: '/kubepods/podx/abc', pod: '' }, 'dropped', 3],
    ['an absent pod counts as empty', { __name__: 'container_memory_rss', id: '/system.slice/containerd.service' }, 'dropped', 3],
    ['the machine-wide series without id is kept', { __name__: 'machine_cpu_cores' }, 'kept', undefined],
    ['a dropped name stops at the first rule that matches', { __name__: 'container_spec_memory_limit_bytes', id: '/', pod: '' }, 'dropped', 2],
    ['the regex is anchored: a longer name is not matched', { __name__: 'container_cpu_user_seconds_total_x', id: '', pod: '' }, 'kept', undefined],
  ] as const)('%s', (_, labels, outcome, position) => {
    const result = relabel(labels, rules);
    expect(result.outcome).toBe(outcome);
    if (result.outcome === 'dropped') expect(result.rule.position).toBe(position);
  });

  it('keep drops what does not match; keepequal and dropequal compare with the target label', () => {
    expect(relabel({ job: 'a' }, compileRules([{ source_labels: ['job'], regex: 'b', action: 'keep' }])).outcome).toBe('dropped');
    expect(relabel({ a: 'x', b: 'x' }, compileRules([{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }])).outcome).toBe('kept');
    expect(relabel({ a: 'x', b: 'y' }, compileRules([{ source_labels: ['a'], target_label: 'b', action: 'KeepEqual' }])).outcome).toBe('dropped');
    expect(relabel({ a: 'x', b: 'x' }, compileRules([{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }])).outcome).toBe('dropped');
  });

  it('replace sets, expands groups and deletes a label replaced by ""', () => {
    const result = relabel(
      { __metrics_path__: '/metrics/cadvisor', instance: '10.0.0.5:10250', stale: 'x' },
      compileRules([
        { source_labels: ['__metrics_path__'], target_label: 'metrics_path' },
        { source_labels: ['instance'], regex: '(?P<host>[^:]+):(\\d+)', target_label: 'host', replacement: '${host}-$2' },
        { source_labels: ['missing'], target_label: 'stale', replacement: '' },
      ]),
    );
    expect(result).toMatchObject({ outcome: 'kept', labels: { metrics_path: '/metrics/cadvisor', host: '10.0.0.5-10250' } });
    expect(result.labels.stale).toBeUndefined();
  });

  it('labelmap, labeldrop, labelkeep, lowercase and hashmod', () => {
    const mapped = relabel({ __meta_kubernetes_node_label_kubernetes_io_hostname: 'n1', job: 'j' }, compileRules([{ action: 'labelmap', regex: '__meta_kubernetes_node_label_(.+)' }]));
    expect(mapped.labels.kubernetes_io_hostname).toBe('n1');
    expect(relabel({ a: '1', b: '2' }, compileRules([{ action: 'labeldrop', regex: 'a' }])).labels).toEqual({ b: '2' });
    expect(relabel({ a: '1', b: '2' }, compileRules([{ action: 'labelkeep', regex: 'a' }])).labels).toEqual({ a: '1' });
    expect(relabel({ a: 'MiXed' }, compileRules([{ action: 'lowercase', source_labels: ['a'], target_label: 'b' }])).labels.b).toBe('mixed');
    // Prometheus' own cases (model/relabel/relabel_test.go): "baz" -> 976, "foo\nbar" -> 734, modulo 1000.
    const hashmod = compileRules([{ action: 'hashmod', source_labels: ['a'], target_label: 'h', modulus: 1000 }]);
    expect(relabel({ a: 'baz' }, hashmod).labels.h).toBe('976');
    expect(relabel({ a: 'foo\nbar' }, hashmod).labels.h).toBe('734');
  });

  it("a leading (?i) becomes JavaScript's flag; an RE2-only construct is unsupported, not guessed", () => {
    expect(relabel({ a: 'KUBELET' }, compileRules([{ source_labels: ['a'], regex: '(?i)kubelet', action: 'drop' }])).outcome).toBe('dropped');
    expect(relabel({ a: 'abc' }, compileRules([{ source_labels: ['a'], regex: '[[:alpha:]]+', action: 'drop' }])).outcome).toBe('dropped');
    expect(relabel({ a: 'a:' }, compileRules([{ source_labels: ['a'], regex: '[[:alpha:]]+', action: 'drop' }])).outcome).toBe('kept');
    expect(relabel({ a: 'x' }, compileRules([{ source_labels: ['a'], regex: '[[:nope:]]', action: 'drop' }])).outcome).toBe('unsupported');
    expect(relabel({ a: 'x' }, compileRules([{ source_labels: ['a'], regex: '\\pL+', action: 'drop' }])).outcome).toBe('unsupported');
  });

  it("expands like Go's regexp.Expand", () => {
    const match = /^(?<name>a)(b)$/.exec('ab')!;
    expect(expand('$1-${2}-$name-$$-$1x-${9}', match)).toBe('a-b-a-$--');
  });

  it('describes a rule as it is found in the YAML', () => {
    expect(describeRule(rules[2]!)).toBe("#3 drop [id, pod] regex '.+;'");
  });
});
