import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { CLUSTER_NAME_PATTERN } from '@/lib/topology/cluster-name';

/**
 * The only place gapscope reads its environment. Parsed once, on first use and at server start
 * (instrumentation.ts), so that a bad value stops start-up with a message naming the variable.
 * Every key is listed in .env.example and the README. Secrets are given as file paths, never values,
 * and files are re-read on use so rotated tokens are picked up.
 */

const readableFile = z.string().min(1).refine(
  (path) => {
    try {
      accessSync(path, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'file does not exist or is not readable' },
);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

const durationMs = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const match = /^(\d+)(ms|s|m)$/.exec(text);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 500ms, 10s or 1m` });
        return z.NEVER;
      }
      return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
    });

/** Headers that carry credentials: they are given as files (token, password), never in a variable. */
const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|x-auth-token)$/i;

/**
 * "X-Scope-OrgID=team-a,X-Other=b" -> headers; names must be valid HTTP tokens. A message names a header,
 * never its value: the value may be a secret that was put here by mistake, and messages reach the log.
 */
const headerList = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const headers: Record<string, string> = {};
    for (const [index, pair] of text.split(',').map((part) => part.trim()).filter(Boolean).entries()) {
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      if (at <= 0 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
        ctx.addIssue({ code: 'custom', message: `entry ${index + 1} is not Name=value (its text is not shown: it may hold a secret)` });
        return z.NEVER;
      }
      if (CREDENTIAL_HEADERS.test(name)) {
        ctx.addIssue({ code: 'custom', message: `${name} carries credentials: give them as a file with GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE or GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER and _PASSWORD_FILE` });
        return z.NEVER;
      }
      headers[name] = pair.slice(at + 1).trim();
    }
    return headers;
  });

const ROLES = ['kubelet', 'cadvisor', 'node-exporter', 'kube-state-metrics'] as const;

/** "host-metrics=node-exporter,k8s-nodes=kubelet" -> job -> role, for jobs whose names do not tell. */
const jobRoles = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const roles: Record<string, (typeof ROLES)[number]> = {};
    for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
      const at = pair.lastIndexOf('=');
      const role = pair.slice(at + 1).trim();
      if (at <= 0 || !(ROLES as readonly string[]).includes(role)) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not job=role, with role one of ${ROLES.join(', ')}` });
        return z.NEVER;
      }
      roles[pair.slice(0, at).trim()] = role as (typeof ROLES)[number];
    }
    return roles;
  });

/**
 * Second-level labels under which anyone can register a name (co.uk, com.au): a wildcard directly above one
 * would let any site there frame the embeds. Not the whole Public Suffix List; the common ones.
 */
const SHARED_SECOND_LEVEL = /^(co|com|net|org|gov|edu|ac|or|ne|go)$/;

/** Is this host (after a "*.") a registrable domain, not a public suffix such as "com" or "co.uk"? */
function registrable(host: string): boolean {
  const labels = host.split('.');
  if (labels.length < 2 || labels.some((label) => !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(label))) return false;
  return !(labels.length === 2 && labels[1]!.length === 2 && SHARED_SECOND_LEVEL.test(labels[0]!));
}

/**
 * Origins allowed to frame /embed pages, for CSP frame-ancestors: "https://grafana.example.com
 * https://*.example.org". Scheme and host only: a path, a quote or a semicolon could widen the policy. A
 * wildcard only as the leftmost label above a registrable domain (not "https://*.com"), and ports 1-65535.
 */
const frameAncestors = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const origins = text.split(/[\s,]+/).filter(Boolean);
    for (const origin of origins) {
      const match = /^https?:\/\/(\*\.)?([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(origin);
      const port = match?.[3] === undefined ? null : Number(match[3]);
      const valid = match !== null && (port === null || (port >= 1 && port <= 65535)) && (match[1] ? registrable(match[2]!) : /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(match[2]!));
      if (!valid) {
        ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin such as https://grafana.example.com or https://*.example.com (a wildcard only above a registrable domain, ports 1-65535)` });
        return z.NEVER;
      }
    }
    return origins;
  });

/** A label name as PromQL writes it unquoted. */
const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a label name such as cluster');

/** "eu-1=value,us-2=value" -> cluster -> value, each value checked by `value`. */
const perCluster = <T>(what: string, value: (text: string) => T | null) =>
  z
    .string()
    .default('')
    .transform((text, ctx) => {
      const map: Record<string, T> = {};
      for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
        const at = pair.indexOf('=');
        const cluster = pair.slice(0, at).trim();
        const parsed = at > 0 && CLUSTER_NAME_PATTERN.test(cluster) ? value(pair.slice(at + 1).trim()) : null;
        if (parsed === null) {
          ctx.addIssue({ code: 'custom', message: `"${pair.slice(0, 80)}" is not cluster=${what}` });
          return z.NEVER;
        }
        map[cluster] = parsed;
      }
      return map;
    });

/** A scraper's base URL (Prometheus in agent mode, vmagent): http(s), no credentials in it. */
const scraperUrl = (text: string): string | null => {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  return /^https?:$/.test(url.protocol) && !url.username && !url.password ? text.replace(/\/+$/, '') : null;
};

