import { requestTime } from '@/lib/request-time';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { LayerCounts } from '@/components/node/layer-counts';
import { NodeFindings } from '@/components/node/node-findings';
import { NodeSummary } from '@/components/node/node-summary';
import { RangeBar } from '@/components/node/range-bar';
import { SourcePanel } from '@/components/source-panel';
import { TimelineLoading, TimelineSection } from '@/components/timeline/timeline-section';
import { DashboardLinks } from '@/components/node/dashboard-links';
import { standardDashboards } from '@/lib/server/dashboards';
import { pageChoice } from '@/lib/server/page-choice';
import { nodeViewSearch, readNodeView } from '@/lib/node-view/state';
import { withCluster } from '@/lib/topology/cluster-name';
import { nodeNameSchema } from '@/lib/topology/node-name';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ node: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).node };
}

export default async function NodePage({ params, searchParams }: Props) {
  const name = nodeNameSchema.safeParse((await params).node);
  if (!name.success) notFound();
  const now = requestTime();
  const asked = readNodeView(await searchParams, now);
  const choice = await pageChoice(asked.cluster, name.data);
  if ('pick' in choice) {
    // The same name in several clusters: say so, and let the viewer choose (a shared link names its cluster).
    return (
      <>
        <h1 data-testid="node-name">{name.data}</h1>
        <p data-testid="node-ambiguous">A node of this name is in {choice.pick.length} clusters. Which one?</p>
        <ul>
          {choice.pick.map((cluster) => (
            <li key={cluster}>
              <Link href={`/nodes/${encodeURIComponent(name.data)}${nodeViewSearch({ ...asked, cluster })}`} data-testid="node-cluster-option" data-cluster={cluster}>
                {name.data} in {cluster}
              </Link>
            </li>
          ))}
        </ul>
      </>
    );
  }
  const { gapscope, cluster } = choice;
  const view = cluster ? { ...asked, cluster } : asked;
  const investigation = await gapscope.node(name.data, view.range, now);
  if (investigation.found === false) notFound();
  return (
    <>
      <p>
        <Link href={withCluster('/', cluster)}>Fleet{cluster ? ` of ${cluster}` : ''}</Link> /
      </p>
      <h1 data-testid="node-name">{investigation.node}</h1>
      {cluster ? (
        <p className="muted" data-testid="node-cluster" data-cluster={cluster}>
          In cluster {cluster}
        </p>
      ) : null}
      <NodeSummary investigation={investigation} />
      <RangeBar view={view} />
      <p className="muted" data-testid="evaluated-at">
        Findings at {investigation.evaluatedAt.replace('T', ' ').slice(0, 19)} UTC, the end of the range.
      </p>
      <SourcePanel sources={investigation.sources} capabilities={gapscope.capabilities()} />
      {(investigation.layers ?? []).map((layers) => (
        <LayerCounts key={`${layers.family}:${layers.subject}`} layers={layers} />
      ))}
      <NodeFindings investigation={investigation} view={view}>
        {investigation.found ? (
          <Suspense fallback={<TimelineLoading />}>
            <TimelineSection gapscope={gapscope} node={investigation.node} range={view.range} now={now} />
          </Suspense>
        ) : null}
      </NodeFindings>
      <DashboardLinks node={investigation.node} cluster={cluster ?? undefined} range={view.range} dashboards={standardDashboards()} />
    </>
  );
}
