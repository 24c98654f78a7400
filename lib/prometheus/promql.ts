/** A PromQL label matcher value: backslashes and quotes escaped (https://prometheus.io/docs/prometheus/latest/querying/basics/). */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `{job="…",instance="…"}` plus extra matchers, e.g. selectorOf({ job: 'kubelet' }, ['image=""']). */
export function selectorOf(labels: Record<string, string>, extra: string[] = []): string {
  const matchers = Object.entries(labels).map(([name, value]) => `${name}=${quoteLabelValue(value)}`);
  return `{${[...matchers, ...extra].join(',')}}`;
}
