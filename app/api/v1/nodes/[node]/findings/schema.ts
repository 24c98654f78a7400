import { z } from 'zod';

/** Node names are DNS-1123 subdomains; anything else is refused before any upstream is asked. */
export const nodeParamsSchema = z.object({
  node: z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'must be a Kubernetes node name (DNS-1123 subdomain)'),
});
