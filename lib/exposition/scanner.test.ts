import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REAL_FIXTURES, realFixture } from '@/lab/test-support/fixtures';
import { parseExposition } from '@/lib/test-support/parse-exposition';
import { ExpositionScanner, parseSampleValue, type ExpositionSample, type ParseIssue, type ScanOptions } from './scanner';

/** Every text exposition payload among the real fixtures (JSON, Markdown and mount tables are not). */
function textFixtures(dir = REAL_FIXTURES): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return textFixtures(path);
    return /\.(json|md)$|mount/.test(entry) ? [] : [relative(REAL_FIXTURES, path)];
  });
}

const sampleLines = (text: string) => text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#')).length;

function scanInChunks(text: string, sizes: number[], options: Partial<ScanOptions> = {}) {
  const samples: ExpositionSample[] = [];
  const issues: ParseIssue[] = [];
  const scanner = new ExpositionScanner({ ...options, onSample: (sample) => samples.push(sample), onIssue: (issue) => issues.push(issue) });
  const bytes = Buffer.from(text);
  let offset = 0;
  for (let index = 0; offset < bytes.length; index++) {
    const size = sizes[index % sizes.length]!;
    scanner.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return { samples, issues, summary: scanner.end() };
}

describe('every real payload in shared/fixtures/real', () => {
  const fixtures = textFixtures();

  it('includes the kubelet, cAdvisor, kube-state-metrics, node_exporter and Prometheus captures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(14);
  });

  it.each(fixtures)('%s parses with no issue and one sample per sample line', (file) => {
    const text = realFixture(file);
    const { summary, issues } = parseExposition(text);
    expect(issues).toEqual([]);
    expect(summary.samples).toBe(sampleLines(text));
  });

  it.each(fixtures)('%s gives the same samples whatever the chunk boundaries', (file) => {
    const text = realFixture(file);
    const whole = parseExposition(text).families.flatMap((family) => family.samples);
    expect(scanInChunks(text, [1, 7, 4096, 13, 65536, 2]).samples).toEqual(whole);
  });
});

describe('the 1.15 cAdvisor capture', () => {
  it('is read with its legacy pod_name and container_name labels', () => {
    const { families } = parseExposition(realFixture('nri-kubernetes/k8s-1.15_kubelet_metrics_cadvisor.txt'), { families: ['container_cpu_usage_seconds_total'] });
    const named = families[0]!.samples.filter((sample) => sample.labels.pod_name);
    expect(named.length).toBeGreaterThan(10);
    expect(named[0]!.labels).toHaveProperty('container_name');
    expect(named[0]!.labels).not.toHaveProperty('pod');
  });
});

describe('family filter', () => {
  it('decodes only the asked families and skips the rest unread', () => {
    const text = realFixture('nri-kubernetes/k8s-1.35_kubelet_metrics_cadvisor.txt');
    const wanted = ['container_last_seen', 'machine_memory_bytes'];
    const filtered = parseExposition(text, { families: wanted });
    const all = parseExposition(text).families.filter((family) => wanted.includes(family.name));
    expect(filtered.families).toEqual(all);
    expect(filtered.summary.skippedLines).toBe(sampleLines(text) - filtered.summary.samples);
  });

  it('keeps a histogram family together: _bucket, _sum and _count belong to it', () => {
    const { families } = parseExposition(realFixture('nri-kubernetes/k8s-1.35_apiserver_metrics.txt'), { families: ['apiserver_request_duration_seconds'] });
    const names = new Set(families[0]!.samples.map((sample) => sample.name));
    expect([...names].sort()).toEqual(['apiserver_request_duration_seconds_bucket', 'apiserver_request_duration_seconds_count', 'apiserver_request_duration_seconds_sum']);
    expect(families[0]!.type).toBe('histogram');
  });
});

