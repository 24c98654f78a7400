import { jsonRoute } from '@/lib/http/api-error';
import { clusters } from '@/lib/server/clusters';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/clusters: the clusters of the store (by GAPSCOPE_CLUSTER_LABEL), each with its nodes and the
 * nodes with a fault per family; `clusters: []` for a store of one cluster without the label (docs/api.md).
 */
export const GET = jsonRoute(() => clusters().overview());
