import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { BasicAuthUsers, parseWebConfig, usersOf } from './access';

// Made at run time: no password is written into the repository. Cost 4 keeps the tests quick.
const PASSWORD = `pw-${process.pid}-${Date.now()}`;
const HASH = bcrypt.hashSync(PASSWORD, 4);
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('parseWebConfig', () => {
  it("reads a Prometheus web configuration's basic_auth_users, ignoring http_server_config", () => {
    expect(parseWebConfig(`basic_auth_users:\n  alice: ${HASH}\nhttp_server_config:\n  http2: true\n`)).toEqual({ basic_auth_users: { alice: HASH }, http_server_config: { http2: true } });
  });

  it.each([
    ['a plain-text password', 'basic_auth_users:\n  alice: not-a-hash\n', /basic_auth_users\.alice: must be a bcrypt hash/],
    ['no user', 'basic_auth_users: {}\n', /lists no user/],
    ['TLS it cannot serve', `basic_auth_users:\n  alice: ${HASH}\ntls_server_config:\n  cert_file: a.crt\n`, /terminate TLS in front of it/],
    ['an unknown key', `basic_auth_users:\n  alice: ${HASH}\nbasic_auth: {}\n`, /Unrecognized key/],
    ['YAML that is not', 'basic_auth_users: [\n', /^not YAML/],
    ['a user name with a colon', `basic_auth_users:\n  "a:b": ${HASH}\n`, /basic_auth_users: a user name cannot contain ":"/],
  ])('refuses %s, saying why', (_, text, why) => {
    expect(parseWebConfig(text)).toMatch(why);
  });
});

describe('BasicAuthUsers', () => {
  const users = new BasicAuthUsers({ alice: HASH });

  it('lets a listed user in with the right password, and remembers it for a minute', async () => {
    expect(await users.check(basic('alice', PASSWORD), 0)).toEqual({ ok: true, user: 'alice' });
    // Within the minute the same header is not hashed again; after it, it is checked again (and still good).
    expect(await users.check(basic('alice', PASSWORD), 59_000)).toEqual({ ok: true, user: 'alice' });
    expect(await users.check(basic('alice', PASSWORD), 61_000)).toEqual({ ok: true, user: 'alice' });
  });

  it.each([
    ['no header', null, 'no-credentials'],
    ['a bearer token', 'Bearer abc', 'malformed'],
    ['base64 without a colon', `Basic ${Buffer.from('alice').toString('base64')}`, 'malformed'],
    ['not base64 at all', 'Basic !!!', 'malformed'],
    ['a wrong password', basic('alice', 'wrong'), 'denied'],
    ['an unknown user with the right password', basic('mallory', PASSWORD), 'denied'],
    ['a prototype key as the user', basic('__proto__', PASSWORD), 'denied'],
  ] as const)('refuses %s', async (_, header, reason) => {
    expect(await users.check(header)).toEqual({ ok: false, reason });
  });
});

describe('usersOf', () => {
  it('reads the file again when it changes, and refuses everyone while it is invalid', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gapscope-web-config-')), 'web.yml');
    writeFileSync(file, `basic_auth_users:\n  alice: ${HASH}\n`);
    const first = usersOf(file);
    expect(typeof first).toBe('object');
    expect(usersOf(file)).toBe(first);
    writeFileSync(file, `basic_auth_users:\n  bob: ${HASH}\n  carol: ${HASH}\n`);
    const second = usersOf(file) as BasicAuthUsers;
    expect(second.count).toBe(2);
    expect(await second.check(basic('alice', PASSWORD))).toEqual({ ok: false, reason: 'denied' });
    expect(await second.check(basic('bob', PASSWORD))).toEqual({ ok: true, user: 'bob' });
    writeFileSync(file, 'basic_auth_users:\n  bob: not-a-hash\n');
    expect(usersOf(file)).toMatch(/^GAPSCOPE_WEB_CONFIG_FILE basic_auth_users\.bob: must be a bcrypt hash/);
    expect(usersOf(join(file, 'missing'))).toMatch(/cannot be read \(ENOTDIR\)/);
  });
});
