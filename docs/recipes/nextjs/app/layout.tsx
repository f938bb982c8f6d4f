import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { Providers } from './providers';

export const metadata: Metadata = { title: 'My app' };

export default function RootLayout({ children }: Readonly<{ children: ReactNode }>) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <nav>
            <Link href="/">Home</Link> <Link href="/account">Account</Link>
          </nav>
          {children}
        </Providers>
      </body>
    </html>
  );
}
