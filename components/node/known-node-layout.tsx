import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { gapscope } from '@/lib/server/gapscope';
import { nodeNameSchema } from '@/lib/topology/node-name';

/**
 * The layout of a node page or node embed: checks the node before the page streams (the segment's loading
 * boundary is inside it), so an unknown node gets a real 404, not a 200 that says so. A bad name never gets
 * here: proxy.ts answers 400.
 */
export async function KnownNodeLayout({ children, params }: { children: ReactNode; params: Promise<{ node: string }> }) {
  const name = nodeNameSchema.safeParse((await params).node);
  if (!name.success || (await gapscope().nodeKnown(name.data)) === false) notFound();
  return children;
}
