import { sourceFailure } from '@/lib/errors';
import { prometheus } from '@/lib/investigation/prometheus';

export const dynamic = 'force-dynamic';

/**
 * Liveness plus what gapscope can reach. Always 200 while the process serves requests, so that an
 * unreachable Prometheus does not get gapscope restarted; the body says what is degraded.
 */
export async function GET() {
  const checkedAt = new Date().toISOString();
  try {
    const { version } = await prometheus().buildInfo();
    return Response.json({ status: 'ok', checkedAt, prometheus: { ok: true, version } });
  } catch (error) {
    const failure = sourceFailure(error, { source: 'prometheus', endpoint: 'GET /api/v1/status/buildinfo' });
    return Response.json({ status: 'degraded', checkedAt, prometheus: { ok: false, detail: failure.detail, kind: failure.kind } });
  }
}
