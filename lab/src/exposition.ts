/**
 * Writes the Prometheus text exposition format (version 0.0.4) the way the Go client library does, so that
 * simulated endpoints are byte-compatible with the real kubelet and kube-state-metrics.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */

export type Labels = ReadonlyArray<readonly [string, string]>;
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/**
 * Go's strconv.FormatFloat(v, 'g', -1, 64), which is what client_golang prints: the shortest digits that
 * round-trip, in exponent form when the decimal exponent is below -4 or at least 6 (Go's precision rule
 * for the shortest form comes down to that), e.g. 2.687844352e+09, 479232, 1e+06, 1.2e-05.
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const exponent = Number(exponentText);
  const decimalPoint = exponent + 1;
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (decimalPoint <= 0) return `${sign}0.${'0'.repeat(-decimalPoint)}${digits}`;
  if (decimalPoint >= digits.length) return `${sign}${digits}${'0'.repeat(decimalPoint - digits.length)}`;
  return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
}

export function formatLabels(labels: Labels): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

export interface Sample {
  /** The sample's own name where it differs from the family's (histogram _bucket, _sum, _count). */
  name: string;
  labels: Labels;
  value: number;
  timestampMs?: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

/** Builds families in order; each family's samples stay together, as the format requires. */
export class ExpositionWriter {
  private readonly built: Family[] = [];

  family(name: string, type: MetricType, help: string): this {
    this.built.push({ name, type, help, samples: [] });
    return this;
  }

  sample(name: string, labels: Labels, value: number, timestampMs?: number): this {
    const current = this.built.at(-1);
    if (!current) throw new Error(`sample ${name} written before any family`);
    current.samples.push({ name, labels, value, timestampMs });
    return this;
  }

  families(): Family[] {
    return this.built;
  }

  toString(): string {
    return writeText(this.built);
  }
}

export function writeText(families: readonly Family[]): string {
  const chunks: string[] = [];
  for (const family of families) {
    chunks.push(`# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`);
    for (const sample of family.samples) {
      const timestamp = sample.timestampMs === undefined ? '' : ` ${Math.round(sample.timestampMs)}`;
      chunks.push(`${sample.name}${formatLabels(sample.labels)} ${formatGoFloat(sample.value)}${timestamp}\n`);
    }
  }
  return chunks.join('');
}