describe('the format', () => {
  it('reads escapes in label values, HELP escapes, special values and timestamps', () => {
    const text = [
      '# HELP x A \\\\ help\\nline',
      '# TYPE x gauge',
      'x{a="q\\"uote",b="back\\\\slash",c="new\\nline",d=""} NaN 1700000000123',
      'x{a="1",} +Inf',
      'x -Inf',
      '  x{ a = "spaced" } 1e+06',
    ].join('\n');
    const { families, issues } = parseExposition(text);
    expect(issues).toEqual([]);
    const [x] = families;
    expect(x!.help).toBe('A \\ help\nline');
    expect(x!.samples[0]!.labels).toEqual({ a: 'q"uote', b: 'back\\slash', c: 'new\nline', d: '' });
    expect(x!.samples[0]!.value).toBeNaN();
    expect(x!.samples[0]!.timestampMs).toBe(1700000000123);
    expect(x!.samples.slice(1).map((sample) => sample.value)).toEqual([Infinity, -Infinity, 1e6]);
    expect(x!.samples[3]!.labels).toEqual({ a: 'spaced' });
  });

  it('reads OpenMetrics: _total and _created in the counter family, seconds timestamps, exemplars, # EOF', () => {
    const text = [
      '# TYPE requests counter',
      '# UNIT requests requests',
      'requests_total{code="200"} 10 1700000000.5 # {trace_id="abc"} 1 1700000000.1',
      'requests_created{code="200"} 1699990000',
      '# EOF',
    ].join('\n');
    const { families, issues, summary } = parseExposition(text, { format: 'openmetrics' });
    expect(issues).toEqual([]);
    expect(summary.sawEof).toBe(true);
    expect(families).toHaveLength(1);
    expect(families[0]!.unit).toBe('requests');
    expect(families[0]!.samples.map((sample) => [sample.name, sample.timestampMs])).toEqual([['requests_total', 1700000000500], ['requests_created', null]]);
  });

  it('says when an OpenMetrics body lacks its final # EOF (truncated)', () => {
    const { issues } = parseExposition('# TYPE a gauge\na 1\n', { format: 'openmetrics' });
    expect(issues.map((issue) => issue.message)).toEqual(['missing the final "# EOF": the body may be truncated']);
  });
});

