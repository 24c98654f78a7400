import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type Server } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ExpositionWriter, writeText, type Family } from './exposition';

/**
 * The simulated HTTP side of the lab: one HTTPS kubelet per node, an API-server-style node proxy on one
 * port for all nodes, kube-state-metrics, and TCP relays from clone nodes to their template's exporter.
 */

export const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

export type KubeletAuth = 'ok' | 'unauthorized' | 'forbidden';

export interface KubeletBackend {
  node: string;
  auth(): KubeletAuth;
  metrics(): Family[];
  cadvisor(): Family[];
  probes(): Family[];
  statsSummary(): unknown;
  configz(): unknown;
  pods(): unknown;
}

export interface Tokens {
  /** Prometheus' ServiceAccount: may read nodes/metrics. */
  prometheus: string;
  /** gapscope's ServiceAccount: may read nodes/metrics and nodes/proxy. */
  gapscope: string;
  /** A valid identity without the RBAC rights: 403. */
  noRights: string;
}

export interface Tls {
  cert: string;
  key: string;
}

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

function send(request: IncomingMessage, response: ServerResponse, status: number, contentType: string, body: string): void {
  const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) && body.length > 1024;
  const payload = gzip ? gzipSync(body) : Buffer.from(body);
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': payload.length, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
  response.end(payload);
}

function bearer(request: IncomingMessage): string | null {
  const header = String(request.headers.authorization ?? '');
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null;
}

const KUBELET_PATHS: Record<string, (backend: KubeletBackend) => { type: string; body: string }> = {
  '/metrics': (backend) => ({ type: TEXT_FORMAT, body: writeText(backend.metrics()) }),
  '/metrics/cadvisor': (backend) => ({ type: TEXT_FORMAT, body: writeText(backend.cadvisor()) }),
  '/metrics/probes': (backend) => ({ type: TEXT_FORMAT, body: writeText(backend.probes()) }),
  '/stats/summary': (backend) => ({ type: 'application/json', body: JSON.stringify(backend.statsSummary()) }),
  '/configz': (backend) => ({ type: 'application/json', body: JSON.stringify(backend.configz()) }),
  '/pods': (backend) => ({ type: 'application/json', body: JSON.stringify(backend.pods()) }),
  '/healthz': () => ({ type: 'text/plain; charset=utf-8', body: 'ok' }),
};

/** The kubelet's subresource for a path, as its authorizer names it in a 403. */
function subresource(path: string): string {
  if (path.startsWith('/metrics')) return 'metrics';
  if (path.startsWith('/stats')) return 'stats';
  if (path === '/configz' || path === '/pods') return 'proxy';
  return 'healthz';
}

function serveKubeletPath(backend: KubeletBackend, path: string, request: IncomingMessage, response: ServerResponse): void {
  const route = KUBELET_PATHS[path];
  if (!route) return send(request, response, 404, 'text/plain; charset=utf-8', '404 page not found\n');
  const { type, body } = route(backend);
  send(request, response, 200, type, body);
}

/** An authenticated caller: its user name, and whether RBAC lets it read the kubelet. */
interface Caller {
  user: string;
  mayRead: boolean;
}

/** The API server's identity at the kubelet: the CN of kubeadm's apiserver-kubelet-client certificate. */
const APISERVER_KUBELET_CLIENT: Caller = { user: 'kube-apiserver-kubelet-client', mayRead: true };

/**
 * The kubelet's own authentication and authorization of a caller (null: not authenticated). A kubelet in
 * the `unauthorized` state authenticates nobody, bearer tokens and the API server's client certificate alike
 * (its KubeletConfiguration lost its authentication section: no token webhook, no cluster client CA); one in
 * the `forbidden` state authorizes nobody. Whether Prometheus scrapes it directly or through the API
 * server's node proxy, its scrapes fail the same way.
 */
function serveAsKubelet(backend: KubeletBackend, caller: Caller | null, path: string, request: IncomingMessage, response: ServerResponse): void {
  const auth = backend.auth();
  if (auth === 'unauthorized' || caller === null) return send(request, response, 401, 'text/plain; charset=utf-8', 'Unauthorized');
  if (auth === 'forbidden' || !caller.mayRead) {
    const body = `Forbidden (user=${caller.user}, verb=get, resource=nodes, subresource(s)=[${subresource(path)}])`;
    return send(request, response, 403, 'text/plain; charset=utf-8', body);
  }
  serveKubeletPath(backend, path, request, response);
}

/** The kubelet as a direct scrape with a bearer token reaches it. */
export function kubeletHandler(backend: KubeletBackend, tokens: Tokens): Handler {
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'https://kubelet').pathname;
    const token = bearer(request);
    const caller: Caller | null =
      token === tokens.gapscope
        ? { user: 'system:serviceaccount:gapscope:gapscope', mayRead: true }
        : token === tokens.prometheus || token === tokens.noRights
          ? { user: 'system:serviceaccount:monitoring:prometheus-k8s', mayRead: token === tokens.prometheus }
          : null;
    serveAsKubelet(backend, caller, path, request, response);
  };
}

