/**
 * Removes what looks like a credential from text meant for a log line or an error excerpt: Authorization
 * values (Bearer, Basic), token= / password= / secret= pairs, and user:password@ in URLs.
 */
const PATTERNS: [RegExp, string][] = [
  [/\b(authorization|x-auth-token|cookie)(["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic)\s+)?[^"'\s,;]+/gi, '$1$2[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\b(token|access_token|password|passwd|secret|api[_-]?key)(["']?\s*[:=]\s*["']?)[^"'\s&,;]+/gi, '$1$2[redacted]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1[redacted]@'],
];

export function redact(text: string): string {
  return PATTERNS.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
}
