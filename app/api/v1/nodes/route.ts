import { investigateFleet } from '@/lib/investigation/node-findings';
import { jobRoles, prometheus } from '@/lib/investigation/prometheus';

export const dynamic = 'force-dynamic';

/** GET /api/v1/nodes: every node with its target health and findings counted by kind and severity (docs/api.md). */
export async function GET() {
  return Response.json(await investigateFleet(prometheus(), { jobRoles: jobRoles() }));
}
