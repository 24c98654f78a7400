import { z } from 'zod';
import { nodeNameSchema } from '@/lib/topology/node-name';

export const nodeParamsSchema = z.object({ node: nodeNameSchema });
