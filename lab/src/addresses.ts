/**
 * Every lab process listens on its own loopback address (127.0.0.0/8 is all local on Linux), so nodes keep
 * the real ports (kubelet 10250, node_exporter 9100) and `instance` labels look like a real cluster's.
 * A lab is identified by its second octet, so the demo and the test suites can run side by side.
 */
export const KUBELET_PORT = 10250;
export const NODE_EXPORTER_PORT = 9100;

export interface NodePorts {
  kubelet: number;
  nodeExporter: number;
}

/**
 * The node ports of a scrape profile. The kubernetes-sd profile moves both (a kubelet started with another
 * --port, node_exporter on another --web.listen-address), so that nothing in gapscope can lean on the
 * defaults: node discovery gives the kubelet's port from the Node's daemonEndpoints, and the exporter's
 * target carries its own.
 */
export function nodePorts(profile: string): NodePorts {
  return profile === 'kubernetes-sd' ? { kubelet: 11250, nodeExporter: 9110 } : { kubelet: KUBELET_PORT, nodeExporter: NODE_EXPORTER_PORT };
}
export const PROMETHEUS_PORT = 9090;
export const KSM_PORT = 8080;
export const APISERVER_PORT = 6443;
/** VictoriaMetrics single-node's default -httpListenAddr port. */
export const VICTORIA_METRICS_PORT = 8428;

export interface LabAddresses {
  prometheus: string;
  kubeStateMetrics: string;
  apiserver: string;
  /** The central store of the central topology. */
  victoriaMetrics: string;
  /** Shared node_exporters that generated clone nodes are relayed to, one per template. */
  templateExporter(templateIndex: number): string;
  node(index: number): string;
}

export function labAddresses(octet: number): LabAddresses {
  if (!Number.isInteger(octet) || octet < 1 || octet > 254) throw new Error(`lab octet ${octet} must be 1..254`);
  const base = `127.${octet}`;
  return {
    prometheus: `${base}.0.1`,
    kubeStateMetrics: `${base}.0.2`,
    apiserver: `${base}.0.3`,
    victoriaMetrics: `${base}.0.4`,
    templateExporter: (templateIndex) => `${base}.0.${10 + templateIndex}`,
    // 200 nodes per /24 keeps .0, .1-9 and .210+ free of nodes.
    node: (index) => `${base}.${1 + Math.floor(index / 200)}.${10 + (index % 200)}`,
  };
}
