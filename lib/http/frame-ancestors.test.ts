import { describe, expect, it } from 'vitest';
import { frameAncestors } from './frame-ancestors';

describe('frameAncestors', () => {
  it.each([
    ['/embed/fleet', ['https://grafana.example.com', 'https://*.example.org'], "frame-ancestors 'self' https://grafana.example.com https://*.example.org"],
    ['/embed/nodes/a/findings', [], "frame-ancestors 'self'"],
    ['/nodes/a', ['https://grafana.example.com'], "frame-ancestors 'self'"],
    ['/embedded-elsewhere', ['https://grafana.example.com'], "frame-ancestors 'self'"],
    ['/', ['https://grafana.example.com'], "frame-ancestors 'self'"],
  ])('%s with %j -> %s', (path, allowlist, policy) => {
    expect(frameAncestors(path, allowlist)).toBe(policy);
  });
});
