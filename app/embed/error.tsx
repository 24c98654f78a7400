'use client';

import { ViewError } from '@/components/view-error';

export default function EmbedError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <ViewError title="This panel failed" fallback="An unexpected error occurred while building this panel." {...props} />;
}
