/**
 * The CSP frame-ancestors value: who may show a page in a frame. Dashboard pages: gapscope itself only.
 * Embeds: also the configured origins (GAPSCOPE_FRAME_ANCESTORS, already validated as bare origins).
 * https://developer.mozilla.org/docs/Web/HTTP/Headers/Content-Security-Policy/frame-ancestors
 */
export function frameAncestors(pathname: string, allowlist: readonly string[]): string {
  const embed = pathname === '/embed' || pathname.startsWith('/embed/');
  return ["frame-ancestors 'self'", ...(embed ? allowlist : [])].join(' ');
}
