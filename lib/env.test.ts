import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, parseEnv } from './env';

const dir = mkdtempSync(join(tmpdir(), 'gapscope-env-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, 'secret');
const base = { GAPSCOPE_PROMETHEUS_URL: 'http://prometheus:9090/' };

describe('parseEnv', () => {
  it('applies defaults and trims the URL', () => {
    const env = parseEnv(base);
    expect(env).toMatchObject({
      GAPSCOPE_PROMETHEUS_URL: 'http://prometheus:9090',
      GAPSCOPE_PROMETHEUS_TIMEOUT: 10_000,
      GAPSCOPE_KUBELET_MODE: 'off',
      GAPSCOPE_PROMETHEUS_HEADERS: {},
      GAPSCOPE_KUBELET_MAX_BYTES: 64 << 20,
      GAPSCOPE_PROMETHEUS_INSECURE_SKIP_VERIFY: false,
    });
  });

  it('parses headers, durations and flags', () => {
    const env = parseEnv({ ...base, GAPSCOPE_PROMETHEUS_HEADERS: 'X-Scope-OrgID=team-a, X-Extra = b=c', GAPSCOPE_PROMETHEUS_TIMEOUT: '1500ms', GAPSCOPE_KUBELET_INSECURE_SKIP_VERIFY: 'true' });
    expect(env.GAPSCOPE_PROMETHEUS_HEADERS).toEqual({ 'X-Scope-OrgID': 'team-a', 'X-Extra': 'b=c' });
    expect(env.GAPSCOPE_PROMETHEUS_TIMEOUT).toBe(1500);
    expect(env.GAPSCOPE_KUBELET_INSECURE_SKIP_VERIFY).toBe(true);
  });

  it('parses job roles', () => {
    expect(parseEnv({ ...base, GAPSCOPE_JOB_ROLES: 'host-metrics=node-exporter, k8s-nodes = kubelet' }).GAPSCOPE_JOB_ROLES).toEqual({ 'host-metrics': 'node-exporter', 'k8s-nodes': 'kubelet' });
    expect(parseEnv(base).GAPSCOPE_JOB_ROLES).toEqual({});
  });

  it('reads the frame-ancestors allowlist and the fleet cache lifetime', () => {
    expect(parseEnv(base)).toMatchObject({ GAPSCOPE_FRAME_ANCESTORS: [], GAPSCOPE_FLEET_CACHE_TTL: 15_000 });
    const env = parseEnv({ ...base, GAPSCOPE_FRAME_ANCESTORS: 'https://grafana.example.com, http://127.0.0.2:3111 https://*.example.org', GAPSCOPE_FLEET_CACHE_TTL: '0s' });
    expect(env.GAPSCOPE_FRAME_ANCESTORS).toEqual(['https://grafana.example.com', 'http://127.0.0.2:3111', 'https://*.example.org']);
    expect(env.GAPSCOPE_FLEET_CACHE_TTL).toBe(0);
  });

  it('accepts direct kubelet mode with a readable token file', () => {
    expect(parseEnv({ ...base, GAPSCOPE_KUBELET_MODE: 'direct', GAPSCOPE_KUBELET_TOKEN_FILE: tokenFile }).GAPSCOPE_KUBELET_MODE).toBe('direct');
  });

  it.each([
    ['a missing URL', {}, /GAPSCOPE_PROMETHEUS_URL: is required/],
    ['a non-http URL', { GAPSCOPE_PROMETHEUS_URL: 'ftp://x' }, /GAPSCOPE_PROMETHEUS_URL: must be http or https/],
    ['credentials in the URL', { GAPSCOPE_PROMETHEUS_URL: 'http://u:p@x' }, /GAPSCOPE_PROMETHEUS_URL: must not carry credentials/],
    ['a token file that does not exist', { ...base, GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE: join(dir, 'nope') }, /GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE: file does not exist/],
    ['a bad timeout', { ...base, GAPSCOPE_PROMETHEUS_TIMEOUT: 'soon' }, /GAPSCOPE_PROMETHEUS_TIMEOUT: "soon" is not a duration/],
    ['a bad header list', { ...base, GAPSCOPE_PROMETHEUS_HEADERS: 'no-equals-sign' }, /GAPSCOPE_PROMETHEUS_HEADERS: entry 1 is not Name=value \(its text is not shown/],
    ['a credential header', { ...base, GAPSCOPE_PROMETHEUS_HEADERS: 'X-Scope-OrgID=a,Authorization=Bearer s3cr3t' }, /GAPSCOPE_PROMETHEUS_HEADERS: Authorization carries credentials: give them as a file with GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE/],
    ['a wildcard over a top-level domain', { ...base, GAPSCOPE_FRAME_ANCESTORS: 'https://*.com' }, /GAPSCOPE_FRAME_ANCESTORS: "https:\/\/\*\.com" is not an origin/],
    ['a wildcard over a public second-level domain', { ...base, GAPSCOPE_FRAME_ANCESTORS: 'https://*.co.uk' }, /GAPSCOPE_FRAME_ANCESTORS: "https:\/\/\*\.co\.uk" is not an origin/],
    ['a port out of range', { ...base, GAPSCOPE_FRAME_ANCESTORS: 'https://grafana.example.com:99999' }, /GAPSCOPE_FRAME_ANCESTORS: .* is not an origin/],
    ['a frame ancestor with a path', { ...base, GAPSCOPE_FRAME_ANCESTORS: 'https://grafana.example.com/d/x' }, /GAPSCOPE_FRAME_ANCESTORS: "https:\/\/grafana.example.com\/d\/x" is not an origin/],
    ['a frame ancestor that widens the policy', { ...base, GAPSCOPE_FRAME_ANCESTORS: "'self'; script-src *" }, /GAPSCOPE_FRAME_ANCESTORS: .* is not an origin/],
    ['a job role that is none', { ...base, GAPSCOPE_JOB_ROLES: 'host-metrics=exporter' }, /GAPSCOPE_JOB_ROLES: "host-metrics=exporter" is not job=role/],
    ['an unknown kubelet mode', { ...base, GAPSCOPE_KUBELET_MODE: 'magic' }, /GAPSCOPE_KUBELET_MODE/],
    ['direct mode without a token', { ...base, GAPSCOPE_KUBELET_MODE: 'direct' }, /GAPSCOPE_KUBELET_TOKEN_FILE: is required when GAPSCOPE_KUBELET_MODE=direct/],
    ['a user without a password file', { ...base, GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER: 'u' }, /GAPSCOPE_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE: is required/],
    ['bearer and basic auth together', { ...base, GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE: tokenFile, GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER: 'u', GAPSCOPE_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE: tokenFile }, /cannot be combined with basic auth/],
    ['a CA and insecure together', { ...base, GAPSCOPE_KUBELET_CA_FILE: tokenFile, GAPSCOPE_KUBELET_INSECURE_SKIP_VERIFY: 'true' }, /GAPSCOPE_KUBELET_INSECURE_SKIP_VERIFY: cannot be combined/],
    ['a tiny size cap', { ...base, GAPSCOPE_KUBELET_MAX_BYTES: '10' }, /GAPSCOPE_KUBELET_MAX_BYTES/],
  ])('rejects %s, naming the variable', (_, source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
  });

  it('never echoes a header value, whether the pair is malformed or a credential', () => {
    for (const headers of ['X-Token s3cr3t-value', 'Authorization=Bearer s3cr3t-value']) {
      expect(() => parseEnv({ ...base, GAPSCOPE_PROMETHEUS_HEADERS: headers })).toThrow(/GAPSCOPE_PROMETHEUS_HEADERS/);
      try {
        parseEnv({ ...base, GAPSCOPE_PROMETHEUS_HEADERS: headers });
      } catch (error) {
        expect((error as Error).message).not.toContain('s3cr3t');
      }
    }
  });

  it('lists every bad variable at once and never echoes file contents', () => {
    let message = '';
    try {
      parseEnv({ GAPSCOPE_PROMETHEUS_URL: 'nope', GAPSCOPE_KUBELET_MODE: 'x', GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE: tokenFile });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/GAPSCOPE_PROMETHEUS_URL/);
    expect(message).toMatch(/GAPSCOPE_KUBELET_MODE/);
    expect(message).not.toContain('secret');
  });
});

describe('the documented settings', () => {
  it('lists every variable of the schema in .env.example and the README, and no other', () => {
    const keys = Object.keys(envSchema.shape).sort();
    const named = (text: string) => [...new Set(text.match(/GAPSCOPE_[A-Z_]+[A-Z]/g) ?? [])];
    const example = named(readFileSync(resolve(__dirname, '..', '.env.example'), 'utf8')).sort();
    expect(example).toEqual(keys);
    const readme = named(readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8'));
    for (const key of keys) expect(readme, key).toContain(key);
  });
});

