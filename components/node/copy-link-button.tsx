'use client';

import { useState } from 'react';

/** Copies the page's own address: every piece of view state is in it, so a colleague sees the same view. */
export function CopyLinkButton() {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2_000);
  };
  return (
    <button type="button" onClick={copy} data-testid="copy-link" aria-live="polite">
      {state === 'copied' ? 'Link copied' : state === 'failed' ? 'Copy failed: copy the address bar' : 'Copy link'}
    </button>
  );
}
