import type { Finding } from './finding';

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

export interface PvcStatsWrongInput {
  node: string;
  at: string;
  capacities: ClaimCapacity[];
  /** The node's root filesystem size from node_exporter, or null when it is not known. */
  rootSizeBytes: number | null;
  queries: { capacity: string; rootSize: string };
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

const EXPLANATION =
  "The kubelet measures a volume with statfs on its directory under /var/lib/kubelet/pods. Nothing is mounted on that directory in the host's mount namespace, so statfs answers for the filesystem that holds it. The usual reason is a CSI node plugin that mounts the volume in its own mount namespace: its /var/lib/kubelet mount lacks mountPropagation: Bidirectional, or the kubelet runs in a container without a shared /var/lib/kubelet. Pods still see their data, but usage and capacity alerts watch the wrong disk.";

const REMEDIATION: Finding['remediation'] = {
  text: "Give the CSI node plugin's kubelet directory Bidirectional propagation (and a shared /var/lib/kubelet where the kubelet runs in a container), then restart the plugin and the pods that use the claim.",
  snippet: 'volumeMounts:\n- name: kubelet-dir\n  mountPath: /var/lib/kubelet\n  mountPropagation: Bidirectional',
};

const REFERENCES = ['https://kubernetes.io/docs/concepts/storage/volumes/#mount-propagation', 'https://kubernetes-csi.github.io/docs/deploying.html'];

function finding(input: PvcStatsWrongInput, claim: ClaimCapacity, cause: string, summary: string, extraEvidence: Finding['evidence']): Finding {
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
      ...(claim.requestedBytes !== undefined
        ? [{ source: 'prometheus' as const, query: 'kube_persistentvolumeclaim_resource_requests_storage_bytes', excerpt: `${claim.claim} requests ${claim.requestedBytes}`, value: claim.requestedBytes, at: input.at }]
        : []),
    ],
    remediation: REMEDIATION,
    references: REFERENCES,
  };
}

export function detectPvcStatsWrong(input: PvcStatsWrongInput): Finding[] {
  const { rootSizeBytes, capacities } = input;
  if (rootSizeBytes !== null) {
    const rootSized = capacities.filter((claim) => claim.capacityBytes === rootSizeBytes);
    return rootSized.map((claim) =>
      finding(
        input,
        claim,
        'root-filesystem-measured',
        `${claim.claim} reports the root disk's capacity (${gib(rootSizeBytes)})${claim.requestedBytes !== undefined ? `, not its ${gib(claim.requestedBytes)}` : ''}${rootSized.length > 1 ? `; ${rootSized.length} claims on ${input.node} do` : ''}`,
        [{ source: 'prometheus', query: input.queries.rootSize, excerpt: `/ size=${rootSizeBytes}`, value: rootSizeBytes, at: input.at }],
      ),
    );
  }
  const byCapacity = new Map<number, ClaimCapacity[]>();
  for (const claim of capacities) byCapacity.set(claim.capacityBytes, [...(byCapacity.get(claim.capacityBytes) ?? []), claim]);
  return [...byCapacity.values()]
    .filter((group) => group.length >= 2 && group.every((claim) => claim.requestedBytes !== undefined && claim.requestedBytes !== claim.capacityBytes))
    .flatMap((group) =>
      group.map((claim) =>
        finding(input, claim, 'shared-filesystem', `${group.length} claims on ${input.node} report the same capacity (${gib(claim.capacityBytes)}), which none of them requested`, [
          { source: 'prometheus', query: input.queries.capacity, excerpt: group.map((other) => `${other.claim} capacity=${other.capacityBytes}`).join('\n'), value: group.length, at: input.at },
        ]),
      ),
    );
}
