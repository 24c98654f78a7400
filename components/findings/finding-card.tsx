import type { Finding } from '@/lib/contract/finding';
import { findingAnchor } from '@/lib/node-view/state';
import { CopyButton } from './copy-button';
import { EvidenceList } from './evidence-list';

/**
 * One finding, evidence first: what is wrong, why it happens, what shows it, how to fix it. `link` is the
 * address that focuses it (for sharing); `selected` marks the finding a shared link points at.
 */
export function FindingCard({ finding, link, selected = false }: { finding: Finding; link?: string; selected?: boolean }) {
  const anchor = findingAnchor(finding);
  return (
    <article
      id={anchor}
      className={`finding ${finding.severity}${selected ? ' selected' : ''}`}
      data-testid="finding-card"
      data-kind={finding.kind}
      data-cause={finding.cause}
      data-selected={selected}
      aria-current={selected ? 'true' : undefined}
      aria-labelledby={`${anchor}-title`}
    >
      <header>
        <span className={`severity ${finding.severity}`}>{finding.severity}</span>
        <h3 id={`${anchor}-title`}>{finding.summary}</h3>
        <code className="muted">
          {finding.kind} · {finding.cause} · {finding.layer} layer
        </code>
        {link ? (
          <a href={`${link}#${anchor}`} className="finding-link" data-testid="finding-link">
            Link to this finding
          </a>
        ) : null}
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
