import { describe, expect, it } from 'vitest';
import { realFixture } from '@/lab/test-support/fixtures';
import { parseExposition } from '@/lib/test-support/parse-exposition';
import { findingSchema } from '@/lib/contract/finding';
import { INVENTORY_LABEL_METRICS, inventoryLabels } from '.';

/**
 * What Prometheus' label names API answers for the two metrics, from a capture's series (those `keep` selects)
 * scraped by a job `kube-state-metrics`.
 */
function labelNamesOf(file: string, keep: (labels: Record<string, string>) => boolean = () => true): string[] {
  const { families } = parseExposition(realFixture(file), { families: [...INVENTORY_LABEL_METRICS] });
  const names = new Set(families.flatMap((family) => family.samples.filter((sample) => keep(sample.labels)).flatMap((sample) => Object.keys(sample.labels))));
  return names.size === 0 ? [] : ['__name__', 'instance', 'job', ...names].sort();
}

const AT = '2026-12-03T12:00:00.000Z';

describe('inventory-labels-missing', () => {
  it('kube-state-metrics 2.x with an allowlist (the 1.35 capture: one pod has the allowed environment and team labels): nothing to say', () => {
    expect(inventoryLabels.findings(labelNamesOf('nri-kubernetes/k8s-1.35_kube-state-metrics.txt'), AT)).toEqual([]);
  });

  it("kube-state-metrics 2.x's default: no label_* on kube_pod_labels (the capture's pods the allowlist names nothing of), no kube_node_labels sample at all", () => {
    const names = labelNamesOf('nri-kubernetes/k8s-1.35_kube-state-metrics.txt', (labels) => !Object.keys(labels).some((name) => name.startsWith('label_')));
    expect(names).toEqual(['__name__', 'instance', 'job', 'namespace', 'pod', 'uid']);
    const findings = inventoryLabels.findings(names, AT)!;
    expect(findings.map((finding) => [finding.kind, finding.cause, finding.severity, finding.node])).toEqual([['inventory-labels-missing', 'metric-labels-allowlist', 'info', '']]);
    expect(findingSchema.parse(findings[0])).toEqual(findings[0]);
    expect(findings[0]!.remediation.snippet).toMatch(/^--metric-labels-allowlist=nodes=\[/);
  });

  it('kube-state-metrics 1.x (the legacy capture) exported every label: nothing to say', () => {
    const names = labelNamesOf('nri-kubernetes/legacy_kube-state-metrics_v1.txt');
    expect(names.some((name) => name.startsWith('label_'))).toBe(true);
    expect(inventoryLabels.findings(names, AT)).toEqual([]);
  });

  it('cannot judge when neither metric exists (kube-state-metrics not scraped, or its *_labels metrics denied)', () => {
    expect(inventoryLabels.findings([], AT)).toBeNull();
  });
});
