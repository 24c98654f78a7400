import { describe, expect, it } from 'vitest';
import { themeAttribute, themeSchema } from './theme';

describe('the theme cookie', () => {
  it('reads light, dark and system, and anything else as system', () => {
    expect(themeSchema.parse('dark')).toBe('dark');
    expect(themeSchema.parse('light')).toBe('light');
    expect(themeSchema.parse(undefined)).toBe('system');
    expect(themeSchema.parse('"><script>')).toBe('system');
  });

  it('sets no attribute for system, so the stylesheet follows the browser', () => {
    expect(themeAttribute('system')).toBeUndefined();
    expect(themeAttribute('dark')).toBe('dark');
  });
});
