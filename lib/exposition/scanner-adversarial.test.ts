import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compiledLabelFactories, ExpositionScanner, MAX_FACTORIES, parseSampleValue, type ExpositionSample } from './scanner';

/**
 * Shapes a hostile or broken exporter can send. Each property bounds the work done (bytes copied, code
 * compiled) or uses inputs that the old quadratic code could not finish, rather than timing anything.
 */

function scan(chunks: Uint8Array[], options: { maxLineBytes?: number } = {}) {
  const samples: ExpositionSample[] = [];
  const scanner = new ExpositionScanner({ ...options, onSample: (sample) => void samples.push(sample) });
  for (const chunk of chunks) scanner.push(chunk);
  return { samples, summary: scanner.end() };
}

function chunked(text: string, size: number): Uint8Array[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return chunks;
}

/** The value pattern before it was made unambiguous: the oracle on inputs short enough for it. */
const OLD_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

describe('sample values', () => {
  it('rejects a long run of digits followed by a bad character in linear time (the old pattern backtracked quadratically)', () => {
    // 200k digits: about 2e10 backtracking steps for the old pattern, a few hundred thousand for this one.
    expect(parseSampleValue(`${'1'.repeat(200_000)}x`)).toBeNull();
    expect(parseSampleValue(`${'9'.repeat(200_000)}.${'9'.repeat(200_000)}e`)).toBeNull();
    expect(parseSampleValue('0x1f')).toBeNull();
    const { samples, summary } = scan([Buffer.from(`a ${'7'.repeat(100_000)}!\nb 1\n`)]);
    expect(samples.map((sample) => sample.name)).toEqual(['b']);
    expect(summary.issues).toBe(1);
  });

  it('accepts and rejects exactly what the old pattern did', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.eE+-x '), maxLength: 24 }), (text) => {
        // Number() reads "0x1"; Go's ParseFloat does not, so only the pattern decides those.
        const radix = /^0[xX]/.test(text);
        const expected = Number.isFinite(Number(text)) && text !== '' && !radix ? Number(text) : OLD_PATTERN.test(text) ? Number(text) : null;
        expect(parseSampleValue(text)).toBe(expected);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('label sets', () => {
  it('compiles a bounded number of label builders for the whole process, however many bodies vary their label names', () => {
    for (let body = 0; body < 3; body++) {
      const lines = Array.from({ length: 1_500 }, (_, index) => `m{l${body}_${index}="v",common="c"} ${index}`).join('\n');
      const { samples } = scan([Buffer.from(`${lines}\n`)]);
      expect(samples).toHaveLength(1_500);
      expect(samples[42]!.labels).toEqual({ [`l${body}_42`]: 'v', common: 'c' });
      expect(compiledLabelFactories()).toBeLessThanOrEqual(MAX_FACTORIES);
    }
    expect(compiledLabelFactories()).toBe(MAX_FACTORIES);
  });
});

describe('chunking', () => {
  it('copies a 256 KiB line arriving one byte at a time about twice, not once per chunk', () => {
    const line = `big{v="${'x'.repeat(256 * 1024)}"} 1\n`;
    const { samples, summary } = scan(chunked(line, 1));
    expect(samples).toHaveLength(1);
    expect(samples[0]!.labels.v).toHaveLength(256 * 1024);
    expect(summary.carriedBytes).toBeLessThanOrEqual(2 * line.length);
  });

  it('copies any chunking of any body at most twice over, and parses it as the whole body', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b_total', 'c'), fc.string({ unit: fc.constantFrom(...'xyz019 '), maxLength: 60 }), fc.integer({ min: 0, max: 1e6 })), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 64 }),
        (rows, size) => {
          const text = `${rows.map(([name, value, number]) => `${name}{k="${value}"} ${number}`).join('\n')}\n`;
          const whole = scan([Buffer.from(text)]);
          const pieces = scan(chunked(text, size));
          expect(pieces.samples).toEqual(whole.samples);
          expect(pieces.summary.carriedBytes).toBeLessThanOrEqual(2 * Buffer.byteLength(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drops a 10 MB line in 64 KiB chunks with one issue, copying at most about the line limit', () => {
    const chunks = chunked(`huge{v="${'y'.repeat(10 * 1024 * 1024)}"} 1\nafter 2\n`, 64 * 1024);
    const { samples, summary } = scan(chunks);
    expect(samples.map((sample) => sample.name)).toEqual(['after']);
    expect(summary.issues).toBe(1);
    expect(summary.carriedBytes).toBeLessThanOrEqual(2 * (1 << 20));
  });
});
