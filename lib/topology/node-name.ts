import { z } from 'zod';

/** Kubernetes node names are DNS-1123 subdomains; nothing else may reach a query, a URL or a page. */
export const NODE_NAME_PATTERN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

export const nodeNameSchema = z.string().regex(NODE_NAME_PATTERN, 'must be a Kubernetes node name (DNS-1123 subdomain)');
