import type { LinkedFinding } from '@/lib/contract/explain';
import type { Finding } from '@/lib/contract/finding';
import { CLUSTER_CHECKS, FAMILIES } from '@/lib/families/registry';
import type { EmptySelector } from '@/lib/families/types';
import type { Selector } from './promql-tree';

/**
 * The node's findings (and the cluster's) that explain an empty selector: each family says which of its
 * findings do (Family.explainsEmpty), so the link lives with the family. PURE.
 */
function emptySelectorOf(selector: Selector): EmptySelector {
  const equal: Record<string, string> = {};
  for (const matcher of selector.matchers) if (matcher.op === '=') equal[matcher.label] = matcher.value;
  return { metric: selector.metric ?? '', equal, labels: selector.matchers.map((matcher) => matcher.label) };
}

export function linkFindings(selector: Selector, findings: readonly Finding[], clusterFindings: readonly Finding[]): LinkedFinding[] {
  const empty = emptySelectorOf(selector);
  const linked: LinkedFinding[] = [];
  for (const finding of findings) {
    const family = FAMILIES.find((candidate) => candidate.id === finding.family);
    if (family?.explainsEmpty?.(empty, finding)) linked.push({ node: finding.node, kind: finding.kind, cause: finding.cause, subject: finding.subject });
  }
  for (const finding of clusterFindings) {
    const check = CLUSTER_CHECKS.find((candidate) => candidate.id === finding.family);
    if (check?.explainsEmpty(empty)) linked.push({ node: finding.node, kind: finding.kind, cause: finding.cause, subject: finding.subject });
  }
  return linked;
}
