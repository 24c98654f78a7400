/** A tiny Prometheus HTTP API reader for lab tests (the app has its own adapter in lib/prometheus). */
export interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

export async function query(prometheusUrl: string, promql: string, timeSeconds?: number): Promise<Series[]> {
  const form = new URLSearchParams({ query: promql });
  if (timeSeconds !== undefined) form.set('time', String(timeSeconds));
  const response = await fetch(`${prometheusUrl}/api/v1/query`, { method: 'POST', body: form, signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { status: string; data: { result: Series[] }; error?: string };
  if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
  return body.data.result;
}

export interface Target {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  scrapeUrl: string;
}

export async function targets(prometheusUrl: string): Promise<Target[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(10_000) });
  return ((await response.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
}

/** Waits (bounded) until every target has been scraped at least twice, so rates and staleness settle. */
export async function waitForScrapes(prometheusUrl: string, intervalMs: number, timeoutMs = 60_000): Promise<Target[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A large lab's targets list can take Prometheus longer than one request's timeout while it starts.
    const current = await targets(prometheusUrl).catch((error: unknown) => {
      if (Date.now() > deadline) throw error;
      return [];
    });
    if (current.length > 0 && current.every((target) => target.health !== 'unknown')) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs * 2));
      return targets(prometheusUrl);
    }
    if (Date.now() > deadline) throw new Error(`targets still unscraped after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
