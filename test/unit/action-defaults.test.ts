/**
 * The input defaults fixed at build time: src/generated/action-defaults.ts says what action.yml
 * and configure/action.yml say, and the build refuses a module that no longer does.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import {
  checkGenerated,
  GENERATED,
  renderDefaults,
  SOURCES,
  staleness,
  writeGenerated,
} from '../../scripts/action-defaults.ts';
import { inputDefault } from '../../src/action-metadata.ts';
import {
  CONFIGURE_INPUT_DEFAULTS,
  MAIN_INPUT_DEFAULTS,
} from '../../src/generated/action-defaults.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Each input and its default as the YAML gives it, read here independently of the generator. */
function declared(file: string): Record<string, string> {
  const { inputs } = parse(read(file)) as {
    inputs: Record<string, { default?: string | number | boolean } | null>;
  };
  return Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [name, String(input?.default ?? '')]),
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'action-defaults-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the metadata files and the committed module, to be changed by a test. */
function copyOfRoot(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'configure'), { recursive: true });
  mkdirSync(join(dir, 'src', 'generated'), { recursive: true });
  for (const file of [...Object.values(SOURCES), GENERATED]) {
    cpSync(join(root, file), join(dir, file));
  }
  return dir;
}

describe('input defaults fixed at build time', () => {
  it('are exactly the inputs and defaults action.yml declares', () => {
    assert.deepEqual({ ...MAIN_INPUT_DEFAULTS }, declared('action.yml'));
  });

  it('are exactly the inputs configure/action.yml declares', () => {
    assert.deepEqual({ ...CONFIGURE_INPUT_DEFAULTS }, declared('configure/action.yml'));
  });

  it('give the pipeline the default of each input, and none for an undeclared one', () => {
    assert.equal(inputDefault('auth-mode'), 'auto');
    assert.equal(inputDefault('refresh-after-seconds'), '3600');
    assert.equal(inputDefault('connect-host'), '');
    assert.equal(inputDefault('no-such-input'), '');
    assert.equal(inputDefault('constructor'), '');
  });

  it('are what the committed module says: the build passes', () => {
    assert.doesNotThrow(() => checkGenerated(root));
  });

  it('the build refuses a module that action.yml no longer agrees with', () => {
    const dir = copyOfRoot('stale');
    const yml = join(dir, 'action.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace("default: '3600'", "default: '7200'"));
    assert.throws(
      () => checkGenerated(dir),
      /src\/generated\/action-defaults\.ts does not match action\.yml or configure\/action\.yml: run `npm run generate`/,
    );
    writeGenerated(dir);
    assert.doesNotThrow(() => checkGenerated(dir));
    assert.match(read(GENERATED), /'refresh-after-seconds': '3600'/);
    assert.match(readFileSync(join(dir, GENERATED), 'utf8'), /'refresh-after-seconds': '7200'/);
  });

  it('the build refuses a module edited by hand, and a missing one', () => {
    const committed = read(GENERATED);
    const expected = renderDefaults({
      MAIN_INPUT_DEFAULTS: read(SOURCES.MAIN_INPUT_DEFAULTS),
      CONFIGURE_INPUT_DEFAULTS: read(SOURCES.CONFIGURE_INPUT_DEFAULTS),
    });
    assert.equal(staleness(committed, expected), undefined);
    assert.match(
      staleness(committed.replace("'auth-mode': 'auto'", "'auth-mode': 'connect'"), expected) ?? '',
      /does not match/,
    );
    const dir = copyOfRoot('missing');
    rmSync(join(dir, GENERATED));
    assert.throws(() => checkGenerated(dir), /action-defaults\.ts is missing/);
  });

  it('writes defaults that hold quotes, backslashes and new lines as the YAML text them', async () => {
    const yaml = (value: string) => `inputs:\n  odd:\n    default: ${JSON.stringify(value)}\n`;
    const text = `it's "quoted" \\ and\nsplit`;
    const file = join(scratch, 'odd.ts');
    writeFileSync(
      file,
      renderDefaults({ MAIN_INPUT_DEFAULTS: yaml(text), CONFIGURE_INPUT_DEFAULTS: 'inputs: {}\n' }),
    );
    const module = (await import(pathToFileURL(file).href)) as {
      MAIN_INPUT_DEFAULTS: Record<string, string>;
    };
    assert.deepEqual(module.MAIN_INPUT_DEFAULTS, { odd: text });
  });
});
