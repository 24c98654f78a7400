import type { ReactNode } from 'react';
import type { NodeInvestigation } from '@/lib/contract/investigation';
import { MATRIX_COLUMNS } from '@/lib/engine/matrix';
import { plural } from '@/lib/words';


/**
 * The node in one line before its cards: how many faults and findings by design, then one line per gap
 * family with a fault, naming its causes, so the page can be read at a glance. `children`: the line on the
 * event that explains most (streamed with the timeline).
 */
export function NodeSummary({ investigation, children }: { investigation: NodeInvestigation; children?: ReactNode }) {
  if (investigation.found !== true) return null;
  const faults = investigation.findings.filter((finding) => !finding.expectedByDesign);
  const byDesign = investigation.findings.length - faults.length;
  const families = MATRIX_COLUMNS.map((column) => ({ ...column, faults: faults.filter((finding) => finding.family === column.id) })).filter((family) => family.faults.length > 0);
  return (
    <section className="node-summary" aria-label="Summary" data-testid="node-summary" data-faults={faults.length} data-by-design={byDesign}>
      <p>
        <strong>{faults.length === 0 ? 'No fault' : plural(faults.length, 'fault')}</strong>
        {byDesign > 0 ? `, ${byDesign} expected by design` : ''}
        {faults.length === 0 ? '.' : ':'}
      </p>
      {families.length > 0 ? (
        <ul>
          {families.map((family) => (
            <li key={family.id} data-family={family.id} data-faults={family.faults.length}>
              <strong>{family.title}</strong>: {[...new Set(family.faults.map((finding) => `${finding.kind} (${finding.cause})`))].join(', ')}
            </li>
          ))}
        </ul>
      ) : null}
      {children}
    </section>
  );
}
