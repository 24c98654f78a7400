export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" data-testid="loading">
      <p className="muted">Comparing what should exist with what the node exposes and Prometheus holds…</p>
      {Array.from({ length: 4 }, (_, index) => (
        <div key={index} className="skeleton" />
      ))}
    </div>
  );
}
