// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Loaded by Node at run time rather than bundled: it reads kubeconfig files and in-cluster credentials.
  serverExternalPackages: ['@kubernetes/client-node'],
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          // Content-Security-Policy (frame-ancestors) is set per request by proxy.ts: embeds have an allowlist.
        ],
      },
    ];
  },
};

module.exports = nextConfig;
