import type { RoleHealth } from '@/lib/topology/fleet';

const LABELS = { up: 'up', down: 'down', unknown: 'not scraped yet', missing: 'no target' } as const;

export function HealthBadge({ role, health }: { role: string; health: RoleHealth }) {
  const errors = [...new Set(health.targets.map((target) => target.lastError).filter(Boolean))];
  return (
    <>
      <span className={`badge ${health.health}`} data-testid={`health-${role}`} data-health={health.health} title={health.targets.map((target) => `${target.job} ${target.instance}`).join('\n')}>
        {LABELS[health.health]}
      </span>
      {errors.map((error) => (
        <span key={error} className="last-error" data-testid={`last-error-${role}`}>
          {error}
        </span>
      ))}
    </>
  );
}
