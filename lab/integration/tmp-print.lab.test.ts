import { resolve } from 'node:path';
import { it } from 'vitest';
import { startLab } from '../src/lab';
import { waitForScrapes } from '../test-support/prometheus-api';

it('prints', { timeout: 300_000 }, async () => {
  const lab = await startLab({ octet: 31, profile: 'kube-prometheus', scenarioFile: resolve(__dirname, '..', 'scenarios', 'more-faults.yaml') });
  try {
    await waitForScrapes(lab.prometheusUrl, 5_000);
    for (const q of ['scrape_samples_scraped', 'scrape_samples_post_metric_relabeling']) {
      const r = await fetch(`${lab.prometheusUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
      const j = (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      for (const s of j.data.result) console.log(q, s.metric.job, s.metric.instance, s.metric.node ?? '', s.value[1]);
    }
  } finally {
    await lab.stop();
  }
});
