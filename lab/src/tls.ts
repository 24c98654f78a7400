import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabTls {
  caFile: string;
  cert: string;
  key: string;
}

/**
 * A throw-away CA and one serving certificate for every lab address, made with the openssl CLI (Node has
 * no API that issues certificates). Prometheus and gapscope verify kubelets against the CA, as they would a
 * cluster's kubelet serving CA.
 */
export function makeLabTls(dir: string, ips: readonly string[]): LabTls {
  const path = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '7', '-subj', '/CN=gapscope-lab-ca', '-keyout', path('ca.key'), '-out', path('ca.crt')]);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=gapscope-lab-kubelet', '-keyout', path('serving.key'), '-out', path('serving.csr')]);
  const sans = ['DNS:localhost', ...ips.map((ip) => `IP:${ip}`)].join(',');
  writeFileSync(path('serving.ext'), `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  run(['x509', '-req', '-in', path('serving.csr'), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-CAcreateserial', '-days', '7', '-extfile', path('serving.ext'), '-out', path('serving.crt')]);
  return { caFile: path('ca.crt'), cert: readFileSync(path('serving.crt'), 'utf8'), key: readFileSync(path('serving.key'), 'utf8') };
}
