import { Suspense } from 'react';
import { EmbedFrame, themeOf } from '@/components/embed/embed-frame';
import { EmbedLoading } from '@/components/embed/embed-loading';
import { QueryExplanation } from '@/components/explain/explain-results';
import { readExplainPage } from '@/lib/explain/page-state';
import { requestTime } from '@/lib/request-time';

export const dynamic = 'force-dynamic';

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** GET /embed/explain?query=&node=&from=&to=&var-<name>=&theme=: the explanation alone, for a Grafana panel link. */
export default async function ExplainEmbed({ searchParams }: Props) {
  const search = await searchParams;
  const now = requestTime();
  const state = readExplainPage(search, now);
  const link = `/explain?${new URLSearchParams(Object.entries(search).flatMap(([key, value]) => (key === 'theme' || value === undefined ? [] : [[key, String(Array.isArray(value) ? value[0] : value)]])))}`;
  return (
    <EmbedFrame theme={themeOf(search)}>
      <p className="muted">
        <a href={link} target="_blank" rel="noreferrer">
          Open in gapscope
        </a>
      </p>
      {state.error || !state.input?.query ? (
        <p className="source-failed" role="alert" data-testid="explain-error">
          Cannot explain this: {state.error ?? 'the link has no query= parameter'}
        </p>
      ) : (
        <Suspense fallback={<EmbedLoading />}>
          <QueryExplanation input={state.input} now={now} />
        </Suspense>
      )}
    </EmbedFrame>
  );
}
