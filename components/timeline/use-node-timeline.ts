'use client';

import { useQuery } from '@tanstack/react-query';
import { nodeTimelineQuery } from '@/lib/api-client/queries';
import type { NodeTimeline } from '@/lib/contract/timeline';

/**
 * The node's timeline as the server first rendered it, kept current by react-query while the range is
 * relative. Every component that shows part of it reads it here, so they share one query and agree.
 */
export function useNodeTimeline(initial: NodeTimeline) {
  return useQuery({ ...nodeTimelineQuery(initial.node, initial.range.from, initial.range.to, initial.cluster), initialData: initial, initialDataUpdatedAt: Date.parse(initial.generatedAt) });
}
