import { describe, expect, it } from 'vitest';
import { redact } from './redact';

describe('redact', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOi.abc-def_ghi', 'Authorization: [redacted]'],
    ['request had header "Bearer s3cr3t.token" in it', 'request had header "Bearer [redacted]" in it'],
    ['GET /x?token=abc123&y=1', 'GET /x?token=[redacted]&y=1'],
    ['{"password": "hunter2"}', '{"password": "[redacted]"}'],
    ['dial https://admin:hunter2@prometheus:9090/api', 'dial https://[redacted]@prometheus:9090/api'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
    expect(redact(input)).not.toMatch(/eyJhbGciOi|s3cr3t|abc123|hunter2/);
  });

  it('leaves ordinary text alone', () => {
    expect(redact('server returned HTTP status 401 Unauthorized')).toBe('server returned HTTP status 401 Unauthorized');
  });
});
