import { NextResponse, type NextRequest } from 'next/server';
import { env } from '@/lib/env';
import { frameAncestors } from '@/lib/http/frame-ancestors';

/**
 * Sets who may frame each page at request time, so that GAPSCOPE_FRAME_ANCESTORS takes effect on restart
 * without a rebuild (headers in next.config.js are fixed at build time).
 */
export function proxy(request: NextRequest) {
  const response = NextResponse.next();
  response.headers.set('Content-Security-Policy', frameAncestors(request.nextUrl.pathname, env().GAPSCOPE_FRAME_ANCESTORS));
  return response;
}

export const config = {
  // Pages and API answers; not the static assets.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
