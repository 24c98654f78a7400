import { describe, expect, it } from 'vitest';
import { scrape } from '@/lib/families/scrape';
import { familyFindings, observation, role } from '@/lib/test-support/observation';
import type { FleetNode } from '@/lib/topology/fleet';
import { summarize } from './findings';

describe("a node's fleet summary", () => {
  it("gives each down or missing role its finding's cause, beside the raw last error", () => {
    const roles = {
      kubelet: role('kubelet', 'down', 'unexpected status code returned when scraping "https://10.0.0.1:10250/metrics": 401; expecting 200; response body: "Unauthorized"'),
      cadvisor: role('cadvisor', 'up'),
      'node-exporter': role('node-exporter', 'missing'),
    };
    const observed = observation({ roles });
    const node: FleetNode = { ...observed.node, roles };
    const summary = summarize(node, familyFindings(scrape, observed));
    expect(summary.targetCauses).toEqual({ kubelet: 'unauthorized', 'node-exporter': 'no-target' });
    expect(summary.lastErrors.kubelet).toEqual([roles.kubelet.targets[0]!.lastError]);
  });
});
