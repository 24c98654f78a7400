import type { FamilyId, Finding } from '@/lib/contract/finding';
import type { FamilyCount, FleetNodeSummary } from '@/lib/contract/fleet';
import type { ContainerLayers } from '@/lib/contract/investigation';
import { FAMILIES } from '@/lib/families/registry';
import type { Observation, Verdict } from '@/lib/families/types';
import { ROLE_NAMES } from '@/lib/families/scrape/causes';
import type { FleetNode, NodeRole, RoleHealth } from '@/lib/topology/fleet';

const ROLE_OF_SUBJECT = new Map((Object.entries(ROLE_NAMES) as [NodeRole, string][]).map(([role, name]) => [name, role]));

/**
 * A node's findings at one instant: every family's rule, and the findings of its fault and by-design
 * verdicts. PURE. The timeline runs the same rules at every step (lib/engine/timeline.ts).
 */

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

export type Verdicts = Map<FamilyId, Verdict[] | null>;

export function verdictsOf(observation: Observation): Verdicts {
  return new Map(FAMILIES.map((family) => [family.id, family.rule(observation)]));
}

export function findingsOf(observation: Observation, verdicts: Verdicts = verdictsOf(observation)): Finding[] {
  const findings: Finding[] = [];
  for (const family of FAMILIES) {
    for (const verdict of verdicts.get(family.id) ?? []) {
      if (verdict.state === 'fault' || verdict.state === 'by-design') findings.push(...family.describe(verdict, observation));
    }
  }
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.kind.localeCompare(b.kind) || a.subject.localeCompare(b.subject));
}

/** The families' layer accounting (the node card's counts), from the same verdicts as the findings. */
export function layersOf(observation: Observation, verdicts: Verdicts): ContainerLayers[] {
  return FAMILIES.flatMap((family) => {
    const familyVerdicts = verdicts.get(family.id);
    const layers = familyVerdicts && family.layers ? family.layers(familyVerdicts, observation) : null;
    return layers ? [layers] : [];
  });
}

/** One fleet row: the node's findings counted by kind, severity and family, and its targets' health. */
export function summarize(node: FleetNode, findings: readonly Finding[]): FleetNodeSummary {
  const bySeverity = { critical: 0, warning: 0, info: 0 };
  const byKind: FleetNodeSummary['counts']['byKind'] = {};
  const families: Partial<Record<FamilyId, FamilyCount>> = {};
  // Findings come sorted worst first, so a family's first fault carries its worst severity.
  for (const finding of findings) {
    bySeverity[finding.severity]++;
    byKind[finding.kind] = (byKind[finding.kind] ?? 0) + 1;
    const family = (families[finding.family] ??= { faults: 0, expectedByDesign: 0, worstSeverity: null });
    if (finding.expectedByDesign) family.expectedByDesign++;
    else {
      family.faults++;
      family.worstSeverity ??= finding.severity;
    }
  }
  const lastErrors: FleetNodeSummary['lastErrors'] = {};
  for (const [role, health] of Object.entries(node.roles) as [NodeRole, RoleHealth][]) {
    const errors = [...new Set(health.targets.map((target) => target.lastError).filter(Boolean))];
    if (errors.length > 0) lastErrors[role] = errors;
  }
  // A target finding's subject is its role's name (lib/families/scrape/causes.ts ROLE_NAMES).
  const targetCauses: FleetNodeSummary['targetCauses'] = {};
  for (const finding of findings) {
    const role = ROLE_OF_SUBJECT.get(finding.subject);
    if (role && (finding.kind === 'target-down' || finding.kind === 'target-missing')) targetCauses[role] ??= finding.cause;
  }
  return {
    name: node.name,
    internalIp: node.internalIp,
    kubeletVersion: node.kubeletVersion,
    containerRuntime: node.containerRuntime,
    targets: { kubelet: node.roles.kubelet.health, cadvisor: node.roles.cadvisor.health, 'node-exporter': node.roles['node-exporter'].health },
    lastErrors,
    targetCauses,
    counts: { total: findings.length, expectedByDesign: findings.filter((finding) => finding.expectedByDesign).length, bySeverity, byKind },
    families,
    worstSeverity: findings.find((finding) => !finding.expectedByDesign)?.severity ?? null,
  };
}
