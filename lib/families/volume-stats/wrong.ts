import type { Finding } from '@/lib/contract/finding';

/**
 * `pvc-stats-wrong`: a claim's kubelet_volume_stats_capacity_bytes is not the volume's but a filesystem it
 * shares. PURE.
 *
 * The kubelet measures a volume with statfs on its directory under /var/lib/kubelet/pods. When nothing is
 * mounted there in the host's mount namespace, statfs answers for the filesystem that holds the directory.
 *
 * Causes, first match wins:
 * - `root-filesystem-measured`: the capacity is exactly the size of the node's root filesystem (from
 *   node_exporter); the volume is not mounted where the kubelet looks
 * - `shared-filesystem`: without the root's size, two or more claims on the node report one identical
 *   capacity that none of them requested
 */

export interface ClaimCapacity {
  /** namespace/name */
  claim: string;
  capacityBytes: number;
  /** What the claim requested (kube-state-metrics), when known. */
  requestedBytes?: number;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

const EXPLANATION =
  "The kubelet measures a volume with statfs on its directory under /var/lib/kubelet/pods. Nothing is mounted on that directory in the host's mount namespace, so statfs answers for the filesystem that holds it. The usual reason is a CSI node plugin that mounts the volume in its own mount namespace: its /var/lib/kubelet mount lacks mountPropagation: Bidirectional, or the kubelet runs in a container without a shared /var/lib/kubelet. Pods still see their data, but usage and capacity alerts watch the wrong disk.";

const REMEDIATION: Finding['remediation'] = {
  text: "Give the CSI node plugin's kubelet directory Bidirectional propagation (and a shared /var/lib/kubelet where the kubelet runs in a container), then restart the plugin and the pods that use the claim.",
  snippet: 'volumeMounts:\n- name: kubelet-dir\n  mountPath: /var/lib/kubelet\n  mountPropagation: Bidirectional',
};

const REFERENCES = ['https://kubernetes.io/docs/concepts/storage/volumes/#mount-propagation', 'https://kubernetes-csi.github.io/docs/deploying.html'];

export const WRONG_CAUSES = ['root-filesystem-measured', 'shared-filesystem'] as const;

export interface WrongCapacity {
  cause: (typeof WRONG_CAUSES)[number];
  /** The claims on the node that report the same capacity (the claim itself included). */
  group: ClaimCapacity[];
}

/** THE rule of pvc-stats-wrong, per claim: which capacities are not the volume's. */
export function wrongCapacities(capacities: readonly ClaimCapacity[], rootSizeBytes: number | null): Map<string, WrongCapacity> {
  const wrong = new Map<string, WrongCapacity>();
  if (rootSizeBytes !== null) {
    const rootSized = capacities.filter((claim) => claim.capacityBytes === rootSizeBytes);
    for (const claim of rootSized) wrong.set(claim.claim, { cause: 'root-filesystem-measured', group: rootSized });
    return wrong;
  }
  const byCapacity = new Map<number, ClaimCapacity[]>();
  for (const claim of capacities) byCapacity.set(claim.capacityBytes, [...(byCapacity.get(claim.capacityBytes) ?? []), claim]);
  for (const group of byCapacity.values()) {
    if (group.length >= 2 && group.every((claim) => claim.requestedBytes !== undefined && claim.requestedBytes !== claim.capacityBytes)) {
      for (const claim of group) wrong.set(claim.claim, { cause: 'shared-filesystem', group });
    }
  }
  return wrong;
}

interface WrongEvidence {
  node: string;
  at: string;
  rootSizeBytes: number | null;
  queries: { capacity: string; rootSize: string; requests: string };
}

/** The pvc-stats-wrong finding of one claim. */
export function wrongFinding(input: WrongEvidence, claim: ClaimCapacity, { cause, group }: WrongCapacity): Finding {
  const { rootSizeBytes } = input;
  const summary =
    cause === 'root-filesystem-measured' && rootSizeBytes !== null
      ? `${claim.claim} reports the root disk's capacity (${gib(rootSizeBytes)})${claim.requestedBytes !== undefined ? `, not its ${gib(claim.requestedBytes)}` : ''}${group.length > 1 ? `; ${group.length} claims on ${input.node} do` : ''}`
      : `${group.length} claims on ${input.node} report the same capacity (${gib(claim.capacityBytes)}), which none of them requested`;
  const extraEvidence: Finding['evidence'] =
    cause === 'root-filesystem-measured' && rootSizeBytes !== null
      ? [{ source: 'prometheus', query: input.queries.rootSize, excerpt: `/ size=${rootSizeBytes}`, value: rootSizeBytes, at: input.at }]
      : [{ source: 'prometheus', query: input.queries.capacity, excerpt: group.map((other) => `${other.claim} capacity=${other.capacityBytes}`).join('\n'), value: group.length, at: input.at }];
  return {
    kind: 'pvc-stats-wrong',
    cause,
    family: 'volume-stats',
    node: input.node,
    subject: claim.claim,
    severity: 'warning',
    layer: 'source',
    expectedByDesign: false,
    summary,
    explanation: EXPLANATION,
    evidence: [
      { source: 'prometheus', query: input.queries.capacity, excerpt: `${claim.claim} capacity=${claim.capacityBytes}`, value: claim.capacityBytes, at: input.at },
      ...extraEvidence,
      ...(claim.requestedBytes !== undefined ? [{ source: 'prometheus' as const, query: input.queries.requests, excerpt: `${claim.claim} requests ${claim.requestedBytes}`, value: claim.requestedBytes, at: input.at }] : []),
    ],
    remediation: REMEDIATION,
    references: REFERENCES,
  };
}
