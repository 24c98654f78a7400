import { KnownNodeLayout } from '@/components/node/known-node-layout';

export const dynamic = 'force-dynamic';

export default KnownNodeLayout;
