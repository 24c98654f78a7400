import { FindingCard } from '@/components/findings/finding-card';
import type { Finding } from '@/lib/contract/finding';

/** The anchor node pages link to. */
export const CLUSTER_ANCHOR = 'cluster';

/** Findings about the whole cluster, shown once above the matrix and counted on no node. */
export function ClusterFindings({ findings }: { findings: readonly Finding[] }) {
  if (findings.length === 0) return null;
  return (
    <section id={CLUSTER_ANCHOR} aria-label="Cluster-wide" data-testid="cluster-findings">
      <h2>Cluster-wide</h2>
      <p className="muted">A setting of the whole cluster, not of any node: shown once here, and counted in no node&apos;s row.</p>
      {findings.map((finding) => (
        <FindingCard key={`${finding.kind}:${finding.subject}`} finding={finding} />
      ))}
    </section>
  );
}
