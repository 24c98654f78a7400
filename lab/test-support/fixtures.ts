import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The real payloads in shared/fixtures/real beside the repository (see their PROVENANCE.md), or where
 * GAPSCOPE_REAL_FIXTURES points. Missing fixtures fail the tests that need them; they are never skipped.
 */
export const REAL_FIXTURES = process.env.GAPSCOPE_REAL_FIXTURES ?? resolve(__dirname, '..', '..', '..', 'shared', 'fixtures', 'real');

export function realFixture(path: string): string {
  const file = join(REAL_FIXTURES, path);
  if (!existsSync(file)) throw new Error(`real fixture ${file} is missing: put shared/ beside the repository or set GAPSCOPE_REAL_FIXTURES`);
  return readFileSync(file, 'utf8');
}

export interface FamilyShape {
  help: string;
  type: string;
  labelNames: Set<string>;
}

/**
 * HELP, TYPE and the label names seen per family in a text payload. A deliberately small reader for
 * comparing shapes in tests; gapscope's streaming parser is a separate, production piece.
 */
export function familyShapes(text: string): Map<string, FamilyShape> {
  const shapes = new Map<string, FamilyShape>();
  const shape = (name: string) => {
    let found = shapes.get(name);
    if (!found) {
      found = { help: '', type: '', labelNames: new Set() };
      shapes.set(name, found);
    }
    return found;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') shape(meta[2]!).help = meta[3]!;
      else shape(meta[2]!).type = meta[3]!;
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? /.exec(line);
    if (!sample) continue;
    const family = sample[1]!.replace(/_(bucket|sum|count)$/, (suffix) => (shapes.has(sample[1]!.slice(0, -suffix.length)) ? '' : suffix));
    for (const match of (sample[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) shape(family).labelNames.add(match[1]!);
  }
  return shapes;
}
