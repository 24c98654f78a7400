import type { Evidence } from '@/lib/contract/finding';

/** What a finding was built from: the PromQL or endpoint, the excerpt, the value, when. */
export function EvidenceList({ evidence }: { evidence: Evidence[] }) {
  return (
    <ul className="evidence" data-testid="evidence">
      {evidence.map((item, index) => (
        <li key={index}>
          <span className="muted">{item.source}</span> <code>{item.query ?? item.endpoint ?? ''}</code>
          <pre>{item.excerpt}</pre>
          {item.value !== undefined ? <span className="muted">value {String(item.value)} · </span> : null}
          <time className="muted" dateTime={item.at}>
            {item.at}
          </time>
        </li>
      ))}
    </ul>
  );
}
