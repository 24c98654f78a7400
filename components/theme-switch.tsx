'use client';

import { useState } from 'react';
import { THEME_COOKIE, THEMES, themeAttribute, type Theme } from '@/lib/theme/theme';

const WORDS: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Keeps the choice for a year and applies it to the dashboard's theme root at once. */
function apply(theme: Theme): void {
  document.cookie = `${THEME_COOKIE}=${theme}; path=/; max-age=31536000; samesite=lax`;
  const root = document.querySelector<HTMLElement>('[data-theme-root]');
  const attribute = themeAttribute(theme);
  if (!root) return;
  if (attribute) root.setAttribute('data-theme', attribute);
  else root.removeAttribute('data-theme');
}

/**
 * Light, dark or the browser's: kept in a cookie for a year (the server renders the next page in it, with no
 * flash), applied at once to the dashboard's theme root. Radio buttons: one Tab stop, arrows to choose.
 */
export function ThemeSwitch({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState(initial);
  const choose = (next: Theme) => {
    setTheme(next);
    apply(next);
  };
  return (
    <fieldset className="theme-switch" data-testid="theme-switch">
      <legend>Theme</legend>
      {THEMES.map((option) => (
        <label key={option}>
          <input type="radio" name="theme" value={option} checked={theme === option} onChange={() => choose(option)} data-testid={`theme-${option}`} />
          {WORDS[option]}
        </label>
      ))}
    </fieldset>
  );
}
