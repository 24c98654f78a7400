import { jsonRoute } from '@/lib/http/api-error';
import { gapscope } from '@/lib/server/gapscope';

export const dynamic = 'force-dynamic';

/**
 * Liveness plus what gapscope can reach. Always 200 while the process serves requests, so that an
 * unreachable Prometheus does not get gapscope restarted; the body says what is degraded.
 */
export const GET = jsonRoute(() => gapscope().health());
