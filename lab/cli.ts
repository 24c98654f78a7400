import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startCentralClusters, TWO_CLUSTERS } from './src/clusters';
import { startLab, type RunningLab, type Topology } from './src/lab';
import { PROFILES, type Profile } from './src/targets';
import { parseDuration } from './src/units';

const USAGE = `usage: node --import tsx lab/cli.ts <start|demo> [options]  (or: npm run lab -- <start|demo> ...)

  start   start the lab (real Prometheus and node_exporters, simulated kubelets and kube-state-metrics)
  demo    start the lab and gapscope (next start) against it

options:
  --scenario FILE        scenario file (default lab/scenarios/default.yaml)
  --nodes N              grow the scenario to N nodes with clones of its templates (up to 1000)
  --profile NAME         scrape convention: ${PROFILES.join(' | ')} (default kube-prometheus)
  --topology NAME        single (one Prometheus) | central (Prometheus in agent mode writing to VictoriaMetrics,
                         which gapscope queries; every series labelled cluster=<--cluster>) (default single)
  --cluster NAME         the central topology's cluster label value (default lab)
  --clusters 2           two clusters in one VictoriaMetrics (central topology): eu-1 runs the default scenario
                         on 127.N.0.0/16, us-1 more-faults on 127.N+1.0.0/16; --nodes grows each (both
                         from the default scenario then: more-faults has no templates to clone)
  --octet N              use the loopback range 127.N.0.0/16 (default 10)
  --port N               demo: gapscope's port (default 3000)
  --max-lifetime D       stop by itself after this long, e.g. 30m (default: run until Ctrl-C)
  --app-env FILE         write gapscope's environment for this lab to FILE once it is up`;

function fail(message: string): never {
  console.error(`lab: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) fail(`--${name} must be a positive whole number, got "${text}"`);
  return value;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      scenario: { type: 'string' },
      nodes: { type: 'string' },
      profile: { type: 'string' },
      topology: { type: 'string' },
      cluster: { type: 'string' },
      clusters: { type: 'string' },
      octet: { type: 'string' },
      port: { type: 'string' },
      'max-lifetime': { type: 'string' },
      'app-env': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const command = positionals[0];
  if (command !== 'start' && command !== 'demo') fail(`unknown command "${command ?? ''}"`);
  if (values.profile && !PROFILES.includes(values.profile as Profile)) fail(`--profile must be one of ${PROFILES.join(', ')}`);
  if (values.topology && values.topology !== 'single' && values.topology !== 'central') fail('--topology must be single or central');
  if (values.cluster && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(values.cluster)) fail('--cluster must be a DNS label (lower case letters, digits, "-")');
  const clusterCount = integer(values.clusters, 'clusters') ?? 1;
  if (clusterCount > 2) fail('--clusters is 1 or 2');
  if (clusterCount === 2 && (values.scenario || values.cluster || (values.topology && values.topology !== 'central'))) fail('--clusters 2 sets the scenarios, cluster names and topology itself');
  if (process.getuid?.() !== 0) fail('the lab runs node_exporter as uid 65534 and mounts tmpfs: run it as root');
  let maxLifetimeMs: number | undefined;
  try {
    maxLifetimeMs = values['max-lifetime'] ? parseDuration(values['max-lifetime']) : undefined;
  } catch (error) {
    fail(`--max-lifetime: ${(error as Error).message}`);
  }

  const log = (line: string) => console.log(`[lab] ${line}`);
  // Filled in as things start, so a signal at any moment stops whatever is already running.
  const running: { lab?: Promise<Pick<RunningLab, 'stop' | 'appEnv' | 'startProcess'> & { describe: string[] }> } = {};
  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log(`stopping (${reason})`);
    // A lab still starting is waited for, so its mounts and files are removed too.
    await running.lab?.then((lab) => lab.stop(), () => undefined);
    log('stopped; no lab process is left');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal, 0));
  if (maxLifetimeMs) setTimeout(() => void shutdown(`max lifetime ${values['max-lifetime']} reached`, 0), maxLifetimeMs).unref();

  const describe = (lab: RunningLab, cluster = '') => {
    const store = lab.topology === 'central' ? `VictoriaMetrics ${lab.prometheusUrl}, fed by a Prometheus agent ${lab.scraperUrl}` : `Prometheus ${lab.prometheusUrl}`;
    return [
      `${cluster}${store} (${lab.profile} profile, ${lab.scenario.name} scenario), API server ${lab.apiserverUrl}, kube-state-metrics ${lab.kubeStateMetricsUrl}`,
      ...lab.nodes.slice(0, 12).map((node) => `  ${node.name.padEnd(18)} ${node.ip.padEnd(14)} ${node.role}`),
      ...(lab.nodes.length > 12 ? [`  ... and ${lab.nodes.length - 12} more nodes`] : []),
    ];
  };
  const nodes = integer(values.nodes, 'nodes');
  const profile = values.profile as Profile | undefined;
  const octet = integer(values.octet, 'octet');
  const specs = TWO_CLUSTERS(octet ?? 10, resolve(__dirname, 'scenarios'), nodes);
  running.lab =
    clusterCount === 2
      ? startCentralClusters(specs, { profile, log }).then((clusters) => ({
          stop: clusters.stop,
          appEnv: clusters.appEnv,
          startProcess: clusters.labs[0]!.startProcess,
          describe: clusters.labs.flatMap((lab, index) => describe(lab, `cluster ${specs[index]!.cluster}: `)),
        }))
      : startLab({
          scenarioFile: values.scenario,
          nodes,
          profile,
          ...(values.topology ? { topology: values.topology as Topology } : {}),
          ...(values.cluster ? { cluster: values.cluster } : {}),
          octet,
          log,
        }).then((lab) => ({ ...lab, describe: describe(lab) }));
  const lab = await running.lab;
  if (stopping) return;
  for (const line of lab.describe) log(line);
  const envLines = Object.entries(lab.appEnv).map(([key, value]) => `${key}=${value}`);
  if (values['app-env']) writeFileSync(values['app-env'], `${envLines.join('\n')}\n`);

  if (command === 'demo') {
    const port = integer(values.port, 'port') ?? 3000;
    const app = lab.startProcess({
      name: 'gapscope',
      command: process.execPath,
      args: [require.resolve('next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
      env: { ...process.env, ...lab.appEnv, NODE_ENV: 'production' },
      inheritOutput: true,
    });
    void app.exited.then((code) => void shutdown(`gapscope exited with code ${code}`, code ?? 1));
    log(`gapscope: http://127.0.0.1:${port}/  (Ctrl-C stops everything)`);
  } else {
    log(`gapscope's environment for this lab:\n  ${envLines.join('\n  ')}`);
    log('running; Ctrl-C stops everything');
  }
}

main().catch((error: unknown) => {
  console.error(`lab: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
