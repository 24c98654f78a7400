export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" data-testid="loading">
      <h1>Fleet</h1>
      <p className="muted">Asking Prometheus for nodes and target health…</p>
      {Array.from({ length: 6 }, (_, index) => (
        <div key={index} className="skeleton" />
      ))}
    </div>
  );
}
