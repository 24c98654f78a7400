import type { FleetNode } from './fleet';

/**
 * Where gapscope may send its kubelet token in direct mode: the node's own address (kube_node_info's
 * internal_ip), on the port of a kubelet target that Prometheus scrapes at that very address over HTTPS, or
 * that node discovery found there when Prometheus scrapes it through the API server's proxy for this node.
 * Never a target's address just because a job or Service name makes it look like a kubelet: a
 * "kubelet-exporter" Service with a `node` label lives elsewhere and must not receive the token. PURE.
 * https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/
 */

export type KubeletAddress = { address: string } | { reason: string };

/** "10.0.0.5" -> "10.0.0.5"; "fd00::5" -> "[fd00::5]", as a URL host. */
const urlHost = (ip: string) => (ip.includes(':') ? `[${ip}]` : ip);

export function kubeletAddressOf(node: Pick<FleetNode, 'name' | 'internalIp' | 'roles'>): KubeletAddress {
  if (!node.internalIp) return { reason: `kube_node_info gives node ${node.name} no internal_ip, so its kubelet's own address is unknown; gapscope sends its token to no other address` };
  const host = urlHost(node.internalIp);
  const targets = [...node.roles.kubelet.targets, ...node.roles.cadvisor.targets];
  for (const target of targets) {
    if (!target.scrapeUrl) continue;
    let url: URL;
    try {
      url = new URL(target.scrapeUrl);
    } catch {
      continue;
    }
    // The kubelet serves its metrics over TLS; a plain-HTTP look-alike on the node is not it.
    if (url.protocol !== 'https:') continue;
    if (url.hostname === host && /\/metrics(\/cadvisor)?$/.test(url.pathname)) return { address: `${host}:${url.port || '443'}` };
    // Scraped through the API server's proxy for this very node: node discovery found the kubelet at its
    // own address, with the port of the Node's daemonEndpoints.
    const proxied = url.pathname === `/api/v1/nodes/${encodeURIComponent(node.name)}/proxy/metrics` || url.pathname === `/api/v1/nodes/${encodeURIComponent(node.name)}/proxy/metrics/cadvisor`;
    const discovered = target.discoveredAddress;
    if (proxied && discovered && discovered.startsWith(`${host}:`) && /^\d+$/.test(discovered.slice(host.length + 1))) return { address: discovered };
  }
  const scraped = [...new Set(targets.map((target) => target.scrapeUrl).filter(Boolean).map((scrapeUrl) => new URL(scrapeUrl!).host))];
  return {
    reason: `no kubelet target scrapes node ${node.name} at its own address ${node.internalIp} over HTTPS${scraped.length ? ` (they scrape ${scraped.join(', ')})` : ''}; gapscope sends its token to no other address`,
  };
}
