import { EmbedFrame } from './embed-frame';

/** An embed of a node whose name is in several clusters and whose link says none: which clusters, and how to say. */
export function AmbiguousNodeEmbed({ node, clusters, theme }: { node: string; clusters: readonly string[]; theme?: 'light' | 'dark' }) {
  return (
    <EmbedFrame theme={theme}>
      <p data-testid="node-ambiguous">
        A node named {node} is in {clusters.length} clusters ({clusters.join(', ')}): add <code>cluster=</code> to this panel&apos;s link (Grafana&apos;s{' '}
        <code>${'{cluster}'}</code> variable fills it).
      </p>
    </EmbedFrame>
  );
}
