import { NextResponse, type NextRequest } from 'next/server';
import { usersOf } from '@/lib/http/access';
import { errorBody } from '@/lib/http/api-error';
import { env } from '@/lib/env';
import { frameAncestors } from '@/lib/http/frame-ancestors';
import { NODE_NAME_PATTERN } from '@/lib/topology/node-name';

/** True when every %XX sequence of the path decodes (as UTF-8): Next decodes route params and fails on the rest. */
function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

const BAD_PATH = 'the path has a malformed percent-encoding (such as %FF); encode node names as UTF-8';
const BAD_NODE = 'that is not a Kubernetes node name (a DNS-1123 subdomain: lower case letters, digits, "-" and ".")';

/** The node of a node page or embed path, decoded: "/nodes/x", "/embed/nodes/x/findings". */
function nodeOfPage(pathname: string): string | null {
  const match = /^\/(?:embed\/)?nodes\/([^/]+)/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

function badRequestPage(message: string, csp: string): NextResponse {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad request · gapscope</title></head><body><h1>Bad request</h1><p>${message}.</p><p><a href="/">Back to the fleet</a></p></body></html>`;
  return new NextResponse(page, { status: 400, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp } });
}

/** Probes reach the health check without credentials: it tells only up or degraded, and Prometheus' version. */
const OPEN_PATHS = new Set(['/api/healthz']);

/**
 * null when the request may go on: access control is off, the path is open, or its basic-auth credentials
 * belong to a user of GAPSCOPE_WEB_CONFIG_FILE. Otherwise the answer: 401 with a Basic challenge, or 503
 * when the file became unusable (everyone is refused rather than let in).
 */
async function refusal(request: NextRequest, pathname: string, csp: string): Promise<NextResponse | null> {
  const file = env().GAPSCOPE_WEB_CONFIG_FILE;
  if (!file || OPEN_PATHS.has(pathname)) return null;
  const users = usersOf(file);
  const api = pathname.startsWith('/api/');
  if (typeof users === 'string') {
    const message = `access control is on but cannot check anyone: ${users}`;
    if (api) return NextResponse.json(errorBody('internal', message), { status: 503, headers: { 'Content-Security-Policy': csp, 'Retry-After': '30' } });
    return new NextResponse(`gapscope: ${message}\n`, { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': csp, 'Retry-After': '30' } });
  }
  const verdict = await users.check(request.headers.get('authorization'));
  if (verdict.ok) return null;
  const message = verdict.reason === 'no-credentials' ? 'sign in: gapscope asks for a user and password' : 'the user or password is wrong';
  const headers = { 'WWW-Authenticate': 'Basic realm="gapscope", charset="UTF-8"', 'Content-Security-Policy': csp };
  if (api) return NextResponse.json(errorBody('unauthorized', message), { status: 401, headers });
  return new NextResponse(`gapscope: ${message}\n`, { status: 401, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * Runs before every page and API answer: asks for credentials where access control is on; refuses a path
 * Next could not decode (400, in the API's JSON error shape under /api/, a short page elsewhere) instead of
 * letting it become a text 500; and sets who may frame
 * each page at request time, so that GAPSCOPE_FRAME_ANCESTORS takes effect on restart without a rebuild
 * (headers in next.config.js are fixed at build time).
 */
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const csp = frameAncestors(pathname, env().GAPSCOPE_FRAME_ANCESTORS);
  const refused = await refusal(request, pathname, csp);
  if (refused) return refused;
  if (!decodable(pathname)) {
    if (pathname.startsWith('/api/')) return NextResponse.json(errorBody('bad-request', BAD_PATH), { status: 400, headers: { 'Content-Security-Policy': csp } });
    return badRequestPage(BAD_PATH, csp);
  }
  // A node page or embed for something that cannot be a node name: 400 before anything renders.
  const node = nodeOfPage(pathname);
  if (node !== null && !NODE_NAME_PATTERN.test(node)) return badRequestPage(BAD_NODE, csp);
  const response = NextResponse.next();
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  // Pages and API answers; not the static assets.
  matcher: ['/((?!_next/static|_next/image|favicon\\.svg|logo\\.svg).*)'],
};
