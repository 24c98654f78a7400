import type { Finding } from '@/lib/diagnosis/finding';
import { CopyButton } from './copy-button';
import { EvidenceList } from './evidence-list';

/** One finding, evidence first: what is wrong, why it happens, what shows it, how to fix it. */
export function FindingCard({ finding }: { finding: Finding }) {
  return (
    <article className={`finding ${finding.severity}`} data-testid="finding-card" data-kind={finding.kind} data-cause={finding.cause} aria-labelledby={`${finding.kind}-${finding.subject}`}>
      <header>
        <span className={`severity ${finding.severity}`}>{finding.severity}</span>
        <h3 id={`${finding.kind}-${finding.subject}`}>{finding.summary}</h3>
        <code className="muted">
          {finding.kind} · {finding.cause} · {finding.layer} layer
        </code>
      </header>
      <h4>Why</h4>
      <p>{finding.explanation}</p>
      <h4>Evidence</h4>
      <EvidenceList evidence={finding.evidence} />
      <h4>Fix</h4>
      <p>{finding.remediation.text}</p>
      {finding.remediation.snippet ? (
        <div className="snippet">
          <pre data-testid="remediation-snippet">{finding.remediation.snippet}</pre>
          <CopyButton text={finding.remediation.snippet} />
        </div>
      ) : null}
      {finding.references.length > 0 ? (
        <p className="references">
          {finding.references.map((url) => (
            <a key={url} href={url} target="_blank" rel="noreferrer noopener">
              {url.replace(/^https:\/\//, '')}
            </a>
          ))}
        </p>
      ) : null}
    </article>
  );
}
