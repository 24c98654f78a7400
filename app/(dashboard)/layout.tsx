import Link from 'next/link';
import type { ReactNode } from 'react';

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <header className="chrome">
        <Link href="/" className="brand">
          gapscope
        </Link>
        <span className="tagline">why is this node metric missing or wrong?</span>
      </header>
      <main>{children}</main>
    </>
  );
}
