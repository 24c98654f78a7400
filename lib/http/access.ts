import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Optional access control: who may use gapscope (and through it, Prometheus with gapscope's credentials, and
 * the kubelets). Users and bcrypt-hashed passwords come from a Prometheus-style web configuration file
 * (`basic_auth_users`, as in https://prometheus.io/docs/prometheus/latest/configuration/https/), so a file
 * made for Prometheus or an exporter works as it is, and `htpasswd -nBC 10 user` makes the hashes.
 * The file is read again when it changes, as Prometheus does, so users rotate without a restart.
 */

/** bcrypt in its modular crypt form: $2a$, $2b$ or $2y$, a two-digit cost, 53 characters of salt and hash. */
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

export const webConfigSchema = z
  .object({
    basic_auth_users: z
      .record(z.string().min(1), z.string().regex(BCRYPT_HASH, 'must be a bcrypt hash ($2y$10$…, from htpasswd -nBC 10 <user>)'))
      .refine((users) => Object.keys(users).length > 0, 'lists no user')
      .refine((users) => Object.keys(users).every((user) => !user.includes(':')), 'a user name cannot contain ":" (basic auth separates the user from the password with it)'),
    // Prometheus' web configuration may also serve TLS; gapscope does not, so it refuses rather than
    // serve plain HTTP to someone who expects HTTPS.
    tls_server_config: z.undefined({ error: 'gapscope serves plain HTTP: terminate TLS in front of it (an ingress or a proxy) and remove tls_server_config' }).optional(),
    http_server_config: z.unknown().optional(),
  })
  .strict();

export type WebConfig = z.infer<typeof webConfigSchema>;

/** The file's users, or why the file cannot be used (its path is the caller's to add). */
export function parseWebConfig(text: string): WebConfig | string {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return `not YAML (${(error as Error).message.split('\n')[0]})`;
  }
  const parsed = webConfigSchema.safeParse(document);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join('.') || 'the file'}: ${issue.message}`;
}

export type AccessVerdict = { ok: true; user: string } | { ok: false; reason: 'no-credentials' | 'malformed' | 'denied' };

/** Accepted credentials are remembered this long: bcrypt is slow on purpose, and a page makes many requests. */
const ACCEPTED_FOR_MS = 60_000;
/** A hash for unknown users, so that they cost as much as a wrong password and tell nothing by timing. */
const UNKNOWN_USER_HASH = bcrypt.hashSync('gapscope: no such user', 10);

export class BasicAuthUsers {
  /** sha256 of an accepted Authorization header -> [user, until when]. Never the header itself. */
  private readonly accepted = new Map<string, [string, number]>();

  constructor(private readonly users: Readonly<Record<string, string>>) {}

  get count(): number {
    return Object.keys(this.users).length;
  }

  async check(authorization: string | null, now = Date.now()): Promise<AccessVerdict> {
    if (!authorization) return { ok: false, reason: 'no-credentials' };
    const key = createHash('sha256').update(authorization).digest('hex');
    const remembered = this.accepted.get(key);
    if (remembered && remembered[1] > now) return { ok: true, user: remembered[0] };
    const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization);
    if (!match) return { ok: false, reason: 'malformed' };
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) return { ok: false, reason: 'malformed' };
    const user = decoded.slice(0, colon);
    const hash = Object.hasOwn(this.users, user) ? this.users[user]! : undefined;
    const matches = await bcrypt.compare(decoded.slice(colon + 1), hash ?? UNKNOWN_USER_HASH);
    if (!matches || hash === undefined) return { ok: false, reason: 'denied' };
    // A bounded memory: a flood of distinct valid logins cannot grow it without end.
    if (this.accepted.size >= 1_000) this.accepted.clear();
    this.accepted.set(key, [user, now + ACCEPTED_FOR_MS]);
    return { ok: true, user };
  }
}

let loaded: { file: string; stamp: string; users: BasicAuthUsers | string } | undefined;

/**
 * The users of GAPSCOPE_WEB_CONFIG_FILE, read again when its size or modification time changes. A string:
 * why the file cannot be used now (unreadable, or invalid after an edit); the caller then refuses everyone.
 */
export function usersOf(file: string): BasicAuthUsers | string {
  let stamp: string;
  try {
    const stats = statSync(file);
    stamp = `${stats.size}:${stats.mtimeMs}`;
  } catch (error) {
    return `GAPSCOPE_WEB_CONFIG_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (loaded?.file === file && loaded.stamp === stamp) return loaded.users;
  let parsed: WebConfig | string;
  try {
    parsed = parseWebConfig(readFileSync(file, 'utf8'));
  } catch (error) {
    parsed = `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  const users = typeof parsed === 'string' ? `GAPSCOPE_WEB_CONFIG_FILE ${parsed}` : new BasicAuthUsers(parsed.basic_auth_users);
  loaded = { file, stamp, users };
  return users;
}
