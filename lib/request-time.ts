/**
 * The instant a server render describes, read once per request and passed down, so that the findings and
 * the timeline of one page agree on "now". (Server components render once per request; React's purity
 * rule, which is about re-renders in the browser, does not apply to this one read.)
 */
export function requestTime(): number {
  return Date.now();
}
