/**
 * dist/licenses.txt names every third-party package whose code is in dist/, with its version,
 * its licence and the licence text (scripts/licenses.ts, written by scripts/build.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import {
  type BundledPackage,
  bundledPackageDirs,
  describePackage,
  licensesText,
  packageDirOf,
} from '../../scripts/licenses.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');

describe('packageDirOf', () => {
  const cases: [string, string | undefined][] = [
    ['node_modules/undici/lib/web/fetch/body.js', 'node_modules/undici'],
    ['node_modules/@actions/core/lib/core.js', 'node_modules/@actions/core'],
    ['node_modules/a/node_modules/@b/c/index.js', 'node_modules/a/node_modules/@b/c'],
    ['src/run.ts', undefined],
    ['node_modules/undici', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${input} -> ${String(expected)}`, () => assert.equal(packageDirOf(input), expected));
  }
});

describe('bundledPackageDirs', () => {
  it('lists each package with code in an output once, sorted, not the ones shaken out', () => {
    const metafile = {
      inputs: {},
      outputs: {
        'dist/a.js': {
          inputs: {
            'node_modules/yaml/dist/index.js': { bytesInOutput: 10 },
            'src/a.ts': { bytesInOutput: 10 },
            'node_modules/unused/index.js': { bytesInOutput: 0 },
          },
        },
        'dist/b.js': {
          inputs: {
            'node_modules/@actions/core/lib/core.js': { bytesInOutput: 3 },
            'node_modules/yaml/dist/parse.js': { bytesInOutput: 3 },
          },
        },
      },
    } as unknown as Metafile;
    assert.deepEqual(bundledPackageDirs(metafile), [
      'node_modules/@actions/core',
      'node_modules/yaml',
    ]);
  });
});

describe('describePackage', () => {
  it('takes the licence file', () => {
    const undici = describePackage(root, 'node_modules/undici');
    assert.equal(undici.name, 'undici');
    assert.equal(undici.license, 'MIT');
    assert.equal(undici.hasText, true);
    assert.match(undici.text, /Permission is hereby granted/);
  });

  it("takes a README's licence section where there is no licence file", () => {
    const plus = describePackage(root, 'node_modules/assert-plus');
    assert.equal(plus.hasText, true);
    assert.match(plus.text, /^\(from README\.md, section "License"\)\n\nThe MIT License/);
  });

  it('says so where the package carries no licence text', () => {
    const sdk = describePackage(root, 'node_modules/@1password/sdk');
    assert.equal(sdk.hasText, false);
    assert.equal(sdk.text, 'The package ships no licence file; its package.json declares MIT.');
  });
});

describe('licensesText', () => {
  const one = (name: string, version: string): BundledPackage => ({
    name,
    version,
    license: 'MIT',
    text: `text of ${name}`,
    hasText: true,
  });

  it('is the same whatever the order it is given', () => {
    const packages = [one('b', '1.0.0'), one('@a/x', '2.0.0'), one('b', '0.9.0')];
    const text = licensesText(packages, '');
    assert.equal(text, licensesText([...packages].reverse(), ''));
    assert.match(text, /^3 packages: @a\/x@2\.0\.0, b@0\.9\.0, b@1\.0\.0$/m);
  });
});

/** The packages of every module in dist/: esbuild writes `// node_modules/<package>/<file>` before each. */
function packagesInDist(): Set<string> {
  const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.js'),
  );
  const dirs = new Set<string>();
  for (const file of files) {
    for (const [, path = ''] of readFileSync(join(dist, file), 'utf8').matchAll(
      /^\/\/ (node_modules\/\S+)$/gm,
    )) {
      const dir = packageDirOf(path);
      if (dir !== undefined) dirs.add(dir);
    }
  }
  return dirs;
}

describe('dist/licenses.txt (rebuild with npm run build if this fails)', () => {
  const licenses = () => readFileSync(join(dist, 'licenses.txt'), 'utf8');

  it('names every package in the bundle, with its version, licence and licence text', () => {
    const text = licenses();
    const dirs = packagesInDist();
    assert.ok(dirs.size >= 10, `only ${dirs.size} packages found in dist/`);
    for (const dir of dirs) {
      const described = describePackage(root, dir);
      const heading = `\n${described.name} ${described.version}\nLicense: ${described.license}\n`;
      const at = text.indexOf(heading);
      assert.ok(at !== -1, `${described.name} ${described.version} is not in dist/licenses.txt`);
      // Past the rule under the heading, up to the next section's rule.
      const rule = `${'='.repeat(80)}\n`;
      const body = text.slice(at + heading.length + rule.length).split(`\n${rule}`)[0] ?? '';
      assert.equal(body.trim(), described.text.trim(), `licence text of ${described.name}`);
      if (!described.hasText) assert.match(body, /ships no licence file/);
    }
    const listed = /^(\d+) packages: /m.exec(text)?.[1];
    assert.equal(Number(listed), dirs.size, 'a package listed that is not in the bundle');
  });

  it('carries the notices found inside bundled code, and leaves no .LEGAL.txt beside it', () => {
    assert.match(licenses(), /formdata-polyfill\. MIT License/);
    const legal = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.LEGAL.txt'),
    );
    assert.deepEqual(legal, []);
  });
});
