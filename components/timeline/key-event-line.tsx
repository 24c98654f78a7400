'use client';

import type { NodeTimeline } from '@/lib/contract/timeline';
import { clockLabel, endStates, eventAnchor, keyEvent } from '@/lib/node-view/chart';
import { plural } from '@/lib/words';
import { useNodeTimeline } from './use-node-timeline';

/**
 * "Since 07:52 UTC: kubelet restarted (event 2), which explains 2 of 3 gaps": the change that explains most
 * of the node's present gaps, linked to its entry in the timeline's events list. Nothing when no lane is in a gap.
 */
export function KeyEventLine({ initial }: { initial: NodeTimeline }) {
  const { timeline } = useNodeTimeline(initial).data;
  if (!timeline) return null;
  const gaps = endStates(timeline).filter((lane) => lane.state === 'gap').length;
  if (gaps === 0) return null;
  const key = keyEvent(timeline);
  if (!key) {
    return (
      <p className="muted" data-testid="key-event" data-event="">
        No change in this range explains the {plural(gaps, 'gap')} on the timeline: they began before it or at no recorded event (the findings tell why).
      </p>
    );
  }
  const number = timeline.events.findIndex((event) => event.id === key.event.id) + 1;
  return (
    <p data-testid="key-event" data-event={key.event.id}>
      Since {clockLabel(key.event.atMs, timeline.endMs - timeline.startMs)} UTC:{' '}
      <a href={`#${eventAnchor(key.event)}`}>
        {key.event.summary} (event {number})
      </a>
      , which explains {key.explains} of {plural(key.gaps, 'gap')} on the timeline.
    </p>
  );
}
