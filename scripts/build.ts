/**
 * Bundles the entries into dist/ (ESM, Node 24), so that the action runs with no node_modules,
 * with dist/licenses.txt naming every package bundled. Fails first when the committed
 * src/generated/action-defaults.ts no longer says what action.yml says.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { checkGenerated } from './action-defaults.ts';
import { BUNDLE_OPTIONS } from './bundle-options.ts';
import { bundledPackageDirs, describePackage, licensesText } from './licenses.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

checkGenerated(root);
rmSync(dist, { recursive: true, force: true });
const { metafile } = await build({
  ...BUNDLE_OPTIONS,
  absWorkingDir: root,
  // configure/action.yml runs dist/configure.js: one dist/, one set of chunks.
  entryPoints: {
    index: 'src/index.ts',
    post: 'src/post-index.ts',
    configure: 'src/configure-index.ts',
  },
  outdir: 'dist',
  metafile: true,
  // Collected into dist/licenses.txt below, not left as a file per chunk.
  legalComments: 'external',
});

// The SDK's glue reads its WebAssembly core from beside itself (__dirname): the chunks directory.
const glue = Object.keys(metafile.inputs).filter((input) =>
  input.endsWith('sdk-core/nodejs/core.js'),
);
if (glue.length !== 1)
  throw new Error(`expected one WebAssembly glue module, found ${glue.length}`);
copyFileSync(
  join(root, dirname(glue[0] as string), 'core_bg.wasm'),
  join(dist, 'chunks', 'core_bg.wasm'),
);

// Every package with code in the bundle, with its licence text; the legal comments esbuild found.
const legalFiles = Object.keys(metafile.outputs)
  .filter((output) => output.endsWith('.LEGAL.txt'))
  .sort();
const legal = [...new Set(legalFiles.map((file) => readFileSync(join(root, file), 'utf8').trim()))];
for (const file of legalFiles) rmSync(join(root, file));
writeFileSync(
  join(dist, 'licenses.txt'),
  licensesText(
    bundledPackageDirs(metafile).map((dir) => describePackage(root, dir)),
    legal.join('\n\n'),
  ),
);
