// parse-prometheus-text-format ships no types; only what the benchmark calls is declared.
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): { name: string; metrics: unknown[] }[];
}
