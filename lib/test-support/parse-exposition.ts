import { ExpositionScanner, type ExpositionSample, type FamilyMeta, type ParseIssue, type ScanOptions, type ScanSummary } from '@/lib/exposition/scanner';

/**
 * The scanner as a full parser: every (wanted) sample as an object, grouped by family. Test support and the
 * benchmark's "full parser" figure: product code streams through the scanner and keeps only what it needs.
 */

export interface ParsedFamily extends FamilyMeta {
  samples: ExpositionSample[];
}

/** The full parser: every (wanted) sample as an object, grouped by family, plus the issues found. */
export function parseExposition(input: string | Uint8Array, options: Omit<ScanOptions, 'onSample' | 'onIssue'> = {}): { families: ParsedFamily[]; issues: ParseIssue[]; summary: ScanSummary } {
  const byFamily = new Map<string, ExpositionSample[]>();
  const issues: ParseIssue[] = [];
  const scanner = new ExpositionScanner({
    ...options,
    onSample: (sample) => {
      let samples = byFamily.get(sample.family);
      if (!samples) {
        samples = [];
        byFamily.set(sample.family, samples);
      }
      samples.push(sample);
    },
    onIssue: (issue) => issues.push(issue),
  });
  scanner.push(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  const summary = scanner.end();
  const families = [...byFamily].map(([name, samples]) => ({ ...(summary.families.get(name) ?? { name, type: 'untyped' as const, help: '', unit: '' }), samples }));
  return { families, issues, summary };
}
