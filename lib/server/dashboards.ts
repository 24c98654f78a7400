import 'server-only';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@/lib/env';
import { DashboardError, readDashboard, type Dashboard } from '@/lib/explain/dashboard';
import { MAX_DASHBOARD_BYTES } from '@/lib/explain/request';

/**
 * The standard dashboards offered on node pages: every *.json of GAPSCOPE_DASHBOARDS_DIR (mount the
 * ConfigMaps Grafana's sidecar provisions from, and they are the same ones), read once per process.
 * A file that is not a dashboard is listed with why, never fatal.
 */

export interface StandardDashboard {
  id: string;
  title: string;
  queries: number;
  error?: string;
}

const ID = /^[A-Za-z0-9._-]{1,200}$/;

let cache: { dir: string; list: StandardDashboard[]; byId: Map<string, Dashboard> } | undefined;

function load(): NonNullable<typeof cache> | null {
  const dir = env().GAPSCOPE_DASHBOARDS_DIR;
  if (!dir) return null;
  if (cache?.dir === dir) return cache;
  const list: StandardDashboard[] = [];
  const byId = new Map<string, Dashboard>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json')).sort();
  } catch (error) {
    return { dir, list: [{ id: '', title: dir, queries: 0, error: `cannot list GAPSCOPE_DASHBOARDS_DIR: ${(error as NodeJS.ErrnoException).code ?? 'error'}` }], byId };
  }
  for (const file of files) {
    const id = file.slice(0, -'.json'.length);
    if (!ID.test(id)) continue;
    try {
      if (statSync(join(dir, file)).size > MAX_DASHBOARD_BYTES) throw new DashboardError(`larger than ${MAX_DASHBOARD_BYTES} bytes`);
      const dashboard = readDashboard(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      byId.set(id, dashboard);
      list.push({ id, title: dashboard.title, queries: dashboard.queries.length });
    } catch (error) {
      list.push({ id, title: file, queries: 0, error: error instanceof SyntaxError ? 'not JSON' : (error as Error).message });
    }
  }
  cache = { dir, list, byId };
  return cache;
}

/** The configured dashboards, or null when GAPSCOPE_DASHBOARDS_DIR is not set. */
export function standardDashboards(): StandardDashboard[] | null {
  return load()?.list ?? null;
}

/** One configured dashboard by id (its file name without .json). */
export function standardDashboard(id: string): Dashboard | undefined {
  return ID.test(id) ? load()?.byId.get(id) : undefined;
}
