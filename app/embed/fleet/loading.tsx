export default function Loading() {
  return (
    <div className="embed" aria-busy="true" aria-live="polite" data-testid="loading">
      <p className="muted">Asking Prometheus…</p>
      <div className="skeleton" />
      <div className="skeleton" />
    </div>
  );
}
