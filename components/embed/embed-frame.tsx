import type { ReactNode } from 'react';
import { z } from 'zod';

/** ?theme=light|dark, as a Grafana panel passes its own theme; anything else follows the browser. */
export const themeSchema = z.enum(['light', 'dark']).optional().catch(undefined);

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function themeOf(search: Record<string, string | string[] | undefined>) {
  return themeSchema.parse(first(search.theme));
}

/** The chrome-less body of an embed, in the requested theme. */
export function EmbedFrame({ theme, children }: { theme?: 'light' | 'dark'; children: ReactNode }) {
  return (
    <div className="embed" data-theme={theme} data-testid="embed">
      {children}
    </div>
  );
}
