import type { Finding } from '@/lib/contract/finding';
import type { ScrapeLimits } from '@/lib/prometheus/scrape-config';
import { addressOfUrl, pathOf } from '@/lib/topology/targets';
import type { NodeRole, RoleHealth } from '@/lib/topology/fleet';

/**
 * Why a target is down, from Prometheus' lastError. PURE.
 *
 * Causes of target-down, from Prometheus' lastError:
 * - `unauthorized`: HTTP 401: the kubelet rejects the token (no --authentication-token-webhook, or a bad token)
 * - `forbidden`: HTTP 403: the scraper lacks RBAC get on nodes/metrics (or nodes/proxy through the API server)
 * - `wrong-port`: a node-exporter target scrapes the very address of the node's kubelet (its TLS port answers
 *   plain HTTP with 400), whatever the port numbers: the kubelet target's address, or the address node
 *   discovery gave it where it is scraped through the API server's proxy
 * - `connection-refused`: nothing listens (the kubelet read-only port 10255 is off by default since 1.16)
 * - `tls`: certificate or handshake failure
 * - `timeout`: context deadline exceeded
 * - `sample-limit`: "sample limit exceeded": the target exposes more samples than the job's sample_limit, so
 *   Prometheus fails the whole scrape (a big node's cAdvisor, with many containers, hits it first)
 * - `body-size-limit`: "body size limit exceeded": the response is larger than the job's body_size_limit
 * - `label-limit`: "label_limit exceeded", "label_name_length_limit exceeded" or "label_value_length_limit
 *   exceeded": one series has more labels, or a longer label name or value, than the job allows
 * - `unknown`: anything else (the last error is in the evidence)
 * vmagent words the same failures differently ('unexpected status code returned when scraping "…": 403;
 * expecting 200; …', '… exceeds sample_limit=N; …'); both are understood (family.test.ts, with texts
 * captured from Debian's vmagent 1.79.5).
 * Causes of target-missing: `no-target` (no scrape target for this node and role at all), and
 * `node-address-unknown` (no kubelet target for a node that reports no InternalIP: its address is what the
 * kubelet's endpoints are made of).
 */

export const ROLE_NAMES: Record<NodeRole, string> = { kubelet: 'kubelet /metrics', cadvisor: 'cAdvisor /metrics/cadvisor', 'node-exporter': 'node-exporter' };

/**
 * A target finding's cause in a few words, for places with no room for its explanation (the fleet matrix's
 * badges); the cause id stays the finding's.
 */
export const CAUSE_WORDS: Record<string, string> = {
  unauthorized: '401 unauthorized',
  forbidden: '403 forbidden',
  'wrong-port': 'wrong port',
  'connection-refused': 'connection refused',
  tls: 'TLS error',
  timeout: 'timeout',
  'sample-limit': 'over sample_limit',
  'body-size-limit': 'over body size limit',
  'label-limit': 'over a label limit',
  unknown: 'error unknown',
  'no-target': 'no target',
  'node-address-unknown': 'no node address',
  'windows-node': 'Windows, by design',
};

interface TargetCause {
  cause: string;
  explanation: string;
  remediation: Finding['remediation'];
  references: string[];
}

const KUBELET_AUTHN = 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/';

/** A kubelet scraped through the API server's node proxy (the prometheus chart's kubernetes-nodes jobs). */
const PROXY_PATH = /^\/api\/v1\/nodes\/[^/]+\/proxy\//;

type Target = RoleHealth['targets'][number];

/** host:port a target scrapes: its scrape URL's, or its instance where that is an address (`up` has no URL). */
function addressOf(target: Target): string | null {
  if (target.scrapeUrl) return addressOfUrl(target.scrapeUrl);
  return /:\d+$/.test(target.instance) ? target.instance : null;
}

/**
 * The kubelet's own addresses on this node: where its targets scrape, and where node discovery found it when
 * they scrape through the API server's node proxy (the scrape address is then the API server's).
 */
function kubeletAddressesOf(roles?: Partial<Record<NodeRole, RoleHealth>>): Set<string> {
  const targets = [...(roles?.kubelet?.targets ?? []), ...(roles?.cadvisor?.targets ?? [])];
  return new Set(targets.flatMap((target) => [addressOf(target), target.discoveredAddress ?? null]).filter((address): address is string => address !== null));
}

function portOf(target: Target): string | null {
  return addressOf(target)?.split(':').at(-1) ?? null;
}

const SCRAPE_CONFIG = 'https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config';

