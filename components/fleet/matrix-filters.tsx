import { MATRIX_COLUMNS, type MatrixState } from '@/lib/engine/matrix';

/**
 * The matrix's filters as a plain GET form: the view state lives in the URL, so a filtered matrix is a link
 * to share, the browser's back button works, and the form works from the keyboard without any script.
 * `hidden`: the view's other state (its cluster, an embed's theme), kept when the filters are applied.
 */
export function MatrixFilters({ state, action = '/', hidden = {} }: { state: MatrixState; action?: string; hidden?: Record<string, string> }) {
  return (
    <form className="filters" method="get" action={action} role="search" aria-label="Filter the fleet" data-testid="matrix-filters">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label>
        Node name or IP
        <input type="search" name="q" defaultValue={state.q ?? ''} placeholder="name, IP or instance" data-testid="filter-q" />
      </label>
      <label>
        Gap family
        <select name="family" defaultValue={state.family ?? ''} data-testid="filter-family">
          <option value="">any</option>
          <FamilyOptions />
        </select>
      </label>
      <label>
        Severity at least
        <select name="severity" defaultValue={state.severity ?? ''} data-testid="filter-severity">
          <option value="">any</option>
          <option value="critical">critical</option>
          <option value="warning">warning</option>
          <option value="info">info</option>
        </select>
      </label>
      <label>
        Sort
        <select name="sort" defaultValue={state.sort} data-testid="filter-sort">
          <option value="worst">worst first</option>
          <option value="name">name</option>
          <FamilyOptions />
        </select>
      </label>
      <label className="inline">
        <input type="checkbox" name="hideExpected" value="1" defaultChecked={state.hideExpected} data-testid="filter-hide-expected" />
        Hide expected by design
      </label>
      <button type="submit" data-testid="filter-apply">
        Apply
      </button>
    </form>
  );
}

function FamilyOptions() {
  return MATRIX_COLUMNS.map(({ id: family, title }) => (
    <option key={family} value={family}>
      {title}
    </option>
  ));
}
