import { NextResponse, type NextRequest } from 'next/server';
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

/**
 * Runs before every page and API answer: refuses a path Next could not decode (400, in the API's JSON error
 * shape under /api/, a short page elsewhere) instead of letting it become a text 500; and sets who may frame
 * each page at request time, so that GAPSCOPE_FRAME_ANCESTORS takes effect on restart without a rebuild
 * (headers in next.config.js are fixed at build time).
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const csp = frameAncestors(pathname, env().GAPSCOPE_FRAME_ANCESTORS);
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
