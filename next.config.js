// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and driver packages stay outside the bundle: Next loads them from
  // node_modules at run time, in the same process as the gateway.
  serverExternalPackages: [
    "better-sqlite3",
    "pg",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "@node-rs/argon2",
    "ioredis",
    "pino",
    "prom-client",
  ],
  // A second build directory lets two checkouts' worth of work build side by
  // side (THINKGATE_NEXT_DIST=.next-foo); everything else uses .next.
  distDir: process.env.THINKGATE_NEXT_DIST || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: false },
};

module.exports = nextConfig;
