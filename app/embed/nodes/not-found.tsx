export default function EmbedNodeNotFound() {
  return (
    <div className="embed" data-testid="node-not-found">
      <p>
        Unknown node: no <code>kube_node_info</code> series names it.
      </p>
    </div>
  );
}
