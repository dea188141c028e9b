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
  experimental: {
    // By default a production server loads every route's module at start. Here
    // the /api/* route modules are never used in production (server.ts serves
    // /api/* on its lean path before Next sees the request; they exist for
    // \`next dev\`), and each holds its own compiled copy of the gateway: loading
    // them cost the process ~55 MiB at rest and ~70 MiB under load (measured
    // with the API under load, no page visited). Pages load when first visited.
    preloadEntriesOnStart: false,
  },
  // Every page: never framed by another origin (clickjacking), content types
  // as sent, and no full URLs (with their query) in the Referer to other sites.
  // The CSP has no script policy (it would need nonces on Next's inline
  // scripts), but takes from an injected tag what needs no script: a <base>
  // that moves every relative URL, a plugin, a form posting elsewhere. The
  // opener policy leaves a page of another site that opened this one (or that
  // this one opened) no handle to its window.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
  reactStrictMode: true,
  // `npm test` type-checks the whole project with tsc (tests and scripts
  // included) before it builds the pages, and says so with
  // THINKGATE_TYPECHECKED=1: checking the same files again in the build took
  // ~20 s of a suite that must stay short. Any other build checks types.
  typescript: { ignoreBuildErrors: process.env.THINKGATE_TYPECHECKED === "1" },
};

module.exports = nextConfig;
