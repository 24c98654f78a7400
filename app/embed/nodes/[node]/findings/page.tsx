import { requestTime } from '@/lib/request-time';
import { notFound } from 'next/navigation';
import { EmbedFrame, themeOf } from '@/components/embed/embed-frame';
import { NodeFindings } from '@/components/node/node-findings';
import { SourcePanel } from '@/components/source-panel';
import { gapscope } from '@/lib/server/gapscope';
import { readNodeView } from '@/lib/node-view/state';
import { nodeNameSchema } from '@/lib/topology/node-name';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ node: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** GET /embed/nodes/{node}/findings?from=&to=&theme=: the node's findings at the end of the range. */
export default async function NodeFindingsEmbed({ params, searchParams }: Props) {
  const name = nodeNameSchema.safeParse((await params).node);
  if (!name.success) notFound();
  const search = await searchParams;
  const now = requestTime();
  const view = readNodeView(search, now);
  const investigation = await gapscope().node(name.data, view.range, now);
  if (investigation.found === false) notFound();
  return (
    <EmbedFrame theme={themeOf(search)}>
      <p className="muted">
        <a href={`/nodes/${encodeURIComponent(investigation.node)}`} target="_blank" rel="noreferrer">
          {investigation.node}
        </a>{' '}
        at {investigation.evaluatedAt.replace('T', ' ').slice(0, 19)} UTC
      </p>
      <SourcePanel sources={investigation.sources} />
      <NodeFindings investigation={investigation} view={view} />
    </EmbedFrame>
  );
}
