'use client';

import { ViewError } from '@/components/view-error';

export default function NodeError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <ViewError title="This node view failed" fallback="An unexpected error occurred while investigating this node." {...props} />;
}
