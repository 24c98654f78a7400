import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startLab, type LabOptions, type RunningLab } from './lab';

/**
 * Several clusters in one central store, as a platform team runs them: each lab cluster on its own loopback
 * range with its own API server, kubelets and Prometheus in agent mode, every agent remote-writing with its
 * own `cluster` external label to one real VictoriaMetrics (the first cluster's). gapscope gets the store,
 * each cluster's scraper and a kubeconfig with one context per cluster.
 */

export interface ClusterSpec {
  /** The `cluster` label value. */
  cluster: string;
  scenarioFile?: string;
  octet: number;
  nodes?: number;
}

export interface RunningClusters {
  labs: RunningLab[];
  /** The central store gapscope queries. */
  prometheusUrl: string;
  /** The environment gapscope needs for every cluster (file paths, never token values). */
  appEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The two clusters of `npm run demo -- --clusters 2`: the default scenario and more-faults. Grown to `nodes`
 * each, both run the default scenario (more-faults has no templates to clone), so every clone's name
 * (lab-node-0001, ...) is a node of both, as worker names repeat across real clusters.
 */
export const TWO_CLUSTERS = (octet: number, scenariosDir: string, nodes?: number): ClusterSpec[] => [
  { cluster: 'eu-1', scenarioFile: join(scenariosDir, 'default.yaml'), octet, ...(nodes ? { nodes } : {}) },
  { cluster: 'us-1', scenarioFile: join(scenariosDir, nodes ? 'default.yaml' : 'more-faults.yaml'), octet: octet + 1, ...(nodes ? { nodes } : {}) },
];

export const contextOf = (cluster: string) => `gapscope-${cluster}`;

export async function startCentralClusters(specs: readonly ClusterSpec[], options: Pick<LabOptions, 'profile' | 'log' | 'baseDir'> = {}): Promise<RunningClusters> {
  if (specs.length === 0) throw new Error('at least one cluster');
  const labs: RunningLab[] = [];
  const dir = mkdtempSync(join(options.baseDir ?? tmpdir(), 'gapscope-clusters-'));
  const stop = async () => {
    // The first lab runs the store: it stops last, after every agent that writes to it.
    for (const lab of [...labs].reverse()) await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const spec of specs) {
      const first = labs[0];
      labs.push(
        await startLab({
          ...options,
          topology: 'central',
          cluster: spec.cluster,
          octet: spec.octet,
          ...(spec.scenarioFile ? { scenarioFile: spec.scenarioFile } : {}),
          ...(spec.nodes ? { nodes: spec.nodes } : {}),
          ...(first ? { store: { url: first.prometheusUrl } } : {}),
        }),
      );
    }
    const kubeconfigFile = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfigFile,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: specs.map((spec, index) => ({ name: spec.cluster, cluster: { server: labs[index]!.apiserverUrl, 'certificate-authority': labs[index]!.caFile } })),
        users: specs.map((spec, index) => ({ name: `gapscope-${spec.cluster}`, user: { tokenFile: labs[index]!.tokenFiles.gapscope, 'token-file': labs[index]!.tokenFiles.gapscope } })),
        contexts: specs.map((spec) => ({ name: contextOf(spec.cluster), context: { cluster: spec.cluster, user: `gapscope-${spec.cluster}` } })),
        'current-context': contextOf(specs[0]!.cluster),
      }),
      { mode: 0o600 },
    );
    const pairs = (value: (spec: ClusterSpec, lab: RunningLab) => string) => specs.map((spec, index) => `${spec.cluster}=${value(spec, labs[index]!)}`).join(',');
    const { GAPSCOPE_DASHBOARDS_DIR } = labs[0]!.appEnv;
    return {
      labs,
      prometheusUrl: labs[0]!.prometheusUrl,
      appEnv: {
        GAPSCOPE_PROMETHEUS_URL: labs[0]!.prometheusUrl,
        GAPSCOPE_CLUSTER_SCRAPERS: pairs((_, lab) => lab.scraperUrl),
        GAPSCOPE_KUBELET_MODE: 'proxy',
        GAPSCOPE_KUBECONFIG: kubeconfigFile,
        GAPSCOPE_CLUSTER_KUBE_CONTEXTS: pairs((spec) => contextOf(spec.cluster)),
        ...(GAPSCOPE_DASHBOARDS_DIR ? { GAPSCOPE_DASHBOARDS_DIR } : {}),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
