import { jsonRoute, shedIfOverloaded } from '@/lib/http/api-error';
import { gapscope } from '@/lib/server/gapscope';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes: every node with its target health and findings counted by kind, family and severity (docs/api.md). */
export const GET = jsonRoute(async () => {
  const fleet = await gapscope().fleet();
  return shedIfOverloaded(fleet, fleet.nodes !== null);
});
