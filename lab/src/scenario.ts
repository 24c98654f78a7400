import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseBytes, parseDuration } from './units';
import { stableContainerId, stableUid } from './ids';

/**
 * A lab scenario is a data file (lab/scenarios/*.yaml): nodes, their runtime and versions, pods, the claims
 * those pods use and the faults that are on. Everything the lab serves, scrapes and backfills is derived from
 * it, so the demo, the tests and the benchmarks all look at one story.
 */

/** A string that one of the units parsers turns into a number; its error message becomes the issue. */
const parsedWith = (parse: (text: string) => number) =>
  z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const durationSchema = parsedWith(parseDuration);
const bytesSchema = parsedWith(parseBytes);

const qualifiedNameSchema = z
  .string()
  .regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'expected "namespace/name" in lower case');

const nodeNameSchema = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'must be a DNS-1123 name');

const runtimeSchema = z
  .string()
  .regex(/^(containerd|docker|cri-o):\/\/\S+$/, 'expected "containerd://1.7.27", "docker://24.0.7" or "cri-o://1.30.4"');

/** A claim and the volume bound to it. `volumeStats` only matters for CSI: does the driver report NodeGetVolumeStats? */
const claimSchema = z
  .object({
    claim: qualifiedNameSchema,
    capacity: bytesSchema,
    used: bytesSchema,
    storageClass: z.string(),
    plugin: z.enum(['csi', 'hostPath', 'local']),
    driver: z.string().optional(),
    volumeStats: z.boolean().default(true),
    path: z.string().optional(),
  })
  .superRefine((claim, ctx) => {
    if (claim.plugin === 'csi' && !claim.driver) ctx.addIssue({ code: 'custom', message: 'a csi claim needs a driver' });
    if (claim.plugin !== 'csi' && !claim.path) ctx.addIssue({ code: 'custom', message: `a ${claim.plugin} claim needs a path` });
    if (claim.used > claim.capacity) ctx.addIssue({ code: 'custom', message: 'used is larger than capacity' });
  });

const podSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed']).default('Running'),
  qos: z.enum(['guaranteed', 'burstable', 'besteffort']).default('burstable'),
  /** "name=image" pairs. */
  containers: z.array(z.string().regex(/^[a-z0-9-]+=\S+$/, 'expected "name=image"')).min(1),
  claims: z.array(z.string()).default([]),
  /** The pod uses the node's network namespace (hostNetwork: true). */
  hostNetwork: z.boolean().default(false),
  /** The pod ran on another node until this long ago (the backfilled history shows the move). */
  movedFrom: z.object({ node: nodeNameSchema, ago: durationSchema }).optional(),
});

const mountSchema = z.object({
  mountpoint: z.string().startsWith('/'),
  device: z.string(),
  fstype: z.string(),
  size: bytesSchema,
});

