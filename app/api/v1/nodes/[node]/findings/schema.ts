import { z } from 'zod';
import { nodeNameSchema } from '@/lib/topology/node-name';
import { timeExpressionSchema } from '@/lib/time-range';

export const nodeParamsSchema = z.object({ node: nodeNameSchema });

/** ?from=&to= in Grafana's syntax; anything else in the query string is ignored. */
export const rangeQuerySchema = z.object({ from: timeExpressionSchema.optional(), to: timeExpressionSchema.optional() });
