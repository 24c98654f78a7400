/** A PromQL label matcher value: backslashes and quotes escaped (https://prometheus.io/docs/prometheus/latest/querying/basics/). */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Equality matchers for labels: { job: 'kubelet' } -> ['job="kubelet"']. */
export function matchersOf(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([name, value]) => `${name}=${quoteLabelValue(value)}`);
}

/** `{job="…",instance="…"}` plus extra matchers, e.g. selectorOf({ job: 'kubelet' }, ['image=""']). */
export function selectorOf(labels: Record<string, string>, extra: string[] = []): string {
  return `{${[...matchersOf(labels), ...extra].join(',')}}`;
}

/** Escapes a literal for use inside a PromQL regex matcher. */
export function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
