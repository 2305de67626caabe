/** Bundles the entries into dist/ (ESM, Node 24), so that the action runs with no node_modules. */
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** undici's HTTP/2 client, replaced: see scripts/no-http2.cjs. */
const noHttp2: Plugin = {
  name: 'no-http2',
  setup(context) {
    context.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'undici')}`)
        ? { path: join(root, 'scripts', 'no-http2.cjs') }
        : undefined,
    );
  },
};

rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/main.ts', post: 'src/post.ts' },
  outdir: 'dist',
  bundle: true,
  // Each backend in its own chunk, parsed only when its mode runs.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // CommonJS dependencies call require() and read __dirname: give them both.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      "const __dirname = __fileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  alias: {
    '@actions/http-client': './scripts/no-oidc.ts',
    '@actions/http-client/lib/auth': './scripts/no-oidc.ts',
  },
  minify: process.env['MINIFY'] === '1',
  plugins: [noHttp2],
  legalComments: 'linked',
  logLevel: 'warning',
});

// The SDK's WebAssembly core, read next to the chunk that loads it (only in the SDK mode).
const sdkCore = dirname(require.resolve('@1password/sdk-core'));
copyFileSync(join(sdkCore, 'core_bg.wasm'), join(root, 'dist', 'chunks', 'core_bg.wasm'));
