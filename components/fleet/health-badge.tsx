import { CAUSE_WORDS } from '@/lib/families/scrape/causes';
import type { Health } from '@/lib/topology/fleet';

const LABELS = { up: 'up', down: 'down', unknown: 'not scraped yet', missing: 'no target' } as const;

/**
 * A target role's health and, where it is down or missing, its classified cause as a short badge (the cause
 * id of its finding); the scraper's raw last errors one click away, so a row stays one line tall.
 */
export function HealthBadge({ role, health, cause, errors = [] }: { role: string; health: Health; cause?: string; errors?: string[] }) {
  return (
    <>
      <span className={`badge ${health}`} data-testid={`health-${role}`} data-health={health}>
        {LABELS[health]}
      </span>
      {cause && (health === 'down' || health === 'missing') ? (
        <span className="cause" data-testid={`cause-${role}`} data-cause={cause}>
          {CAUSE_WORDS[cause] ?? cause}
        </span>
      ) : null}
      {errors.length > 0 ? (
        <details className="last-error">
          <summary>last error</summary>
          {errors.map((error, index) => (
            // Keyed by place, not by the text: the text would be written twice in the page's React payload.
            <span key={index} data-testid={`last-error-${role}`}>
              {error}
            </span>
          ))}
        </details>
      ) : null}
    </>
  );
}