/** "sample_limit: 20000", or the limit's name alone when the job's configuration was not read. */
function setting(name: keyof ScrapeLimits, limits: ScrapeLimits | undefined): string {
  const value = limits?.[name];
  return value === undefined ? name : `${name}: ${value}`;
}

/** A scrape limit of the job that the target exceeded: Prometheus drops the whole scrape, and only lastError says why. */
function limitCause(error: string, limits: ScrapeLimits | undefined): TargetCause | null {
  const job = limits?.jobName ? `the job ${limits.jobName}` : 'its scrape job';
  // Prometheus: "sample limit exceeded"; vmagent: 'the response from "…" exceeds sample_limit=N'.
  if (/sample limit exceeded|exceeds sample_limit/.test(error)) {
    return {
      cause: 'sample-limit',
      explanation: `The target exposes more samples than ${job} accepts (${setting('sample_limit', limits)}). Prometheus then rejects the whole scrape: up is 0 and nothing of the target is stored, not even the samples under the limit. The limit bites on big nodes first: a node with many containers has more cAdvisor series, so the same job works on small nodes and fails on big ones.`,
      remediation: {
        text: `Raise the job's sample_limit above what the biggest node exposes (count it with scrape_samples_post_metric_relabeling on the nodes that still work), or drop series you do not need with metric_relabel_configs, which run before the limit is checked. In kube-prometheus-stack the value is kubelet.serviceMonitor.sampleLimit.`,
        snippet: 'sample_limit: 0  # no limit; or a value above the biggest node',
      },
      references: [SCRAPE_CONFIG, 'https://github.com/prometheus/prometheus/issues/12521'],
    };
  }
  // Prometheus: "body size limit exceeded"; vmagent: 'the response from "…" exceeds -promscrape.maxScrapeSize=N'.
  if (/body size limit exceeded|exceeds -promscrape\.maxScrapeSize/.test(error)) {
    return {
      cause: 'body-size-limit',
      explanation: `The target's response is larger than ${job} reads (${setting('body_size_limit', limits)}). Prometheus stops reading and fails the scrape: up is 0 and nothing is stored. A node whose payload grew (more containers, more volumes, more series) crosses it first.`,
      remediation: {
        text: 'Raise body_size_limit for the job above the biggest node\'s payload, or reduce what the target exposes. In kube-prometheus-stack the limit comes from prometheus.prometheusSpec.enforcedBodySizeLimit, applied to every job.',
        snippet: 'body_size_limit: 0  # no limit; or a size above the biggest node, such as 50MB',
      },
      references: [SCRAPE_CONFIG],
    };
  }
  if (/label_(name_length_|value_length_)?limit exceeded/.test(error)) {
    return {
      cause: 'label-limit',
      explanation: `A series of the target has more labels, or a longer label name or value, than ${job} allows (${['label_limit', 'label_name_length_limit', 'label_value_length_limit'].map((name) => setting(name as keyof ScrapeLimits, limits)).join(', ')}). Prometheus rejects the whole scrape for one such series; the last error names the metric.`,
      remediation: {
        text: "Raise the job's label limit, or drop or shorten the offending labels with metric_relabel_configs (labeldrop, or a replace that truncates). In kube-prometheus-stack: kubelet.serviceMonitor.labelLimit, labelNameLengthLimit and labelValueLengthLimit.",
      },
      references: [SCRAPE_CONFIG, 'https://github.com/deckhouse/deckhouse/pull/7858'],
    };
  }
  return null;
}

