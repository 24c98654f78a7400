import 'server-only';
import { readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { KubeConfig } from '@kubernetes/client-node';
import type { Env } from '@/lib/env';
import { UpstreamError, type FailureKind } from '@/lib/errors';
import { redact } from '@/lib/http/redact';
import { NODE_NAME_PATTERN } from '@/lib/topology/node-name';

/**
 * The one adapter for kubelet endpoints, read directly (the address Prometheus scrapes, with a bearer token)
 * or through the API server's node proxy (/api/v1/nodes/{node}/proxy/...), with kubeconfig or in-cluster
 * credentials from @kubernetes/client-node.
 * https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/
 *
 * Bodies are streamed: gzip is decoded with a zlib stream (fetch()'s automatic decoding measured about 3x
 * slower on 20 MB in ../shared/LAB-NOTES.md), decoded bytes are capped, and every failure (401, 403,
 * refused, timeout, TLS, oversized, corrupt gzip) becomes an UpstreamError to show as evidence, not a crash.
 * Concurrent reads of the same node, path and consumer share one upstream request (single-flight), and its
 * result is reused for a few seconds.
 */

export const KUBELET_PATHS = ['/metrics', '/metrics/cadvisor', '/stats/summary', '/configz'] as const;
export type KubeletPath = (typeof KUBELET_PATHS)[number];

export type KubeletAccess =
  | { mode: 'direct'; tokenFile: string; caFile?: string; insecureSkipVerify: boolean }
  | { mode: 'proxy'; kubeconfigFile?: string; context?: string };

export interface KubeletConfig {
  access: KubeletAccess;
  timeoutMs: number;
  maxBytes: number;
  /** How long a finished read is reused for the same node, path and consumer. */
  reuseMs: number;
}

export function kubeletConfigFromEnv(env: Env): KubeletConfig | null {
  const common = { timeoutMs: env.GAPSCOPE_KUBELET_TIMEOUT, maxBytes: env.GAPSCOPE_KUBELET_MAX_BYTES, reuseMs: 5_000 };
  if (env.GAPSCOPE_KUBELET_MODE === 'direct' && env.GAPSCOPE_KUBELET_TOKEN_FILE) {
    return { ...common, access: { mode: 'direct', tokenFile: env.GAPSCOPE_KUBELET_TOKEN_FILE, caFile: env.GAPSCOPE_KUBELET_CA_FILE, insecureSkipVerify: env.GAPSCOPE_KUBELET_INSECURE_SKIP_VERIFY } };
  }
  if (env.GAPSCOPE_KUBELET_MODE === 'proxy') {
    return { ...common, access: { mode: 'proxy', kubeconfigFile: env.GAPSCOPE_KUBECONFIG, context: env.GAPSCOPE_KUBE_CONTEXT } };
  }
  return null;
}

/** A node as the inventory knows it; `kubeletAddress` is the host:port of its kubelet target, for direct reads. */
export interface KubeletNode {
  name: string;
  kubeletAddress?: string;
}

/** host:port, IPv4, [IPv6] or a DNS name, with a port. */
const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

const GUNZIP_CHUNK_BYTES = 128 * 1024;

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO/;

interface Plan {
  url: URL;
  options: RequestOptions;
  via: string;
}

export class KubeletClient {
  private readonly inFlight = new Map<string, { promise: Promise<unknown>; settledAt?: number }>();
  private kubeConfig?: KubeConfig;

  constructor(private readonly config: KubeletConfig) {}

  get mode(): KubeletAccess['mode'] {
    return this.config.access.mode;
  }

  /**
   * Streams `path` of the node's kubelet into `consume`. `consumer` names what `consume` computes, so that
   * concurrent callers asking the same thing share one request.
   */
  read<T>(node: KubeletNode, path: KubeletPath, consumer: string, consume: (body: AsyncIterable<Buffer>, contentType: string | null) => Promise<T>): Promise<T> {
    const key = `${node.name}\u0000${path}\u0000${consumer}`;
    const now = Date.now();
    const existing = this.inFlight.get(key);
    if (existing && (existing.settledAt === undefined || now - existing.settledAt < this.config.reuseMs)) return existing.promise as Promise<T>;
    const entry: { promise: Promise<T>; settledAt?: number } = { promise: this.fetch(node, path, consume) };
    this.inFlight.set(key, entry);
    const settle = () => {
      entry.settledAt = Date.now();
      setTimeout(() => {
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      }, this.config.reuseMs).unref();
    };
    entry.promise.then(settle, settle);
    return entry.promise;
  }

  private async plan(node: KubeletNode, path: KubeletPath): Promise<Plan> {
    const endpoint = `GET ${path}`;
    if (!NODE_NAME_PATTERN.test(node.name)) throw new UpstreamError('kubelet', 'unsupported', endpoint, `"${node.name}" is not a node name`);
    const access = this.config.access;
    if (access.mode === 'direct') {
      if (!node.kubeletAddress || !ADDRESS.test(node.kubeletAddress)) {
        throw new UpstreamError('kubelet', 'unsupported', endpoint, `no kubelet address is known for node ${node.name}: Prometheus has no kubelet target for it`);
      }
      return {
        url: new URL(`https://${node.kubeletAddress}${path}`),
        via: `kubelet ${node.kubeletAddress}`,
        options: {
          // Read per request: projected ServiceAccount tokens rotate.
          headers: { Authorization: `Bearer ${readFileSync(access.tokenFile, 'utf8').trim()}` },
          ca: access.caFile ? readFileSync(access.caFile) : undefined,
          rejectUnauthorized: !access.insecureSkipVerify,
        },
      };
    }
    const kubeConfig = this.loadKubeConfig(access);
    const server = kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new UpstreamError('kube-apiserver', 'unsupported', endpoint, 'the kubeconfig names no cluster server');
    const options: RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    return { url: new URL(`${server.replace(/\/+$/, '')}/api/v1/nodes/${encodeURIComponent(node.name)}/proxy${path}`), via: 'the API server node proxy', options };
  }

  /**
   * Who refused a 401. Directly, the kubelet refused the token. Through the proxy, the API server answers its
   * own refusals with a Status object; anything else is the kubelet's answer to the API server's client
   * certificate, passed through.
   */
  private whoRejected(excerpt: string): string {
    if (this.config.access.mode === 'direct') return 'the token was rejected (does the kubelet run with --authentication-token-webhook?)';
    if (/"kind":\s*"Status"/.test(excerpt)) return "the API server rejected the kubeconfig's credentials";
    return "the kubelet rejected the API server's client certificate (does its authentication.x509.clientCAFile trust the cluster CA?)";
  }

  private loadKubeConfig(access: Extract<KubeletAccess, { mode: 'proxy' }>): KubeConfig {
    if (!this.kubeConfig) {
      const kubeConfig = new KubeConfig();
      if (access.kubeconfigFile) kubeConfig.loadFromFile(access.kubeconfigFile);
      else kubeConfig.loadFromCluster();
      if (access.context) kubeConfig.setCurrentContext(access.context);
      this.kubeConfig = kubeConfig;
    }
    return this.kubeConfig;
  }

  private async fetch<T>(node: KubeletNode, path: KubeletPath, consume: (body: AsyncIterable<Buffer>, contentType: string | null) => Promise<T>): Promise<T> {
    const plan = await this.plan(node, path);
    const source = this.config.access.mode === 'proxy' ? 'kube-apiserver' : 'kubelet';
    const endpoint = `GET ${plan.url.pathname}`;
    const fail = (kind: FailureKind, message: string, status?: number) => new UpstreamError(source, kind, endpoint, `${plan.via} ${message}`, status);
    const signal = AbortSignal.timeout(this.config.timeoutMs);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = request(plan.url, {
        ...plan.options,
        method: 'GET',
        signal,
        headers: { ...(plan.options.headers as Record<string, string> | undefined), 'Accept-Encoding': 'gzip', Accept: 'text/plain, application/json;q=0.9, */*;q=0.5' },
      });
      outgoing.once('response', resolve);
      outgoing.once('error', (error: NodeJS.ErrnoException) => reject(this.classify(error, signal, fail)));
      outgoing.end();
    });
    if (response.statusCode !== 200) {
      const excerpt = await readExcerpt(response);
      const status = response.statusCode ?? 0;
      if (status === 401) throw fail('unauthorized', `returned 401 Unauthorized for ${path}: ${this.whoRejected(excerpt)}${excerpt ? `: ${excerpt}` : ''}`, status);
      if (status === 403) throw fail('forbidden', `returned 403 Forbidden for ${path}: ${excerpt || 'the identity lacks the RBAC rights'}`, status);
      throw fail('http-status', `returned HTTP ${status} for ${path}${excerpt ? `: ${excerpt}` : ''}`, status);
    }
    const gzip = /\bgzip\b/.test(String(response.headers['content-encoding'] ?? ''));
    // 128 KiB output chunks rather than zlib's 16 KiB: each chunk is a round trip to libuv's thread pool,
    // and on a 20 MB body that took the read from about 145 to 55-65 ms (`npm run bench -- source`); larger
    // chunks gained no more and held more memory.
    const stream = gzip ? response.pipe(createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES })) : response;
    if (gzip) response.once('error', (error) => stream.destroy(error));
    const maxBytes = this.config.maxBytes;
    const capped = async function* (): AsyncGenerator<Buffer> {
      let size = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) throw new RangeError('too large');
        yield chunk;
      }
    };
    try {
      return await consume(capped(), String(response.headers['content-type'] ?? '') || null);
    } catch (error) {
      if (error instanceof RangeError) throw fail('too-large', `sent more than ${maxBytes} bytes for ${path}; raise GAPSCOPE_KUBELET_MAX_BYTES if this node is that large`);
      if ((error as NodeJS.ErrnoException)?.code === 'Z_DATA_ERROR' || (error as NodeJS.ErrnoException)?.code === 'Z_BUF_ERROR') {
        throw fail('invalid-response', `sent a corrupt gzip body for ${path}`);
      }
      if (error instanceof UpstreamError) throw error;
      throw this.classify(error as NodeJS.ErrnoException, signal, fail);
    } finally {
      response.destroy();
    }
  }

  private classify(error: NodeJS.ErrnoException, signal: AbortSignal, fail: (kind: FailureKind, message: string) => UpstreamError): UpstreamError {
    if (signal.aborted || error.name === 'AbortError' || error.code === 'ETIMEDOUT') return fail('timeout', `did not answer within ${this.config.timeoutMs} ms`);
    const code = error.code ?? '';
    if (TLS_CODES.test(code)) return fail('tls', `failed TLS (${code}: ${error.message})`);
    return fail('unreachable', `could not be reached (${code || error.message})`);
  }
}

async function readExcerpt(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 2048) break;
  }
  // Redacted before it is cut: a kubelet or proxy that echoes the request must not show the token.
  const flat = redact(text.replace(/\s+/g, ' ').trim());
  return flat.length > 240 ? `${flat.slice(0, 240)}…` : flat;
}
