import type { Health } from '@/lib/topology/fleet';

const LABELS = { up: 'up', down: 'down', unknown: 'not scraped yet', missing: 'no target' } as const;

/** A target role's health, with the last scrape errors Prometheus reported for it. */
export function HealthBadge({ role, health, errors = [] }: { role: string; health: Health; errors?: string[] }) {
  return (
    <>
      <span className={`badge ${health}`} data-testid={`health-${role}`} data-health={health}>
        {LABELS[health]}
      </span>
      {errors.map((error) => (
        <span key={error} className="last-error" data-testid={`last-error-${role}`}>
          {error}
        </span>
      ))}
    </>
  );
}
