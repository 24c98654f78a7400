import { z } from 'zod';

/** The dashboard's theme, kept in a cookie: light, dark, or the browser's (system). Embeds take ?theme= instead. PURE. */
export const THEME_COOKIE = 'gapscope-theme';
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const themeSchema = z.enum(THEMES).catch('system');

/** The attribute the stylesheet reads (app/globals.css): none for system, which follows prefers-color-scheme. */
export const themeAttribute = (theme: Theme): 'light' | 'dark' | undefined => (theme === 'system' ? undefined : theme);
