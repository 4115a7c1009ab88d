// Bundles the page for browsers: src/main.ts (with the session package's sources and starknet.js)
// into dist/app.js, the devnet's development wallet into dist/dev-wallet.js, and copies
// index.html. One starknet.js: the package's imports of `starknet` resolve to this folder's.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const oneStarknet = {
  name: 'one-starknet',
  setup(builder) {
    // `starknet` as esbuild resolves it for browsers, from this folder, whoever imports it.
    builder.onResolve({ filter: /^starknet$/ }, (args) =>
      args.resolveDir === here ? undefined : builder.resolve('starknet', { resolveDir: here, kind: args.kind }),
    );
    builder.onResolve({ filter: /^starknet-session-keys$/ }, () => ({ path: join(here, '../session-keys/src/index.ts') }));
  },
};
mkdirSync(join(here, 'dist'), { recursive: true });
for (const [entry, out] of [['src/main.ts', 'dist/app.js'], ['src/devWallet.ts', 'dist/dev-wallet.js']]) {
  await build({
    entryPoints: [join(here, entry)],
    outfile: join(here, out),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // starknet's `browser` field is its IIFE build, which exports nothing: take its ES module.
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    plugins: [oneStarknet],
    logLevel: 'warning',
  });
  console.log(`${out}: ${(statSync(join(here, out)).size / 1024).toFixed(1)} kB`);
}
copyFileSync(join(here, 'index.html'), join(here, 'dist/index.html'));