/** Why `target` (of `role` on a node whose targets are `roles`) is down; `limits`: its job's scrape limits, where read. */
export function causeOfDownTarget(role: NodeRole, target: Target, roles?: Partial<Record<NodeRole, RoleHealth>>, limits?: ScrapeLimits): TargetCause {
  const error = target.lastError;
  const port = portOf(target);
  const address = addressOf(target);
  if (role === 'node-exporter' && address !== null && kubeletAddressesOf(roles).has(address)) {
    return {
      cause: 'wrong-port',
      explanation: `The node-exporter target scrapes ${address}, the address of this node's kubelet (its HTTPS port), over plain HTTP; the kubelet answers "400 Bad Request". The relabelling that should point the address at node_exporter's port did not apply to this node.`,
      remediation: {
        text: `Fix the relabelling that sets __address__ for the node-exporter job so that it targets node_exporter's port (9100 by default, or the port its DaemonSet or chart sets), not ${port}.`,
        snippet: "- source_labels: [__address__]\n  regex: '(.+):[0-9]+'\n  replacement: '${1}:9100'\n  target_label: __address__",
      },
      references: ['https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config'],
    };
  }
  const proxied = PROXY_PATH.test(pathOf(target));
  if (/\b401\b|Unauthorized/.test(error)) {
    if (proxied) {
      return {
        cause: 'unauthorized',
        explanation:
          "The scrape goes through the API server's node proxy and got HTTP 401: either the API server rejected the scraper's own token, or the kubelet behind it rejected the API server's client certificate (--kubelet-client-certificate). A kubelet whose KubeletConfiguration trusts no client CA (authentication.x509.clientCAFile) and has no token webhook authenticates nobody. Where other nodes scrape fine through the same API server, it is this kubelet.",
        remediation: { text: "Give the kubelet the cluster's client CA and the token webhook, then restart it.", snippet: 'authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n  webhook:\n    enabled: true' },
        references: [KUBELET_AUTHN],
      };
    }
    return {
      cause: 'unauthorized',
      explanation: 'The kubelet rejected the scraper\'s bearer token (HTTP 401). Kubelets only accept ServiceAccount tokens when they run with --authentication-token-webhook (authentication.webhook.enabled in the KubeletConfiguration); a kubelet restarted without it rejects every token.',
      remediation: { text: 'Enable token authentication on the kubelet, then restart it.', snippet: 'authentication:\n  webhook:\n    enabled: true' },
      references: [KUBELET_AUTHN],
    };
  }
  if (/\b403\b|Forbidden/.test(error)) {
    if (proxied) {
      return {
        cause: 'forbidden',
        explanation:
          "The scrape goes through the API server's node proxy and got HTTP 403: either the scraper's ServiceAccount lacks get on nodes/proxy at the API server, or the kubelet's authorizer refused the API server's own user (kube-apiserver-kubelet-client on kubeadm clusters), which needs the system:kubelet-api-admin role. The kubelet's answer names the user.",
        remediation: { text: "Grant the scraper get on nodes/proxy, and the API server's kubelet client user the system:kubelet-api-admin role.", snippet: 'rules:\n- apiGroups: [""]\n  resources: [nodes/proxy, nodes/metrics]\n  verbs: [get]' },
        references: [KUBELET_AUTHN],
      };
    }
    return {
      cause: 'forbidden',
      explanation: 'The kubelet authenticated the scraper but its authorizer refused it (HTTP 403): the ServiceAccount lacks get on nodes/metrics (or nodes/proxy when scraping through the API server).',
      remediation: { text: 'Grant the scraper\'s ServiceAccount read access to node metrics.', snippet: 'rules:\n- apiGroups: [""]\n  resources: [nodes/metrics, nodes/proxy]\n  verbs: [get]' },
      references: [KUBELET_AUTHN],
    };
  }
  if (/connection refused/.test(error)) {
    return {
      cause: 'connection-refused',
      explanation: port === '10255' ? 'Nothing listens on port 10255: the kubelet read-only port is disabled by default since Kubernetes 1.16.' : `Nothing listens on port ${port ?? 'of this target'} on the node.`,
      remediation: { text: port === '10255' ? 'Scrape the authenticated port 10250 over HTTPS with a bearer token instead.' : 'Check that the component runs on the node and listens on the scraped address.' },
      references: [KUBELET_AUTHN],
    };
  }
  if (/x509|tls|certificate/i.test(error)) {
    return {
      cause: 'tls',
      explanation: 'The TLS handshake failed: the serving certificate is not trusted by the scraper or does not name the address scraped.',
      remediation: { text: 'Give the scraper the kubelet serving CA (tls_config.ca_file), or enable serverTLSBootstrap so kubelet serving certificates are signed by the cluster CA.' },
      references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/'],
    };
  }
  const limit = limitCause(error, limits);
  if (limit) return limit;
  if (/deadline exceeded|timeout/i.test(error)) {
    return {
      cause: 'timeout',
      explanation: 'The scrape did not finish within scrape_timeout: the target is slow, overloaded or unreachable through the network.',
      remediation: { text: 'Check the node\'s load and the network path; raise scrape_timeout only if the target is merely large.' },
      references: ['https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config'],
    };
  }
  return {
    cause: 'unknown',
    explanation: 'Prometheus cannot scrape this target; its last error is in the evidence.',
    remediation: { text: 'Read the last error; compare with a scrape of the same URL from the Prometheus host.' },
    references: ['https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config'],
  };
}
