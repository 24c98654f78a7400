/**
 * Prometheus' HTTP API sends sample values as strings ("1", "NaN", "+Inf", "-Inf", "1e+06"); they stay
 * strings until here. https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats
 */
export function parsePromFloat(text: string): number {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
    default: {
      const value = Number(text);
      if (text.trim() === '' || Number.isNaN(value)) throw new Error(`"${text}" is not a Prometheus sample value`);
      return value;
    }
  }
}
