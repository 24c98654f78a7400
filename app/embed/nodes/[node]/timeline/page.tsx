import { requestTime } from '@/lib/request-time';
import { notFound } from 'next/navigation';
import { EmbedFrame, themeOf } from '@/components/embed/embed-frame';
import { TimelineSection } from '@/components/timeline/timeline-section';
import { readNodeView } from '@/lib/node-view/state';
import { nodeNameSchema } from '@/lib/topology/node-name';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ node: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** GET /embed/nodes/{node}/timeline?from=&to=&theme=: the node's explained timeline over the range. */
export default async function NodeTimelineEmbed({ params, searchParams }: Props) {
  const name = nodeNameSchema.safeParse((await params).node);
  if (!name.success) notFound();
  const search = await searchParams;
  const now = requestTime();
  const view = readNodeView(search, now);
  return (
    <EmbedFrame theme={themeOf(search)}>
      <TimelineSection node={name.data} range={view.range} now={now} />
    </EmbedFrame>
  );
}
