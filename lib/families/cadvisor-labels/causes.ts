import type { Finding } from '@/lib/contract/finding';

/**
 * Which container cgroups count, and why they lost their labels. PURE.
 *
 * Only container cgroups count: `/kubepods/<qos>/pod<uid>/<64-hex id>` (cgroupfs driver) or
 * `.../kubepods-<qos>-pod<uid>.slice/<runtime>-<64-hex id>.scope` (systemd driver). `id="/"`, system slices
 * and pod-level cgroups never carry image or name, by design.
 *
 * Causes of cadvisor-labels-empty:
 * - `runtime-started-after-kubelet`: the kubelet (and its embedded cAdvisor) started before the container
 *   runtime was up, so no runtime factory registered and containers are read as raw cgroups
 * - `runtime-socket-unreachable`: the runtime is containerd but no `containerd.service` cgroup exists: it is
 *   embedded in another unit (k3s, RKE2, k0s), with its socket elsewhere than /run/containerd/containerd.sock,
 *   where cAdvisor's containerd factory dials (the kubelet's CRI endpoint is configured apart and works)
 * - `runtime-factory-failed`: the runtime's version string is not x.y.z (e.g. `docker://dev`), which cAdvisor's
 *   Docker factory refuses; or Docker through cri-dockerd on a kubelet 1.24 or later, whose cAdvisor has no
 *   Docker factory at all (kubernetes/kubernetes#111077)
 * - `unknown`: neither is visible from the stored series
 */

const CONTAINER_CGROUP = [
  /^\/kubepods(\/(besteffort|burstable))?\/pod[0-9a-f-]{32,36}\/[0-9a-f]{64}$/,
  /^\/kubepods\.slice\/.*pod[0-9a-f_]{32,36}\.slice\/(cri-containerd|docker|crio)-[0-9a-f]{64}\.scope$/,
];

/** The container runtimes' systemd units, as cAdvisor names their cgroups (/system.slice/<unit>.service). */
export const RUNTIME_UNIT_NAMES = ['containerd', 'docker', 'crio', 'cri-docker'] as const;

/** The runtime's unit among the systemd units the kubelet's cAdvisor exposes, if any. */
export const runtimeUnitIn = (units: Readonly<Record<string, unknown>>) => RUNTIME_UNIT_NAMES.find((unit) => units[unit]);

export function isContainerCgroup(id: string): boolean {
  return CONTAINER_CGROUP.some((pattern) => pattern.test(id));
}

/** The same patterns as one PromQL regex (RE2, anchored by PromQL itself), for counting in Prometheus. */
export const CONTAINER_CGROUP_REGEX = CONTAINER_CGROUP.map((pattern) => pattern.source.replace(/^\^|\$$/g, '')).join('|');

/** What decides the cause: the processes' start times (epoch ms) and the runtime's version. */
export interface CauseInput {
  kubeletStartedAt?: number;
  runtimeStartedAt?: number;
  runtimeVersion?: string;
  /** "v1.29.4": whether the kubelet's cAdvisor still has a Docker factory (removed in 1.24). */
  kubeletVersion?: string;
}

/** v1.24 and later: the kubelet's cAdvisor lost its Docker factory with dockershim (Docker runs through cri-dockerd). */
export function withoutDockerFactory(kubeletVersion: string | undefined): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(kubeletVersion ?? '');
  return match !== null && (Number(match[1]) > 1 || Number(match[2]) >= 24);
}

export const EMPTY_LABEL_CAUSES = ['runtime-started-after-kubelet', 'runtime-socket-unreachable', 'runtime-factory-failed', 'unknown'] as const;

