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
import { KeyEventSection, TimelineLoading, TimelineSection } from '@/components/timeline/timeline-section';
import { DashboardLinks } from '@/components/node/dashboard-links';
import { standardDashboards } from '@/lib/server/dashboards';
import { pageChoice } from '@/lib/server/page-choice';
import { laneIdOf } from '@/lib/node-view/chart';
import { findingId, nodeViewSearch, readNodeView } from '@/lib/node-view/state';
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
  // Begun after the findings (run beside them, its range queries slowed the page's largest paint), awaited
  // by the summary's key event and the timeline, each streamed when it is ready.
  // Not when the inventory could not be read (found: null): the timeline needs it too.
  const timeline = investigation.found ? gapscope.timeline(investigation.node, view.range, now) : null;
  const focused = investigation.findings.find((finding) => findingId(finding) === view.finding);
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
      <NodeSummary investigation={investigation}>
        {timeline ? (
          <Suspense fallback={<p className="muted">Reading what changed…</p>}>
            <KeyEventSection timeline={timeline} />
          </Suspense>
        ) : null}
      </NodeSummary>
      <RangeBar view={view} />
      <p className="muted" data-testid="evaluated-at">
        Findings at {investigation.evaluatedAt.replace('T', ' ').slice(0, 19)} UTC, the end of the range.
      </p>
      <SourcePanel sources={investigation.sources} capabilities={gapscope.capabilities()} />
      {(investigation.layers ?? []).map((layers) => (
        <LayerCounts key={`${layers.family}:${layers.subject}`} layers={layers} />
      ))}
      <NodeFindings investigation={investigation} view={view}>
        {timeline ? (
          <Suspense fallback={<TimelineLoading />}>
            <TimelineSection timeline={timeline} focusLane={focused ? laneIdOf(focused) : undefined} />
          </Suspense>
        ) : null}
      </NodeFindings>
      <DashboardLinks node={investigation.node} cluster={cluster ?? undefined} range={view.range} dashboards={standardDashboards()} />
    </>
  );
}
