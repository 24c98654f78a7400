import { cookies } from 'next/headers';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ThemeSwitch } from '@/components/theme-switch';
import { THEME_COOKIE, themeAttribute, themeSchema } from '@/lib/theme/theme';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // The theme chosen with the switch (a cookie); embeds keep their ?theme= and never read it.
  const theme = themeSchema.parse((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <div className="theme-root" data-theme-root data-theme={themeAttribute(theme)}>
      <header className="chrome">
        <Link href="/" className="brand">
          {/* A plain img: an 0.4 KB SVG from public/ needs no image optimizer. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/logo.svg" alt="" width={20} height={20} className="logo" />
          gapscope
        </Link>
        <span className="tagline">why is this node metric missing or wrong?</span>
        <ThemeSwitch initial={theme} />
      </header>
      <main>{children}</main>
    </div>
  );
}
