import type { LabClock } from '../src/clock';
import { DEFAULT_SCENARIO } from '../src/lab';
import { nodeStateAt } from '../src/node-state';
import { expandNodes, loadScenario, type LabNode } from '../src/scenario';

/** The default scenario at a fixed moment, for tests of the pure parts of the lab. */
export function defaultLab(size?: number) {
  const scenario = loadScenario(DEFAULT_SCENARIO);
  const nodes = expandNodes(scenario, size);
  const clock: LabClock = { startedAt: Date.UTC(2026, 10, 22, 12, 0, 0), now: () => Date.UTC(2026, 10, 22, 12, 0, 0) };
  const node = (name: string): LabNode => {
    const found = nodes.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no node ${name}`);
    return found;
  };
  const stateAt = (name: string, agoMs = 0) => nodeStateAt(nodes, node(name), clock, clock.startedAt - agoMs);
  return { scenario, nodes, clock, node, stateAt };
}
