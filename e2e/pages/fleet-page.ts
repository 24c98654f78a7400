import { expect, type Locator, type Page } from '@playwright/test';

/** The fleet page (/), read through its data-testid hooks. */
export class FleetPage {
  readonly rows: Locator;
  readonly sources: Locator;

  constructor(private readonly page: Page) {
    this.rows = page.getByTestId('fleet-row');
    this.sources = page.getByTestId('source');
  }

  async open(baseUrl = ''): Promise<void> {
    await this.page.goto(`${baseUrl}/`);
  }

  /** Reloads (bounded) until Prometheus has scraped every target at least once. */
  async waitUntilScraped(): Promise<void> {
    await expect(async () => {
      await this.page.reload();
      await expect(this.rows.first()).toBeVisible();
      await expect(this.page.locator('[data-health="unknown"]')).toHaveCount(0);
    }).toPass({ timeout: 60_000, intervals: [1_000] });
  }

  row(node: string): Locator {
    return this.page.locator(`[data-testid="fleet-row"][data-node="${node}"]`);
  }

  cell(node: string, family: string): Locator {
    return this.row(node).locator(`td[data-family="${family}"]`);
  }

  async health(node: string, role: 'kubelet' | 'cadvisor' | 'node-exporter'): Promise<string | null> {
    return this.row(node).getByTestId(`health-${role}`).getAttribute('data-health');
  }

  /** The classified cause of a down or missing target (its finding's cause id in data-cause). */
  cause(node: string, role: 'kubelet' | 'cadvisor' | 'node-exporter'): Locator {
    return this.row(node).getByTestId(`cause-${role}`);
  }

  lastError(node: string, role: 'kubelet' | 'cadvisor' | 'node-exporter'): Locator {
    return this.row(node).getByTestId(`last-error-${role}`).first();
  }
}
