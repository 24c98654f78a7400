import { expect, type Locator, type Page } from '@playwright/test';

/** The node page (/nodes/{node}), read through its data-testid hooks. */
export class NodePage {
  constructor(private readonly page: Page) {}

  async open(node: string, search = ''): Promise<void> {
    await this.page.goto(`/nodes/${node}${search}`);
  }

  get timeline(): Locator {
    return this.page.getByTestId('timeline');
  }

  /** The timeline's explanations for lanes whose id starts with `lanePrefix`. */
  explanations(lanePrefix: string): Locator {
    return this.timeline.locator(`[data-testid="explanation"][data-lane^="${lanePrefix}"]`);
  }

  /** The lane list under the chart: one item per lane, with its state at the end of the range. */
  lane(id: string): Locator {
    return this.timeline.locator(`[data-testid="lane"][data-lane="${id}"]`);
  }

  events(kind: string): Locator {
    return this.timeline.locator(`[data-testid="event"][data-kind="${kind}"]`);
  }

  /** Reloads (bounded) until every source answered: right after the demo starts, targets are still being scraped. */
  async waitUntilSourcesAnswer(): Promise<void> {
    await expect(async () => {
      await this.page.reload();
      await expect(this.page.getByTestId('source-panel').first()).toBeVisible();
      await expect(this.page.locator('[data-testid="source"][data-ok="false"]')).toHaveCount(0);
    }).toPass({ timeout: 60_000, intervals: [1_000] });
  }

  /** The card that counts the node's containers at each layer. */
  get layers(): Locator {
    return this.page.getByTestId('layer-counts');
  }

  card(kind: string, cause: string): Locator {
    return this.page.locator(`[data-testid="finding-card"][data-kind="${kind}"][data-cause="${cause}"]`);
  }

  get faults(): Locator {
    return this.page.getByTestId('faults').getByTestId('finding-card');
  }

  get expectedByDesign(): Locator {
    return this.page.getByTestId('expected-by-design').getByTestId('finding-card');
  }
}