describe('malformed input', () => {
  it.each([
    ['an unterminated label value', 'x{a="b} 1', /unterminated value of label a/],
    ['a missing value', 'x{a="b"}', /no value for x/],
    ['a bad value', 'x 1.2.3', /"1\.2\.3" is not a sample value/],
    ['a bad timestamp', 'x 1 soon', /"soon" is not a timestamp/],
    ['text after the timestamp', 'x 1 2 3', /unexpected text after the timestamp/],
    ['a bad escape', 'x{a="\\q"} 1', /invalid escape in label a/],
    ['a missing quote', 'x{a=b} 1', /expected ="..." after label a/],
    ['a missing comma', 'x{a="1" b="2"} 1', /expected "," or "}" after label a/],
    ['a bad metric name', '9x 1', /expected a metric name/],
    ['an unknown type', '# TYPE x flux', /unknown metric type "flux"/],
  ])('reports %s with its line number and goes on', (_, bad, message) => {
    const { families, issues } = parseExposition(`ok 1\n${bad}\nalso_ok 2\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.line).toBe(2);
    expect(issues[0]!.message).toMatch(message);
    expect(families.map((family) => family.name)).toEqual(expect.arrayContaining(['ok', 'also_ok']));
  });

  it('drops an overlong line, even one split across chunks, and keeps reading', () => {
    const long = `x{a="${'y'.repeat(5000)}"} 1`;
    const { samples, issues } = scanInChunks(`before 1\n${long}\nafter 2\n`, [100], { maxLineBytes: 1024 });
    expect(samples.map((sample) => sample.name)).toEqual(['before', 'after']);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/longer than 1024 bytes/);
  });

  it('caps the issues it reports but counts them all', () => {
    const { issues, summary } = parseExposition('bad line\n'.repeat(500));
    expect(issues).toHaveLength(100);
    expect(summary.issues).toBe(500);
  });
});

describe('parseSampleValue', () => {
  it.each([['1', 1], ['-0.5', -0.5], ['1e-3', 0.001], ['+Inf', Infinity], ['.5', 0.5]])('%s', (text, value) => expect(parseSampleValue(text)).toBe(value));
  it.each(['', '1x', '0x10', 'infinity'])('rejects "%s"', (text) => expect(parseSampleValue(text)).toBeNull());
});

describe('properties', () => {
  it('never throws on arbitrary bytes, however chunked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), (bytes, sizes) => {
        const scanner = new ExpositionScanner({ onSample: () => {}, format: 'openmetrics' });
        let offset = 0;
        for (let index = 0; offset < bytes.length; index++) {
          scanner.push(bytes.subarray(offset, offset + sizes[index % sizes.length]!));
          offset += sizes[index % sizes.length]!;
        }
        const summary = scanner.end();
        expect(summary.bytes).toBe(bytes.length);
      }),
      { numRuns: 500 },
    );
  });

  const labelValue = fc.string({ maxLength: 12 });
  const sampleArb = fc.record({
    name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/),
    labels: fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), labelValue, { maxKeys: 4 }),
    value: fc.oneof(fc.double({ noNaN: true }), fc.integer()),
  });
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

  it('agrees with itself on reformatted input: label order, spacing and trailing commas', () => {
    fc.assert(
      fc.property(fc.array(sampleArb, { minLength: 1, maxLength: 20 }), fc.boolean(), (samples, variant) => {
        const render = (reformat: boolean) =>
          samples
            .map(({ name, labels, value }) => {
              const pairs = Object.entries(labels).map(([label, text]) => `${label}${reformat ? ' = ' : '='}"${escape(text)}"`);
              if (reformat) pairs.reverse();
              const block = pairs.length ? `{${pairs.join(reformat ? ' , ' : ',')}${reformat && variant ? ',' : ''}}` : '';
              return `${reformat ? '  ' : ''}${name}${block}${reformat ? '\t ' : ' '}${String(value).replace('Infinity', 'Inf')}`;
            })
            .join(reformat ? '\r\n' : '\n');
        const plain = parseExposition(render(false));
        const reformatted = parseExposition(render(true));
        expect(plain.issues).toEqual([]);
        expect(reformatted.families).toEqual(plain.families);
        expect(plain.summary.samples).toBe(samples.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('label sets from line to line', () => {
  it('follows names that change, grow and shrink between lines, and keeps each line its own object', () => {
    const text = ['a{x="1",y="2"} 1', 'a{x="3",y="4"} 2', 'a{x="5"} 3', 'a{y="6",x="7",z="8"} 4', 'a 5', 'a{x="9",y="10"} 6'].join('\n');
    const { families } = parseExposition(text);
    const labels = families[0]!.samples.map((sample) => sample.labels);
    expect(labels).toEqual([{ x: '1', y: '2' }, { x: '3', y: '4' }, { x: '5' }, { y: '6', x: '7', z: '8' }, {}, { x: '9', y: '10' }]);
    expect(labels[0]).not.toBe(labels[1]);
    expect(Object.keys(labels[3]!)).toEqual(['y', 'x', 'z']);
  });

  it('keeps a label named __proto__ as an own label, and lets a repeated name take its last value', () => {
    const { families } = parseExposition('a{__proto__="p",b="1"} 1\na{b="1",b="2"} 2\n');
    const [first, second] = families[0]!.samples;
    expect(Object.getOwnPropertyDescriptor(first!.labels, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(first!.labels)).toBe(Object.prototype);
    expect(second!.labels).toEqual({ b: '2' });
  });

  it('reports an unterminated value on its own line when later lines have quotes, and reads those lines', () => {
    const { families, issues } = parseExposition('a{x="1} 1\na{x="2"} 2\nb{y="a\\"b"} 3\n');
    expect(issues.map((issue) => [issue.line, issue.message])).toEqual([[1, 'unterminated value of label x']]);
    expect(families.flatMap((family) => family.samples.map((sample) => sample.labels))).toEqual([{ x: '2' }, { y: 'a"b' }]);
  });

  it('reads escapes that appear only on some lines of a chunk', () => {
    const { families, issues } = parseExposition('a{x="plain"} 1\na{x="new\\nline \\\\ \\"q\\""} 2\na{x="plain again"} 3\n');
    expect(issues).toEqual([]);
    expect(families[0]!.samples.map((sample) => sample.labels.x)).toEqual(['plain', 'new\nline \\ "q"', 'plain again']);
  });

  it('reads integers, decimals and timestamps of any length in place or not', () => {
    const { families } = parseExposition('a 007 1700000000000\na 123456789012345678 -5\na 1.5e3 12345678901234567\na 0x10\n');
    expect(families[0]!.samples.map((sample) => [sample.value, sample.timestampMs])).toEqual([
      [7, 1700000000000],
      [123456789012345678, -5],
      [1500, 12345678901234567],
    ]);
  });
});

describe('Unicode', () => {
  it('reads back any label value, whatever the chunks, in ASCII-only and mixed chunks alike', () => {
    const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ maxLength: 20 })), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }),
        (pairs, sizes) => {
          const text = pairs.map(([unicode, ascii], index) => `m{u="${escape(unicode)}",a="${escape(ascii)}"} ${index}\n`).join('');
          const { samples, issues } = scanInChunks(text, sizes);
          expect(issues).toEqual([]);
          expect(samples.map((sample) => [sample.labels.u, sample.labels.a])).toEqual(pairs);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('many different label sets', () => {
  it('reads thousands of distinct label-name sequences correctly', () => {
    const text = Array.from({ length: 3000 }, (_, index) => `m{l${index}="${index}",common="c"} ${index}`).join('\n');
    const samples = parseExposition(text).families[0]!.samples;
    expect(samples).toHaveLength(3000);
    expect(samples[2999]!.labels).toEqual({ l2999: '2999', common: 'c' });
    expect(samples[5]!.labels).toEqual({ l5: '5', common: 'c' });
  });
});
