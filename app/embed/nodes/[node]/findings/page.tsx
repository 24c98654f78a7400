import { requestTime } from '@/lib/request-time';
import { notFound } from 'next/navigation';
import { EmbedFrame, themeOf } from '@/components/embed/embed-frame';
import { NodeFindings } from '@/components/node/node-findings';
import { SourcePanel } from '@/components/source-panel';
import { AmbiguousNodeEmbed } from '@/components/embed/ambiguous-node';
import { pageChoice } from '@/lib/server/page-choice';
import { withCluster } from '@/lib/topology/cluster-name';
import { readNodeView } from '@/lib/node-view/state';
import { nodeNameSchema } from '@/lib/topology/node-name';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ node: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** GET /embed/nodes/{node}/findings?from=&to=&cluster=&theme=: the node's findings at the end of the range. */
export default async function NodeFindingsEmbed({ params, searchParams }: Props) {
  const name = nodeNameSchema.safeParse((await params).node);
  if (!name.success) notFound();
  const search = await searchParams;
  const now = requestTime();
  const asked = readNodeView(search, now);
  const choice = await pageChoice(asked.cluster, name.data);
  if ('pick' in choice) return <AmbiguousNodeEmbed node={name.data} clusters={choice.pick} theme={themeOf(search)} />;
  const view = choice.cluster ? { ...asked, cluster: choice.cluster } : asked;
  const investigation = await choice.gapscope.node(name.data, view.range, now);
  if (investigation.found === false) notFound();
  return (
    <EmbedFrame theme={themeOf(search)}>
      <p className="muted">
        <a href={withCluster(`/nodes/${encodeURIComponent(investigation.node)}`, choice.cluster)} target="_blank" rel="noreferrer">
          {investigation.node}
        </a>{' '}
        at {investigation.evaluatedAt.replace('T', ' ').slice(0, 19)} UTC
      </p>
      <SourcePanel sources={investigation.sources} />
      <NodeFindings investigation={investigation} view={view} />
    </EmbedFrame>
  );
}
