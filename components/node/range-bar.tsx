import Link from 'next/link';
import { frozenSearch, nodeViewSearch, RANGE_PRESETS, type NodeView } from '@/lib/node-view/state';
import { CopyLinkButton } from './copy-link-button';

/**
 * The range of the node view: presets, from/to in Grafana's syntax (a GET form, so it works from the
 * keyboard and without script), "freeze range" for a link that shows the same data tomorrow, and copy link.
 */
export function RangeBar({ view }: { view: NodeView }) {
  const frozen = frozenSearch(view);
  return (
    <div className="range-bar" data-testid="range-bar">
      <nav aria-label="Time range presets" className="presets">
        {RANGE_PRESETS.map((preset) => (
          <Link key={preset.from} href={nodeViewSearch(view, { from: preset.from, to: 'now' })} aria-current={view.range.from === preset.from && view.range.to === 'now' ? 'true' : undefined}>
            {preset.label}
          </Link>
        ))}
      </nav>
      <form method="get" className="filters" aria-label="Time range">
        <label>
          From
          <input name="from" defaultValue={view.range.from} size={16} data-testid="range-from" />
        </label>
        <label>
          To
          <input name="to" defaultValue={view.range.to} size={16} data-testid="range-to" />
        </label>
        {view.finding ? <input type="hidden" name="finding" value={view.finding} /> : null}
        <button type="submit">Apply</button>
      </form>
      {frozen ? (
        <Link href={frozen} data-testid="freeze-range" title="Turn now-relative ends into absolute times, for a link that shows the same data later">
          Freeze range
        </Link>
      ) : (
        <span className="muted" data-testid="range-frozen">
          Absolute range
        </span>
      )}
      <CopyLinkButton />
      {view.rangeError ? (
        <p role="alert" className="panel failed" data-testid="range-error">
          {view.rangeError}
        </p>
      ) : null}
    </div>
  );
}
