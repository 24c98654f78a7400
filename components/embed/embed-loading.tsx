/** What an embed shows while its data is asked for. */
export function EmbedLoading() {
  return (
    <div className="embed" aria-busy="true" aria-live="polite" data-testid="loading">
      <p className="muted">Asking Prometheus…</p>
      <div className="skeleton" />
      <div className="skeleton" />
    </div>
  );
}
