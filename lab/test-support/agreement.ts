import { expect } from 'vitest';
import type { Gapscope } from '@/lib/server/gapscope';
import { rangeEnding } from './clients';

/**
 * The findings of a node and its timeline, asked for the same instant, must agree: every fault finding's
 * subject has a lane in `gap` at the end of the range, every by-design finding's a lane in `by-design`, and
 * every lane that ends in `gap` has a fault finding. Returns what was compared, for the caller's own checks.
 */
export async function expectAgreement(gapscope: Gapscope, node: string) {
  const now = Date.now();
  const range = rangeEnding(undefined, now);
  const [investigation, answer] = await Promise.all([gapscope.node(node, range, now), gapscope.timeline(node, range, now)]);
  expect(investigation.found, node).toBe(true);
  const lanes = answer.timeline!.lanes;
  const endOf = (lane: (typeof lanes)[number]) => lane.segments.at(-1)!.state;
  for (const finding of investigation.findings) {
    const lane = lanes.find((candidate) => candidate.family === finding.family && candidate.subject === finding.subject);
    expect(lane, `${node}: ${finding.kind} on ${finding.subject} has a lane`).toBeDefined();
    expect(endOf(lane!), `${node}: the lane of ${finding.kind} on ${finding.subject} at the end`).toBe(finding.expectedByDesign ? 'by-design' : 'gap');
  }
  for (const lane of lanes) {
    const state = endOf(lane);
    if (state !== 'gap' && state !== 'by-design') continue;
    const finding = investigation.findings.find((candidate) => candidate.family === lane.family && candidate.subject === lane.subject);
    expect(finding, `${node}: the lane ${lane.id} ends in ${state}, so a finding says why`).toBeDefined();
    expect(finding!.expectedByDesign, `${node}: ${lane.id}`).toBe(state === 'by-design');
  }
  return { investigation, timeline: answer.timeline! };
}
