import type { ContainerLayers } from '@/lib/contract/investigation';

/**
 * The node's containers counted at each layer: what kube-state-metrics expects, what the kubelet's cAdvisor
 * exposes (and with which labels), what Prometheus stores, and why the rest are not stored.
 */
export function LayerCounts({ layers }: { layers: ContainerLayers }) {
  const { source } = layers;
  return (
    <section aria-label="Containers by layer" className="layer-counts" data-testid="layer-counts" data-family={layers.family}>
      <h2>Containers, layer by layer</h2>
      <dl>
        <div data-testid="layer-expected">
          <dt>Expected</dt>
          <dd>
            {layers.expected} running <span className="muted">(kube-state-metrics)</span>
          </dd>
        </div>
        <div data-testid="layer-source">
          <dt>At the source</dt>
          {source.read ? (
            <dd>
              {source.containers} container cgroups: {source.labelled} labelled, {source.emptyLabels} without pod labels
              {source.legacyLabels > 0 ? `, ${source.legacyLabels} with pod_name` : ''} <span className="muted">(the kubelet&apos;s /metrics/cadvisor)</span>
            </dd>
          ) : (
            <dd className="muted">not read: {source.detail}</dd>
          )}
        </div>
        <div data-testid="layer-stored">
          <dt>Stored</dt>
          <dd>
            {layers.stored} of {layers.expected} with their pod and name
            {layers.unlabelledStored > 0 ? `, and ${layers.unlabelledStored} container cgroups without labels` : ''} <span className="muted">(Prometheus)</span>
          </dd>
        </div>
      </dl>
      {layers.missing.length > 0 ? (
        <ul data-testid="layer-missing">
          {layers.missing.map((entry) => (
            <li key={`${entry.reason}-${entry.job ?? ''}-${entry.rule ?? ''}`} data-reason={entry.reason}>
              {entry.count} {entry.text} ({entry.layer} layer)
              {entry.rule ? (
                <>
                  , dropped by <code>{entry.rule}</code> of <code>{entry.job}</code>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
