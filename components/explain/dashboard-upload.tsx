'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiErrorSchema } from '@/lib/contract/error';
import { dashboardExplanationSchema, type DashboardExplanation } from '@/lib/contract/explain';
import { DashboardView } from './dashboard-view';

/**
 * Upload or paste a Grafana dashboard's JSON model: POST /api/v1/explain explains its panels for the node
 * and range of the page. The JSON goes to gapscope only; nothing in it is fetched.
 */

async function explainDashboard(body: { dashboard: unknown; node?: string; cluster?: string; from: string; to: string }): Promise<DashboardExplanation> {
  const response = await fetch('/api/v1/explain', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new Error(apiErrorSchema.safeParse(json).data?.error.message ?? `gapscope answered HTTP ${response.status}`);
  const parsed = dashboardExplanationSchema.safeParse(json);
  if (!parsed.success) throw new Error('gapscope answered with an unexpected shape');
  return parsed.data;
}

export function DashboardUpload({ node, cluster, from, to }: { node?: string; cluster?: string; from: string; to: string }) {
  const [text, setText] = useState('');
  const [readError, setReadError] = useState<string | null>(null);
  const mutation = useMutation({ mutationFn: explainDashboard });

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setText(await file.text());
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setReadError(null);
    mutation.reset();
    let dashboard: unknown;
    try {
      dashboard = JSON.parse(text);
    } catch {
      setReadError("that is not JSON: paste the dashboard's JSON model (Dashboard settings → JSON Model, or Export → Export for sharing externally)");
      return;
    }
    mutation.mutate({ dashboard, ...(node ? { node } : {}), ...(cluster ? { cluster } : {}), from, to });
  };

  return (
    <section className="panel" aria-labelledby="dashboard-heading">
      <h2 id="dashboard-heading">A whole dashboard</h2>
      <form onSubmit={submit} className="dashboard-form">
        <label>
          Dashboard JSON file <input type="file" accept="application/json,.json" data-testid="dashboard-file" onChange={(event) => void onFile(event.target.files?.[0])} />
        </label>
        <label>
          or paste it
          <textarea rows={4} value={text} onChange={(event) => setText(event.target.value)} data-testid="dashboard-json" spellCheck={false} />
        </label>
        <button type="submit" disabled={text.trim() === '' || mutation.isPending} data-testid="dashboard-submit">
          {mutation.isPending ? 'Explaining…' : `Explain its panels${node ? ` for ${node}` : ''}`}
        </button>
      </form>
      {readError ? (
        <p className="source-failed" role="alert" data-testid="dashboard-read-error">
          {readError}
        </p>
      ) : null}
      {mutation.isError ? (
        <p className="source-failed" role="alert" data-testid="dashboard-error">
          {mutation.error.message}
        </p>
      ) : null}
      {mutation.isPending ? <div className="skeleton" aria-label="Explaining the dashboard" /> : null}
      {mutation.data ? <DashboardView result={mutation.data} /> : null}
    </section>
  );
}
