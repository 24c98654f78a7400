import { ApiError } from '@/lib/http/api-error';
import { DEFAULT_FROM, DEFAULT_TO } from '@/lib/time-range';
import { explainParamsOf, type ExplainInput } from './request';

/**
 * /explain's state, all in the URL (query, node, from, to, var-*, dashboard) so that an explanation is a
 * link to share. A value that cannot be read is shown as the page's error; the form keeps what was typed.
 */
export interface ExplainPageState {
  query: string;
  node: string;
  cluster: string;
  from: string;
  to: string;
  dashboard?: string;
  /** The validated request, when there is a query or a dashboard to explain. */
  input?: ExplainInput;
  error?: string;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function readExplainPage(search: Record<string, string | string[] | undefined>, now: number): ExplainPageState {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) if (first(value) !== undefined) params.set(key, first(value)!);
  const state: ExplainPageState = { query: params.get('query') ?? '', node: params.get('node') ?? '', cluster: params.get('cluster') ?? '', from: params.get('from') || DEFAULT_FROM, to: params.get('to') || DEFAULT_TO };
  const dashboard = params.get('dashboard') ?? '';
  if (dashboard) state.dashboard = dashboard;
  if (!state.query.trim() && !dashboard) return state;
  try {
    if (state.query.trim()) state.input = explainParamsOf(params, now);
    else {
      params.set('query', 'up');
      const { query: _unused, ...rest } = explainParamsOf(params, now);
      state.input = rest;
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    state.error = error.message;
  }
  return state;
}
