import type { ReactNode } from 'react';
import { FindingCard } from '@/components/findings/finding-card';
import { CLUSTER_ANCHOR } from '@/components/fleet/cluster-findings';
import type { NodeInvestigation } from '@/lib/contract/investigation';
import { findingId, nodeViewSearch, type NodeView } from '@/lib/node-view/state';
import { withCluster } from '@/lib/topology/cluster-name';

/** Faults first, then `children` (the timeline), then what is absent by design, visibly apart. */
export function NodeFindings({ investigation, view, children }: { investigation: NodeInvestigation; view: NodeView; children?: ReactNode }) {
  const faults = investigation.findings.filter((finding) => !finding.expectedByDesign);
  const byDesign = investigation.findings.filter((finding) => finding.expectedByDesign);
  const card = (finding: NodeInvestigation['findings'][number]) => (
    <FindingCard key={findingId(finding)} finding={finding} link={nodeViewSearch(view, { finding: findingId(finding) })} selected={view.finding === findingId(finding)} />
  );
  return (
    <>
      <section aria-label="Faults" data-testid="faults">
        <h2>Faults</h2>
        {faults.length === 0 ? <p data-testid="no-faults">{investigation.found === null ? 'Unknown: the inventory could not be read (see Sources).' : 'No fault found on this node.'}</p> : faults.map(card)}
        {investigation.clusterFindings?.map((finding) => (
          <p key={`${finding.kind}:${finding.subject}`} className="muted" data-testid="cluster-link" data-kind={finding.kind}>
            Cluster-wide, not this node&apos;s: <a href={withCluster(`/#${CLUSTER_ANCHOR}`, investigation.cluster)}>{finding.summary}</a>
          </p>
        ))}
      </section>
      {children}
      {byDesign.length > 0 ? (
        <section aria-label="Expected by design" className="by-design" data-testid="expected-by-design">
          <h2>Expected by design</h2>
          <p className="muted">These series are absent on purpose; nothing needs fixing.</p>
          {byDesign.map(card)}
        </section>
      ) : null}
    </>
  );
}
