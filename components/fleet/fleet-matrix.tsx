import Link from 'next/link';
import { MATRIX_COLUMNS, matrixSearch, type Matrix, type MatrixCell, type MatrixState } from '@/lib/engine/matrix';
import { HealthBadge } from './health-badge';

/**
 * A family's cell of a row. An empty one stays empty in the markup (CSS draws a dot), and attributes are
 * written only where they say something: at 30 rows x 10 families, bytes in the HTML and again in the
 * page's React payload add up (the fleet page's HTML goal in bench/ui.ts).
 */
function familyCell(family: string, cell: MatrixCell) {
  const attributes = { 'data-family': family, 'data-faults': cell.faults, ...(cell.worstSeverity ? { 'data-severity': cell.worstSeverity } : {}) };
  if (cell.faults === 0 && cell.expectedByDesign === 0) return <td key={family} {...attributes} />;
  return (
    <td key={family} {...attributes}>
      {cell.faults > 0 ? <span className={`count ${cell.worstSeverity}`}>{cell.faults}</span> : null}
      {cell.expectedByDesign > 0 ? (
        <span className="by-design-count" title="expected by design">
          {cell.faults > 0 ? ' ' : ''}+{cell.expectedByDesign} by design
        </span>
      ) : null}
    </td>
  );
}

/** The order of the rows, in words: the table's caption, read first by a screen reader. */
function sortWords(sort: MatrixState['sort']): string {
  if (sort === 'worst') return 'Worst first: by the worst fault\'s severity, then the number of faults.';
  if (sort === 'name') return 'By node name.';
  return `By ${MATRIX_COLUMNS.find((column) => column.id === sort)?.title ?? sort}: its worst fault first.`;
}

/** Nodes x gap families: one page of rows, with the whole fleet's summary row on top. */
export function FleetMatrix({ matrix, state, nodeHref, nodeTarget }: { matrix: Matrix; state: MatrixState; nodeHref: (node: string) => string; nodeTarget?: '_blank' }) {
  const { summary } = matrix;
  return (
    <>
      {/* Ten family columns and more: the table scrolls on its own rather than widening the page. */}
      <div className="table-scroll">
        <table className="fleet" data-testid="fleet-table">
          <caption className="muted" data-testid="matrix-sort" data-sort={state.sort}>
            {sortWords(state.sort)} {state.sort !== 'worst' ? <Link href={matrixSearch({ ...state, sort: 'worst', page: 1 }) || '?'}>Worst first</Link> : null}
          </caption>
          <thead>
            <tr>
              <th scope="col" aria-sort={state.sort === 'name' ? 'ascending' : undefined}>
                <Link href={matrixSearch({ ...state, sort: 'name', page: 1 }) || '?'} data-testid="sort-name">
                  Node
                </Link>
              </th>
              <th scope="col">kubelet /metrics</th>
              <th scope="col">cAdvisor</th>
              <th scope="col">node-exporter</th>
              {MATRIX_COLUMNS.map(({ id: family, title }) => (
                <th scope="col" key={family} aria-sort={state.sort === family ? 'descending' : undefined}>
                  <Link href={matrixSearch({ ...state, sort: family, page: 1 }) || '?'}>{title}</Link>
                </th>
              ))}
            </tr>
            <tr className="summary-row" data-testid="matrix-summary">
              <th scope="row" colSpan={4}>
                All {summary.nodes} nodes · {summary.nodesWithFaults} with faults
              </th>
              {MATRIX_COLUMNS.map(({ id: family }) => (
                <td key={family} data-family={family} data-nodes={summary.families[family].nodes}>
                  {summary.families[family].nodes > 0 ? (
                    <span className={`count ${summary.families[family].worstSeverity}`}>
                      {summary.families[family].nodes} node{summary.families[family].nodes === 1 ? '' : 's'}
                    </span>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.rows.map(({ node, cells, worst }) => (
              <tr key={node.name} data-testid="fleet-row" data-node={node.name} data-worst={worst ?? 'none'}>
                <th scope="row">
                  {/* A plain link: next/link's client props would be repeated in the page's payload for every row. */}
                  <a href={nodeHref(node.name)} {...(nodeTarget ? { target: nodeTarget, rel: 'noreferrer' } : {})}>
                    {node.name}
                  </a>
                  <span className="node-meta muted">{`${node.internalIp} · ${node.kubeletVersion} · ${node.containerRuntime}`}</span>
                </th>
                <td>
                  <HealthBadge role="kubelet" health={node.targets.kubelet} cause={node.targetCauses.kubelet} errors={node.lastErrors.kubelet} />
                </td>
                <td>
                  <HealthBadge role="cadvisor" health={node.targets.cadvisor} cause={node.targetCauses.cadvisor} errors={node.lastErrors.cadvisor} />
                </td>
                <td>
                  <HealthBadge role="node-exporter" health={node.targets['node-exporter']} cause={node.targetCauses['node-exporter']} errors={node.lastErrors['node-exporter']} />
                </td>
                {MATRIX_COLUMNS.map(({ id: family }) => familyCell(family, cells[family]))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {matrix.matching === 0 ? <p data-testid="matrix-no-match">No node matches these filters.</p> : null}
      <Pager matrix={matrix} state={state} />
    </>
  );
}

function Pager({ matrix, state }: { matrix: Matrix; state: MatrixState }) {
  if (matrix.pages <= 1) return null;
  return (
    <nav className="pager" aria-label="Pages" data-testid="pager">
      {matrix.page > 1 ? <Link href={matrixSearch({ ...state, page: matrix.page - 1 }) || '?'}>← previous</Link> : null}
      <span>
        page {matrix.page} of {matrix.pages} · {matrix.matching} nodes match
      </span>
      {matrix.page < matrix.pages ? (
        <Link href={matrixSearch({ ...state, page: matrix.page + 1 })} data-testid="pager-next">
          next →
        </Link>
      ) : null}
    </nav>
  );
}
