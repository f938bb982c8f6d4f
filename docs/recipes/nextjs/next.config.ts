import type { NextConfig } from 'next';

// Same origin: the browser talks to Next.js only, which forwards /auth/* and /api/* to the API
// server. The refresh cookie stays first-party and no CORS is needed. (Keep your own route
// handlers off these two paths.)
const api = process.env.API_ORIGIN ?? 'http://127.0.0.1:8787';

const nextConfig: NextConfig = {
  async rewrites() {
    return [
      { source: '/auth/:path*', destination: `${api}/auth/:path*` },
      { source: '/api/:path*', destination: `${api}/api/:path*` },
    ];
  },
};

export default nextConfig;
