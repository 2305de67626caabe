/** Bundles the entries into dist/ (ESM, Node 24), so that the action runs with no node_modules. */
import { copyFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/**
 * Node's builtins, loaded with require() rather than import. Importing a builtin as an ES
 * module reads every one of its exports, which runs their lazy getters: `import 'node:https'`
 * alone loads http2, zlib, worker_threads and Node's own fetch, ~25 ms of every start.
 */
const builtinsByRequire: Plugin = {
  name: 'builtins-by-require',
  setup(context) {
    const builtins = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));
    context.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name) || args.kind !== 'import-statement') return undefined;
      // Side-effect free: an import nothing uses still disappears from the bundle.
      return { path: `node:${name}`, namespace: 'builtin', sideEffects: false };
    });
    context.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Packages whose modules only define things: marked free of side effects, so that a module of
 * theirs nothing uses is left out. @actions/core's summary module, and @actions/io (imported
 * through @actions/exec), read fs.promises as they load, which loads readline.
 */
const PURE_PACKAGES = ['@actions/core', '@actions/exec', '@actions/io'];
const inPurePackage = (path: string) =>
  PURE_PACKAGES.some((name) => path.includes(`${sep}node_modules${sep}${join(name)}${sep}`));
const purePackages: Plugin = {
  name: 'pure-packages',
  setup(context) {
    context.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'pure-packages' || args.kind === 'entry-point') return undefined;
      const direct = PURE_PACKAGES.some(
        (name) => args.path === name || args.path.startsWith(`${name}/`),
      );
      if (!direct && !(args.path.startsWith('.') && inPurePackage(args.importer))) return undefined;
      const resolved = await context.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'pure-packages',
      });
      return resolved.errors.length > 0 ? undefined : { ...resolved, sideEffects: false };
    });
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
    // yaml's ES-module build (its "default" export condition; the same code as its CommonJS
    // build for Node): bundled module by module, so what is unused is left out.
    yaml: './node_modules/yaml/browser/index.js',
    '@actions/http-client': './scripts/no-oidc.ts',
    '@actions/http-client/lib/auth': './scripts/no-oidc.ts',
  },
  minify: process.env['MINIFY'] === '1',
  plugins: [builtinsByRequire, purePackages],
  legalComments: 'linked',
  logLevel: 'warning',
});

// The SDK's WebAssembly core, read next to the chunk that loads it (only in the SDK mode).
const sdkCore = dirname(require.resolve('@1password/sdk-core'));
copyFileSync(join(sdkCore, 'core_bg.wasm'), join(root, 'dist', 'chunks', 'core_bg.wasm'));