const prometheusUrl = z
  .string({ error: 'is required (the base URL of Prometheus or a Prometheus-compatible API)' })
  .transform((text, ctx) => {
    const url = URL.canParse(text) ? new URL(text) : null;
    if (!url) ctx.addIssue({ code: 'custom', message: 'must be a URL such as http://prometheus:9090' });
    else if (!/^https?:$/.test(url.protocol)) ctx.addIssue({ code: 'custom', message: 'must be http or https' });
    else if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not carry credentials: use GAPSCOPE_PROMETHEUS_BASIC_AUTH_* or GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE' });
    } else return text.replace(/\/+$/, '');
    return z.NEVER;
  });

export const envSchema = z
  .object({
    GAPSCOPE_PROMETHEUS_URL: prometheusUrl,
    GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE: readableFile.optional(),
    GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER: z.string().min(1).optional(),
    GAPSCOPE_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE: readableFile.optional(),
    GAPSCOPE_PROMETHEUS_HEADERS: headerList,
    GAPSCOPE_JOB_ROLES: jobRoles,
    GAPSCOPE_PROMETHEUS_CA_FILE: readableFile.optional(),
    GAPSCOPE_PROMETHEUS_INSECURE_SKIP_VERIFY: booleanFlag,
    GAPSCOPE_PROMETHEUS_TIMEOUT: durationMs('10s'),
    GAPSCOPE_FLEET_CACHE_TTL: durationMs('15s'),
    GAPSCOPE_FRAME_ANCESTORS: frameAncestors,
    /** The label that tells clusters apart in a store that holds several (an agent's external label). */
    GAPSCOPE_CLUSTER_LABEL: labelName.default('cluster'),
    /** Per cluster, its scraper's own API (a Prometheus agent, vmagent), for target last errors and relabel rules. */
    GAPSCOPE_CLUSTER_SCRAPERS: perCluster('http://scraper:9090', scraperUrl),
    /** Per cluster, the kubeconfig context (GAPSCOPE_KUBECONFIG) through which its kubelets are read; others: not read. */
    GAPSCOPE_CLUSTER_KUBE_CONTEXTS: perCluster('context', (text) => (text.length > 0 && text.length <= 253 ? text : null)),
    /** A directory of Grafana dashboards (*.json, as Grafana's provisioning ConfigMaps hold them) offered on node pages. */
    GAPSCOPE_DASHBOARDS_DIR: readableFile.optional(),
    /** Optional access control: a Prometheus-style web configuration file with basic_auth_users (lib/http/access.ts). */
    GAPSCOPE_WEB_CONFIG_FILE: readableFile.optional(),
    GAPSCOPE_KUBELET_MODE: z.enum(['off', 'direct', 'proxy']).default('off'),
    GAPSCOPE_KUBELET_TOKEN_FILE: readableFile.optional(),
    GAPSCOPE_KUBELET_CA_FILE: readableFile.optional(),
    GAPSCOPE_KUBELET_INSECURE_SKIP_VERIFY: booleanFlag,
    GAPSCOPE_KUBECONFIG: readableFile.optional(),
    GAPSCOPE_KUBE_CONTEXT: z.string().min(1).optional(),
    GAPSCOPE_KUBELET_TIMEOUT: durationMs('10s'),
    GAPSCOPE_KUBELET_MAX_BYTES: z.coerce.number().int().min(1 << 20).default(64 << 20),
  })
  .superRefine((env, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER && !env.GAPSCOPE_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE) {
      issue('GAPSCOPE_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE', 'is required when GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER is set');
    }
    if (env.GAPSCOPE_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE && !env.GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER) {
      issue('GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER', 'is required when GAPSCOPE_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE is set');
    }
    if (env.GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE && env.GAPSCOPE_PROMETHEUS_BASIC_AUTH_USER) {
      issue('GAPSCOPE_PROMETHEUS_BEARER_TOKEN_FILE', 'cannot be combined with basic auth: choose one');
    }
    if (env.GAPSCOPE_KUBELET_MODE === 'direct' && !env.GAPSCOPE_KUBELET_TOKEN_FILE) {
      issue('GAPSCOPE_KUBELET_TOKEN_FILE', 'is required when GAPSCOPE_KUBELET_MODE=direct (a token allowed to get nodes/metrics and nodes/proxy)');
    }
    if (Object.keys(env.GAPSCOPE_CLUSTER_KUBE_CONTEXTS).length > 0 && env.GAPSCOPE_KUBELET_MODE !== 'proxy') {
      issue('GAPSCOPE_CLUSTER_KUBE_CONTEXTS', "needs GAPSCOPE_KUBELET_MODE=proxy: each cluster's kubelets are read through its own API server");
    }
    if (env.GAPSCOPE_KUBELET_CA_FILE && env.GAPSCOPE_KUBELET_INSECURE_SKIP_VERIFY) {
      issue('GAPSCOPE_KUBELET_INSECURE_SKIP_VERIFY', 'cannot be combined with GAPSCOPE_KUBELET_CA_FILE');
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override name = 'EnvError';
}

/** Parses an environment; throws EnvError listing every bad variable and what is wrong with it. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new EnvError(`gapscope's configuration is invalid:\n${lines.join('\n')}\nSee .env.example for every setting.`);
}

let parsed: Env | undefined;

export function env(): Env {
  parsed ??= parseEnv(process.env);
  return parsed;
}