/** Faults are planted for real wherever a real program is involved (node_exporter, Prometheus). */
const faultSchema = z.discriminatedUnion('kind', [
  // cAdvisor registered no factory for the runtime: container cgroups lose these labels.
  z.object({
    kind: z.literal('cadvisor-labels-empty'),
    labels: z.array(z.enum(['image', 'name', 'pod', 'namespace', 'container'])).default(['image', 'name']),
  }),
  // PV mounts are plain directories on the root disk as the exporter sees them (no HostToContainer propagation).
  z.object({ kind: z.literal('pv-mounts-root-sized'), since: durationSchema }),
  // A mount the exporter (uid 65534) cannot reach: under a 0700 root-owned directory.
  z.object({ kind: z.literal('mount-device-error'), mount: mountSchema, since: durationSchema }),
  // The kubelet authenticates nobody: 401 to every token and to the API server's client certificate.
  z.object({ kind: z.literal('kubelet-unauthorized'), since: durationSchema }),
  // The kubelet's authorizer refuses every caller, the API server's user included: 403.
  z.object({ kind: z.literal('kubelet-forbidden'), since: durationSchema }),
  // The node-exporter target was relabelled to the kubelet's port.
  z.object({ kind: z.literal('node-exporter-wrong-port'), since: durationSchema }),
  // The exporter runs with kube-prometheus' --collector.filesystem.mount-points-exclude (kubelet pods excluded).
  z.object({ kind: z.literal('pv-mounts-excluded') }),
  // Registered before the cloud controller manager initialized it: no InternalIP yet, and the
  // node.cloudprovider.kubernetes.io/uninitialized taint keeps node-exporter's DaemonSet pod off it. Neither the
  // kubelet's endpoints nor node discovery have an address for it, so Prometheus has no target of it at all.
  z.object({ kind: z.literal('node-uninitialized') }),
  // volumeStatsAggPeriod: 0s in the kubelet configuration: the kubelet never computes volume stats.
  z.object({ kind: z.literal('volume-stats-disabled') }),
  // A second monitoring stack's job (OTHER_STACK_CADVISOR_JOB) scrapes the node's cAdvisor through the API
  // server's proxy too, since `since`: the same container series stored twice, under two addresses.
  z.object({ kind: z.literal('cadvisor-other-stack'), since: durationSchema }),
  // A leftover static job (LEGACY_EXPORTER_JOB) scrapes the node's exporter too, since `since`: every series twice.
  z.object({ kind: z.literal('scraped-twice'), since: durationSchema }),
  // The node's thermal zone answers with an error since `since` (an empty reading): the real thermal_zone collector fails.
  z.object({ kind: z.literal('thermal-zone-unreadable'), since: durationSchema }),
  // A container of the node restarts (a new container id): `ago` before the lab's start, or `afterStart` it,
  // while the live Prometheus scrapes (the replaced container's series then linger, as cAdvisor timestamps them).
  z.object({ kind: z.literal('container-restarted'), container: z.string().regex(/^[a-z0-9-]+$/), ago: durationSchema.optional(), afterStart: durationSchema.optional() }),
  // cAdvisor fails to read one container since `since` (its cgroup files error): it leaves the container out
  // and reports container_scrape_error 1.
  z.object({ kind: z.literal('cadvisor-container-unreadable'), container: z.string().regex(/^[a-z0-9-]+$/), since: durationSchema }),
  // containerd, but cAdvisor attributes the pods' network to no sandbox: network series for id="/" alone, as
  // reported on containerd nodes without an explanation (cadvisor#3662, k3s#2895).
  z.object({ kind: z.literal('pod-network-unattributed') }),
  // A textfile exporter script writes `series` metrics into the exporter's textfile directory (a package
  // inventory, say): its scrape grows past the job's body_size_limit.
  z.object({ kind: z.literal('textfile-large'), series: z.number().int().positive() }),
  // A script writes a .prom file of the exporter's textfile directory in place; since `since`, it is half written.
  z.object({ kind: z.literal('textfile-malformed'), since: durationSchema }),
]);

const nodeSchema = z.object({
  name: nodeNameSchema,
  role: z.string().optional(),
  runtime: runtimeSchema,
  /** A Windows node: no node_exporter, a kubelet whose /metrics/cadvisor has no container series. */
  os: z.enum(['linux', 'windows']).default('linux'),
  /** As the kubelet reports it, distribution suffix included (v1.33.5+k3s1). */
  kubeletVersion: z.string().regex(/^v\d+\.\d+\.\d+(\+[a-z0-9.]+)?$/),
  kubeletStartedAgo: durationSchema,
  runtimeStartedAgo: durationSchema,
  /**
   * The systemd unit the runtime runs in, when it is not its own (k3s and RKE2 embed containerd in their
   * agent, with its socket under /run/k3s/containerd). Default: the runtime's own unit.
   */
  runtimeUnit: z.string().regex(/^[a-z0-9-]+$/).optional(),
  /** The runtime this node ran before a switch, and when the switch happened. */
  previousRuntime: z.object({ runtime: runtimeSchema, until: durationSchema }).optional(),
  /** The kubelet version before an upgrade, and when the upgrade happened (set kubeletStartedAgo to match). */
  previousKubeletVersion: z.object({ version: z.string().regex(/^v\d+\.\d+\.\d+(\+[a-z0-9.]+)?$/), until: durationSchema }).optional(),
  /** Extra real mounts beyond "/" (the root disk). */
  mounts: z.array(mountSchema).default([]),
  pods: z.array(podSchema).default([]),
  faults: z.array(faultSchema).default([]),
});

