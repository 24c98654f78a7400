import Link from 'next/link';

export default function NodeNotFound() {
  return (
    <div data-testid="node-not-found">
      <h1>Unknown node</h1>
      <p>
        No <code>kube_node_info</code> series names this node, or the name is not a Kubernetes node name. <Link href="/">Back to the fleet</Link>
      </p>
    </div>
  );
}
