import { NextResponse, type NextRequest } from 'next/server';
import { errorBody } from '@/lib/http/api-error';
import { env } from '@/lib/env';
import { frameAncestors } from '@/lib/http/frame-ancestors';

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
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad request · gapscope</title></head><body><h1>Bad request</h1><p>${BAD_PATH}.</p><p><a href="/">Back to the fleet</a></p></body></html>`;
    return new NextResponse(page, { status: 400, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp } });
  }
  const response = NextResponse.next();
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  // Pages and API answers; not the static assets.
  matcher: ['/((?!_next/static|_next/image|favicon\\.svg|logo\\.svg).*)'],
};
