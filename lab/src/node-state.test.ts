import { describe, expect, it } from 'vitest';
import { defaultLab } from '../test-support/default-lab';
import { CADVISOR_HOUSEKEEPING_DELAY_MS, claimsWithStats } from './node-state';

const HOUR = 3_600_000;
const lab = defaultLab();

describe('the default story, moment by moment', () => {
  it('switched lab-rootsized from Docker to containerd three hours ago, and its PV mounts became root-sized then', () => {
    expect(lab.stateAt('lab-rootsized', 3 * HOUR + 60_000)).toMatchObject({ runtime: 'docker://24.0.7', pvMountsRootSized: false });
    expect(lab.stateAt('lab-rootsized', 3 * HOUR - 60_000)).toMatchObject({ runtime: 'containerd://1.7.27', pvMountsRootSized: true });
  });

  it('restarted lab-cadvisor\'s kubelet 90 minutes ago, two minutes before containerd, and labels went missing after housekeeping', () => {
    const now = lab.stateAt('lab-cadvisor');
    expect(now.runtimeStartedAt - now.kubeletStartedAt).toBe(2 * 60_000);
    expect(now.emptyContainerLabels).toEqual(['image', 'name', 'pod', 'namespace', 'container']);
    const justAfterRestart = lab.stateAt('lab-cadvisor', 90 * 60_000 - CADVISOR_HOUSEKEEPING_DELAY_MS + 1000);
    expect(justAfterRestart.emptyContainerLabels).toEqual([]);
  });

  it('moved orders-db-0 from lab-volumes to lab-unauthorized 100 minutes ago, with a new UID', () => {
    const before = lab.stateAt('lab-volumes', 2 * HOUR).pods.find((placed) => placed.pod.spec.name === 'orders-db-0');
    const after = lab.stateAt('lab-unauthorized').pods.find((placed) => placed.pod.spec.name === 'orders-db-0');
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(before!.uid).not.toBe(after!.uid);
    expect(lab.stateAt('lab-volumes').pods.some((placed) => placed.pod.spec.name === 'orders-db-0')).toBe(false);
    expect(lab.stateAt('lab-unauthorized', 2 * HOUR).pods.some((placed) => placed.pod.spec.name === 'orders-db-0')).toBe(false);
  });

  it('had the orders-db claim measured on lab-volumes before the move', () => {
    const claims = (agoMs: number) => claimsWithStats(lab.stateAt('lab-volumes', agoMs)).map(({ claim }) => claim.claim);
    expect(claims(2 * HOUR)).toContain('shop/orders-db');
    expect(claims(0)).not.toContain('shop/orders-db');
  });

  it('has the kubelet answering 401 on lab-unauthorized only for the last two hours', () => {
    expect(lab.stateAt('lab-unauthorized').kubeletAuth).toBe('unauthorized');
    expect(lab.stateAt('lab-unauthorized', 2 * HOUR + 60_000).kubeletAuth).toBe('ok');
  });

  it('pointed lab-wrongport\'s node-exporter target at the kubelet port five hours ago', () => {
    expect(lab.stateAt('lab-wrongport').nodeExporterOnKubeletPort).toBe(true);
    expect(lab.stateAt('lab-wrongport', 5 * HOUR + 60_000).nodeExporterOnKubeletPort).toBe(false);
  });

  it('keeps the healthy node free of every fault', () => {
    expect(lab.stateAt('lab-healthy')).toMatchObject({
      emptyContainerLabels: [],
      kubeletAuth: 'ok',
      nodeExporterOnKubeletPort: false,
      pvMountsRootSized: false,
      unreachableMounts: [],
      volumeStatsDisabled: false,
    });
  });
});