const templateSchema = z.object({ from: nodeNameSchema, weight: z.number().int().positive() });

export const scenarioSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    history: z.object({ span: durationSchema, step: durationSchema }),
    scrapeInterval: durationSchema,
    rootDiskDevice: z.string().default('/dev/vda1'),
    claims: z.array(claimSchema).default([]),
    /**
     * Scrape limits an operator set on the cAdvisor job (kube-prometheus-stack: kubelet.serviceMonitor's
     * sampleLimit and labelValueLengthLimit, which the operator writes into each of the kubelet ServiceMonitor's
     * jobs). The real Prometheus enforces them.
     */
    /** kube-state-metrics' --metric-labels-allowlist; empty (its 2.x default, and kube-prometheus-stack's) by default. */
    kubeStateMetrics: z.object({ metricLabelsAllowlist: z.string().default('') }).default({ metricLabelsAllowlist: '' }),
    scrapeLimits: z
      .object({
        sampleLimit: z.number().int().positive().optional(),
        labelValueLengthLimit: z.number().int().positive().optional(),
        /**
         * Prometheus' body_size_limit: kube-prometheus-stack's prometheusSpec.enforcedBodySizeLimit, which the
         * operator writes into every job it generates; on the node-exporter job in the other profiles.
         */
        bodySizeLimit: z.string().regex(/^\d+(Ki|Mi)B$/, 'expected "1MiB" or "512KiB"').optional(),
      })
      .default({}),
    nodes: z.array(nodeSchema).min(1),
    /** How the size knob makes more nodes: clones of these nodes, picked by weight. */
    generate: z.object({ templates: z.array(templateSchema).min(1) }).optional(),
  })
  .superRefine((scenario, ctx) => {
    const names = new Set<string>();
    for (const node of scenario.nodes) {
      if (names.has(node.name)) ctx.addIssue({ code: 'custom', message: `node ${node.name} is listed twice` });
      names.add(node.name);
    }
    const claims = new Set(scenario.claims.map((claim) => claim.claim));
    for (const node of scenario.nodes) {
      for (const pod of node.pods) {
        for (const claim of pod.claims) {
          const qualified = `${pod.namespace}/${claim}`;
          if (!claims.has(qualified)) {
            ctx.addIssue({ code: 'custom', message: `pod ${pod.namespace}/${pod.name} uses unknown claim ${qualified}` });
          }
        }
        if (pod.movedFrom && !names.has(pod.movedFrom.node)) {
          ctx.addIssue({ code: 'custom', message: `pod ${pod.name} moved from unknown node ${pod.movedFrom.node}` });
        }
      }
    }
    for (const node of scenario.nodes) {
      const restart = node.faults.find((fault) => fault.kind === 'container-restarted');
      if (restart && (restart.ago === undefined) === (restart.afterStart === undefined)) {
        ctx.addIssue({ code: 'custom', message: `node ${node.name}: a container-restarted fault needs either ago or afterStart` });
      }
    }
    for (const template of scenario.generate?.templates ?? []) {
      if (!names.has(template.from)) ctx.addIssue({ code: 'custom', message: `template ${template.from} is not a node` });
    }
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioNode = z.infer<typeof nodeSchema>;
export type ScenarioPod = z.infer<typeof podSchema>;
export type ScenarioClaim = z.infer<typeof claimSchema>;
export type ScenarioMount = z.infer<typeof mountSchema>;
export type Fault = z.infer<typeof faultSchema>;
export type FaultKind = Fault['kind'];

export function parseScenario(text: string, source: string): Scenario {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new Error(`scenario ${source} is not valid YAML: ${(error as Error).message}`);
  }
  const result = scenarioSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new Error(`scenario ${source} is invalid:\n${problems.join('\n')}`);
  }
  return result.data;
}

