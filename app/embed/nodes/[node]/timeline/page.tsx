import { requestTime } from '@/lib/request-time';
import { notFound } from 'next/navigation';
import { EmbedFrame, themeOf } from '@/components/embed/embed-frame';
import { TimelineSection } from '@/components/timeline/timeline-section';
import { AmbiguousNodeEmbed } from '@/components/embed/ambiguous-node';
import { readNodeView } from '@/lib/node-view/state';
import { pageChoice } from '@/lib/server/page-choice';
import { nodeNameSchema } from '@/lib/topology/node-name';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ node: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** GET /embed/nodes/{node}/timeline?from=&to=&cluster=&theme=: the node's explained timeline over the range. */
export default async function NodeTimelineEmbed({ params, searchParams }: Props) {
  const name = nodeNameSchema.safeParse((await params).node);
  if (!name.success) notFound();
  const search = await searchParams;
  const now = requestTime();
  const view = readNodeView(search, now);
  const choice = await pageChoice(view.cluster, name.data);
  if ('pick' in choice) return <AmbiguousNodeEmbed node={name.data} clusters={choice.pick} theme={themeOf(search)} />;
  return (
    <EmbedFrame theme={themeOf(search)}>
      <TimelineSection timeline={choice.gapscope.timeline(name.data, view.range, now)} />
    </EmbedFrame>
  );
}
