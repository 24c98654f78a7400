import { fleetSnapshot } from '@/lib/investigation/fleet-snapshot';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes: every node with its target health and findings counted by kind, family and severity (docs/api.md). */
export async function GET() {
  return Response.json(await fleetSnapshot());
}