export function loadScenario(file: string): Scenario {
  return parseScenario(readFileSync(file, 'utf8'), file);
}

/** Everything about one node that the simulators, the exporters and the history need, with stable ids. */
export interface LabNode {
  name: string;
  index: number;
  /** Declared in the scenario (own node_exporter) or generated by the size knob (shares its template's). */
  template: string | null;
  spec: ScenarioNode;
  pods: LabPod[];
}

export interface LabPod {
  spec: ScenarioPod;
  uid: string;
  containers: { name: string; image: string; id: string }[];
  claims: ScenarioClaim[];
}

export function faultOf<K extends FaultKind>(node: ScenarioNode, kind: K): Extract<Fault, { kind: K }> | undefined {
  return node.faults.find((fault): fault is Extract<Fault, { kind: K }> => fault.kind === kind);
}

function labPod(node: string, pod: ScenarioPod, claims: Map<string, ScenarioClaim>): LabPod {
  const uid = stableUid(`${node}/${pod.namespace}/${pod.name}`);
  return {
    spec: pod,
    uid,
    containers: pod.containers.map((pair) => {
      const [name = '', image = ''] = pair.split('=');
      return { name, image, id: stableContainerId(`${uid}/${name}`) };
    }),
    claims: pod.claims.map((claim) => {
      const found = claims.get(`${pod.namespace}/${claim}`);
      if (!found) throw new Error(`unknown claim ${pod.namespace}/${claim}`);
      return found;
    }),
  };
}

/**
 * Expands the scenario to `size` nodes: the declared nodes first, then clones of the generate templates
 * (picked deterministically by weight). Clones carry no claims: their node_exporter is the template's shared
 * one, whose mounts cannot know a clone's pod UIDs.
 */
export function expandNodes(scenario: Scenario, size = scenario.nodes.length): LabNode[] {
  if (size < scenario.nodes.length) {
    throw new Error(`--nodes ${size} is fewer than the ${scenario.nodes.length} nodes the scenario declares`);
  }
  if (size > 1000) throw new Error(`--nodes ${size}: the lab supports at most 1000 nodes`);
  const claims = new Map(scenario.claims.map((claim) => [claim.claim, claim]));
  const nodes: LabNode[] = scenario.nodes.map((spec, index) => ({
    name: spec.name,
    index,
    template: null,
    spec,
    pods: spec.pods.map((pod) => labPod(spec.name, pod, claims)),
  }));
  if (size === nodes.length) return nodes;
  const templates = scenario.generate?.templates;
  if (!templates) throw new Error(`scenario ${scenario.name} has no generate.templates, so --nodes must be ${nodes.length}`);
  const wheel = templates.flatMap((template) => Array.from({ length: template.weight }, () => template.from));
  for (let index = nodes.length; index < size; index++) {
    const from = wheel[(index * 7919) % wheel.length] ?? templates[0]!.from;
    const template = scenario.nodes.find((node) => node.name === from)!;
    const name = `lab-node-${String(index).padStart(4, '0')}`;
    const spec: ScenarioNode = {
      ...template,
      name,
      previousRuntime: undefined,
      previousKubeletVersion: undefined,
      pods: template.pods.map((pod) => ({ ...pod, name: `${pod.name}-${index}`, claims: [], movedFrom: undefined })),
      // Faults tied to a node's own PV mounts or its own exporter process make no sense on a shared exporter.
      faults: template.faults.filter((fault) => fault.kind !== 'pv-mounts-root-sized' && fault.kind !== 'pv-mounts-excluded'),
    };
    nodes.push({ name, index, template: from, spec, pods: spec.pods.map((pod) => labPod(name, pod, claims)) });
  }
  return nodes;
}

/** The PV object name for a claim, as a dynamic provisioner would name it. */
export function volumeName(claim: ScenarioClaim): string {
  if (claim.plugin === 'csi') return `pvc-${stableUid(`pv/${claim.claim}`)}`;
  return `${claim.claim.replace('/', '-')}-pv`;
}
