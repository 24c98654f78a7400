import Link from 'next/link';
import type { ReactNode } from 'react';

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <header className="chrome">
        <Link href="/" className="brand">
          {/* A plain img: an 0.4 KB SVG from public/ needs no image optimizer. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/logo.svg" alt="" width={20} height={20} className="logo" />
          gapscope
        </Link>
        <span className="tagline">why is this node metric missing or wrong?</span>
      </header>
      <main>{children}</main>
    </>
  );
}
