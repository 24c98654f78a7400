'use client';

import { autocompletion } from '@codemirror/autocomplete';
import { history, historyKeymap, defaultKeymap } from '@codemirror/commands';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import type { PrometheusClient } from '@prometheus-io/codemirror-promql/dist/esm/client/prometheus';
import { useEffect, useRef } from 'react';

/**
 * The PromQL editor of /explain: Prometheus' own CodeMirror extension (@prometheus-io/codemirror-promql) for
 * highlighting and completion. Completion asks gapscope (GET /api/v1/completions), never Prometheus: the
 * browser does not know Prometheus' address or credentials. The textarea it replaces stays in the form, so
 * the page works without JavaScript and the form submits what the editor holds.
 */

async function names(params: Record<string, string>): Promise<string[]> {
  const response = await fetch(`/api/v1/completions?${new URLSearchParams(params)}`);
  if (!response.ok) return [];
  const body = (await response.json()) as { names?: string[] };
  return body.names ?? [];
}

const completionClient: PrometheusClient = {
  labelNames: (metricName) => names(metricName ? { metric: metricName } : {}),
  labelValues: (labelName, metricName) => names({ label: labelName, ...(metricName ? { metric: metricName } : {}) }),
  metricNames: () => names({ label: '__name__' }),
  metricMetadata: async () => ({}),
  series: async () => [],
  flags: async () => ({}),
};

/**
 * PromQL's colours from the stylesheet's variables (app/globals.css), so that they keep their contrast in the
 * light and the dark theme alike; CodeMirror's default style is made for a light background only.
 */
const PROMQL_COLOURS = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.function(tags.variableName)], color: 'var(--syntax-keyword)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool], color: 'var(--syntax-number)' },
  { tag: [tags.labelName, tags.propertyName, tags.attributeName], color: 'var(--syntax-label)' },
  { tag: [tags.comment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.invalid], color: 'var(--down)' },
]);

export function QueryEditor({ textareaId }: { textareaId: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const textarea = document.getElementById(textareaId) as HTMLTextAreaElement | null;
    if (!host.current || !textarea) return;
    // No linter: a panel's query has Grafana variables ($node, [$__rate_interval]) that PromQL calls errors;
    // gapscope substitutes them first and reports what does not parse after that.
    const promql = new PromQLExtension().setComplete({ remote: completionClient, maxMetricsMetadata: 0 }).activateLinter(false);
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: textarea.value,
        extensions: [
          history(),
          keymap.of([
            // Ctrl/Cmd-Enter submits, as in Prometheus' and Grafana's query editors.
            { key: 'Mod-Enter', run: () => (textarea.form?.requestSubmit(), true) },
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          autocompletion(),
          syntaxHighlighting(PROMQL_COLOURS),
          promql.asExtension(),
          placeholder('sum(rate(container_cpu_usage_seconds_total{node="$node", container!=""}[$__rate_interval]))'),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'PromQL query', 'data-testid': 'query-editor' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) textarea.value = update.state.doc.toString();
          }),
        ],
      }),
    });
    textarea.hidden = true;
    return () => {
      view.destroy();
      textarea.hidden = false;
    };
  }, [textareaId]);
  return <div ref={host} className="query-editor" />;
}
