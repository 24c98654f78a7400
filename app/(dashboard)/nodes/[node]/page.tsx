import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { FindingCard } from '@/components/findings/finding-card';
import { SourcePanel } from '@/components/source-panel';
import { kubelet } from '@/lib/investigation/kubelet';
import { investigateNode } from '@/lib/investigation/node-findings';
import { jobRoles, prometheus } from '@/lib/investigation/prometheus';
import { nodeNameSchema } from '@/lib/topology/node-name';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ node: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).node };
}

export default async function NodePage({ params }: Props) {
  const name = nodeNameSchema.safeParse((await params).node);
  if (!name.success) notFound();
  const investigation = await investigateNode(prometheus(), name.data, { kubelet: kubelet(), jobRoles: jobRoles() });
  if (investigation.found === false) notFound();
  const faults = investigation.findings.filter((finding) => !finding.expectedByDesign);
  const byDesign = investigation.findings.filter((finding) => finding.expectedByDesign);
  return (
    <>
      <p>
        <Link href="/">Fleet</Link> /
      </p>
      <h1 data-testid="node-name">{investigation.node}</h1>
      <SourcePanel sources={investigation.sources} />
      <section aria-label="Faults" data-testid="faults">
        <h2>Faults</h2>
        {faults.length === 0 ? <p data-testid="no-faults">{investigation.found === null ? 'Unknown: the inventory could not be read (see Sources).' : 'No fault found on this node.'}</p> : faults.map((finding) => <FindingCard key={`${finding.kind}/${finding.subject}`} finding={finding} />)}
      </section>
      {byDesign.length > 0 ? (
        <section aria-label="Expected by design" className="by-design" data-testid="expected-by-design">
          <h2>Expected by design</h2>
          <p className="muted">These series are absent on purpose; nothing needs fixing.</p>
          {byDesign.map((finding) => (
            <FindingCard key={`${finding.kind}/${finding.subject}`} finding={finding} />
          ))}
        </section>
      ) : null}
    </>
  );
}