/** ["image", "name", "pod"] -> "image, name and pod". */
export const listOf = (words: string[]) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`);

const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

export function emptyLabelsCause(input: CauseInput): { cause: string; explanation: string; remediation: Finding['remediation'] } {
  const { kubeletStartedAt, runtimeStartedAt, runtimeVersion = '' } = input;
  const runtime = runtimeVersion.split('://')[0] || 'the container runtime';
  if (runtime === 'docker' && withoutDockerFactory(input.kubeletVersion)) {
    return {
      cause: 'runtime-factory-failed',
      explanation: `The node runs Docker (${runtimeVersion}) through cri-dockerd under kubelet ${input.kubeletVersion}. The kubelet's embedded cAdvisor lost its Docker factory with dockershim in 1.24, so whatever the start order, it reads Docker's containers as raw cgroups without image, name or pod metadata.`,
      remediation: { text: 'Move the node to containerd or CRI-O, or run a standalone cAdvisor DaemonSet (which still has the Docker factory) and scrape it instead of the kubelet\'s /metrics/cadvisor.' },
    };
  }
  if (kubeletStartedAt !== undefined && runtimeStartedAt !== undefined && runtimeStartedAt > kubeletStartedAt) {
    return {
      cause: 'runtime-started-after-kubelet',
      explanation: `The kubelet started at ${time(kubeletStartedAt)} UTC and ${runtime} only at ${time(runtimeStartedAt)} UTC, ${Math.round((runtimeStartedAt - kubeletStartedAt) / 1000)} s later. cAdvisor registers its runtime factory when the kubelet starts; with no runtime to talk to it registered none, so containers are read as raw cgroups without image, name or pod metadata.`,
      remediation: { text: `Restart the kubelet now that ${runtime} is up, and order the units so it cannot happen again.`, snippet: `# /etc/systemd/system/kubelet.service.d/10-after-runtime.conf\n[Unit]\nAfter=${runtime}.service\nRequires=${runtime}.service` },
    };
  }
  if (runtime === 'containerd' && runtimeStartedAt === undefined) {
    const distribution = /-(k3s|rke2|k0s)/.exec(runtimeVersion)?.[1];
    return {
      cause: 'runtime-socket-unreachable',
      explanation: `The node runs ${runtimeVersion || 'containerd'}, yet cAdvisor sees no containerd.service cgroup: containerd runs inside another unit${distribution ? ` (the version's "-${distribution}" suffix says ${distribution} embeds it)` : ', as k3s, RKE2 and k0s embed it'}, with its socket elsewhere than /run/containerd/containerd.sock. The kubelet reaches containerd through its own CRI endpoint, so pods run; the cAdvisor inside it dials the default socket, registers no containerd factory, and reads containers as raw cgroups without image, name or pod metadata.`,
      remediation: {
        text: "Point the kubelet's cAdvisor at the real socket with the kubelet's --containerd flag (or link the default path to it), then restart the kubelet (the k3s or RKE2 agent).",
        snippet: `# k3s / RKE2 agent
--kubelet-arg=containerd=/run/k3s/containerd/containerd.sock
# or, on the node
ln -s /run/k3s/containerd/containerd.sock /run/containerd/containerd.sock`,
      },
    };
  }
  if (/^docker:\/\//.test(runtimeVersion) && !/^docker:\/\/\d+\.\d+\.\d+/.test(runtimeVersion)) {
    return {
      cause: 'runtime-factory-failed',
      explanation: `The runtime reports its version as "${runtimeVersion}", which does not match cAdvisor's (\\d+)\\.(\\d+)\\.(\\d+); its Docker factory refuses to register, so containers are read as raw cgroups.`,
      remediation: { text: 'Run a released Docker (or cri-dockerd) build with a numeric version, then restart the kubelet.' },
    };
  }
  return {
    cause: 'unknown',
    explanation: "cAdvisor exports these container cgroups without runtime metadata, but the stored series do not show why: the runtime's socket may be unreachable or non-default.",
    remediation: { text: "Check the kubelet's log for 'Registration of the containerd container factory failed' and its --container-runtime-endpoint, then restart the kubelet." },
  };
}
