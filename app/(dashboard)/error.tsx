'use client';

import { ViewError } from '@/components/view-error';

export default function DashboardError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <ViewError title="This view failed" fallback="An unexpected error occurred while building this view." {...props} />;
}