/**
 * An HTTPS listener that answers plain HTTP the way Go's TLS server does ("Client sent an HTTP request to
 * an HTTPS server", 400), which is what Prometheus reports when a job scrapes the kubelet's port over http.
 */
export function listenHttpsWithPlainHttpAnswer(tls: Tls, handler: Handler, host: string, port: number): Promise<Server> {
  const https = createHttpsServer({ cert: tls.cert, key: tls.key }, handler);
  const plain = createHttpServer((request, response) => {
    response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    response.end('Client sent an HTTP request to an HTTPS server.\n');
  });
  const server = createNetServer((socket) => {
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (!first) return socket.destroy();
      socket.unshift(first);
      // 0x16 opens a TLS handshake record.
      (first[0] === 0x16 ? https : plain).emit('connection', socket);
    });
    socket.on('error', () => socket.destroy());
  });
  return listen(server, host, port);
}

export function listen(server: Server, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`));
    });
    server.listen(port, host, () => resolve(server));
  });
}

function status(code: number, reason: string, message: string, details?: Record<string, string>) {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}

/** The API server's own /metrics: a few of the real families, with the build info a kubelet also exports. */
function apiserverFamilies(): Family[] {
  const out = new ExpositionWriter();
  out.family('apiserver_request_total', 'counter', '[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.');
  out.sample('apiserver_request_total', [['code', '200'], ['component', 'apiserver'], ['dry_run', ''], ['group', ''], ['resource', 'nodes'], ['scope', 'cluster'], ['subresource', 'proxy'], ['verb', 'CONNECT'], ['version', 'v1']], 1);
  out.family('kubernetes_build_info', 'gauge', '[ALPHA] A metric with a constant \'1\' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.');
  out.sample('kubernetes_build_info', [['build_date', '2024-12-10T11:36:15Z'], ['compiler', 'gc'], ['git_commit', 'a78aa47129b8539636eb86a9d00e31b2720fe06b'], ['git_tree_state', 'clean'], ['git_version', 'v1.31.4'], ['go_version', 'go1.22.10'], ['major', '1'], ['minor', '31'], ['platform', 'linux/amd64']], 1);
  return out.families();
}

/**
 * The API server's side: GET /api/v1/nodes, /api/v1/nodes/{node} and the node proxy
 * /api/v1/nodes/{node}/proxy/{path}. The API server authenticates the caller and authorizes nodes/proxy,
 * then reaches the kubelet with its own client certificate; the kubelet's answer, a 401 or 403 included,
 * passes through as the real proxy passes it.
 */
export function apiserverHandler(backends: ReadonlyMap<string, KubeletBackend>, nodeObjects: () => unknown[], tokens: Tokens): Handler {
  return (request, response) => {
    const json = 'application/json';
    const token = bearer(request);
    if (token !== tokens.gapscope && token !== tokens.prometheus && token !== tokens.noRights) {
      return send(request, response, 401, json, status(401, 'Unauthorized', 'Unauthorized'));
    }
    const path = new URL(request.url ?? '/', 'https://apiserver').pathname;
    if (path === '/version') return send(request, response, 200, json, JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.4' }));
    // Its own metrics, as the prometheus chart's kubernetes-apiservers job scrapes them: never a kubelet's.
    if (path === '/metrics') return send(request, response, 200, TEXT_FORMAT, writeText(apiserverFamilies()));
    const match = /^\/api\/v1\/nodes(?:\/([^/]+)(?:\/proxy(\/.*)?)?)?$/.exec(path);
    if (!match) return send(request, response, 404, json, status(404, 'NotFound', 'the server could not find the requested resource'));
    const [, nodeName, proxied] = match;
    if (token === tokens.noRights) {
      const resource = proxied === undefined ? 'resource "nodes"' : 'resource "nodes/proxy"';
      return send(request, response, 403, json, status(403, 'Forbidden', `nodes is forbidden: User "system:serviceaccount:default:viewer" cannot get ${resource} in API group "" at the cluster scope`));
    }
    if (!nodeName) return send(request, response, 200, json, JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: nodeObjects() }));
    const backend = backends.get(decodeURIComponent(nodeName));
    if (!backend) return send(request, response, 404, json, status(404, 'NotFound', `nodes "${nodeName}" not found`, { name: nodeName, kind: 'nodes' }));
    if (proxied === undefined) {
      const object = nodeObjects().find((candidate) => (candidate as { metadata: { name: string } }).metadata.name === backend.node);
      return send(request, response, 200, json, JSON.stringify(object));
    }
    serveAsKubelet(backend, APISERVER_KUBELET_CLIENT, proxied, request, response);
  };
}

export function plainHandler(routes: Record<string, () => string>): Handler {
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://lab').pathname;
    const route = routes[path];
    if (!route) return send(request, response, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    send(request, response, 200, path === '/metrics' ? TEXT_FORMAT : 'text/plain; charset=utf-8', route());
  };
}

/** Forwards a clone node's exporter address to its template's shared, real node_exporter. */
export function relay(host: string, port: number, upstreamHost: string, upstreamPort: number): Promise<Server> {
  const server = createNetServer((socket) => {
    const upstream = connect(upstreamPort, upstreamHost);
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close);
    upstream.on('error', close);
  });
  return listen(server, host, port);
}
