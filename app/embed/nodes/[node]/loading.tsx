import { EmbedLoading } from '@/components/embed/embed-loading';

export default EmbedLoading;
