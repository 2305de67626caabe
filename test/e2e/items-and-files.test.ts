/** Whole items and attached files, through the built action, in the modes a runner can run offline. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { fakeOpEnv, fakeOpPath } from '../fakes/op/index.ts';
import {
  BINARY_FILE_BYTES,
  BOM_FILE_CONTENT,
  BUNDLE_PEM,
  CONNECT_TOKEN,
  SERVICE_ACCOUNT_TOKEN,
  VALUES,
  VAULTS,
  WHOLE_EXPORT,
} from '../fixtures/vault-data.ts';
import { assertNoLeak, Job, type StepResult } from '../harness/index.ts';

let connect: FakeConnect;
before(async () => {
  connect = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => connect.close());

const jobs: Job[] = [];
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

const MODES: Record<string, () => { inputs: Record<string, string>; env: Record<string, string> }> =
  {
    connect: () => ({
      inputs: { 'auth-mode': 'connect' },
      env: { OP_CONNECT_HOST: connect.url, OP_CONNECT_TOKEN: CONNECT_TOKEN },
    }),
    'service account via op': () => ({
      inputs: { 'auth-mode': 'service-account', 'service-account-resolver': 'cli' },
      env: { PATH: fakeOpPath(), ...fakeOpEnv(), OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN },
    }),
    'cli mode': () => ({
      inputs: { 'auth-mode': 'cli' },
      env: { PATH: fakeOpPath(), ...fakeOpEnv({ signedIn: ['my-team'] }) },
    }),
  };

async function step(mode: string, inputs: Record<string, string>): Promise<StepResult> {
  const job = new Job();
  jobs.push(job);
  const settings = MODES[mode]?.();
  assert.ok(settings);
  return job.step({ inputs: { ...settings.inputs, ...inputs }, env: settings.env });
}

for (const mode of Object.keys(MODES)) {
  describe(`whole items and attached files: ${mode}`, () => {
    it('exports every field of an item, and attached text files byte for byte', async () => {
      const result = await step(mode, {
        secrets: [
          'W: op://Engineering/whole/*',
          'CA_BUNDLE: op://Engineering/certs/bundle.pem',
          'BOM: op://Engineering/certs/bom.txt',
          'CONFIG: op://Engineering/certs/config.json',
        ].join('\n'),
        'export-env': 'true',
      });
      assert.equal(result.exitCode, 0, result.stdout);
      for (const [suffix, value] of Object.entries(WHOLE_EXPORT)) {
        assert.equal(result.outputs[`W_${suffix}`], value);
        assert.equal(result.exportedEnv[`W_${suffix}`], value);
      }
      assert.equal(result.outputs['CA_BUNDLE'], BUNDLE_PEM);
      assert.equal(result.outputs['BOM'], BOM_FILE_CONTENT);
      assert.equal(result.outputs['CONFIG'], VALUES.certsConfigField, 'the field must win');
      const managed = result.outputs['managed-variables']?.split(',') ?? [];
      assert.ok(managed.includes('W_API_KEY') && managed.includes('CA_BUNDLE'));
      assertNoLeak(result, [...Object.values(WHOLE_EXPORT), BUNDLE_PEM]);
    });

    it('writes a binary attachment byte for byte with file: true, and refuses it without', async () => {
      const ok = await step(mode, {
        secrets: 'BIN:\n  ref: op://Engineering/certs/binary.bin\n  file: true',
      });
      assert.equal(ok.exitCode, 0, ok.stdout);
      assert.deepEqual(readFileSync(ok.outputs['BIN'] ?? ''), Buffer.from(BINARY_FILE_BYTES));

      const refused = await step(mode, { secrets: 'BIN: op://Engineering/certs/binary.bin' });
      assert.equal(refused.exitCode, 1);
      const [error] = refused.annotations.filter((annotation) => annotation.level === 'error');
      assert.equal(error?.title, 'SECRETS_REF_INVALID');
      assert.match(error?.message ?? '', /file: true/);
      assert.deepEqual(refused.outputs, {});
    });

    it('gives each field of a whole item its own file with file: true', async () => {
      const result = await step(mode, {
        secrets: 'W:\n  ref: op://Engineering/whole/*\n  file: true',
      });
      assert.equal(result.exitCode, 0, result.stdout);
      const paths = Object.keys(WHOLE_EXPORT).map((suffix) => result.outputs[`W_${suffix}`] ?? '');
      for (const [index, value] of Object.values(WHOLE_EXPORT).entries()) {
        assert.equal(readFileSync(paths[index] ?? '', 'utf8'), value);
      }
      const dir = paths[0]?.replace(/[/\\][^/\\]+$/, '') ?? '';
      assert.equal(readdirSync(dir).length, Object.keys(WHOLE_EXPORT).length);
    });

    it('reports fields that map to the same name', async () => {
      const result = await step(mode, { secrets: 'C: op://Engineering/clash/*' });
      assert.equal(result.exitCode, 1);
      const [error] = result.annotations.filter((annotation) => annotation.level === 'error');
      assert.equal(error?.title, 'SECRETS_CONFIG_INVALID');
      assert.match(error?.message ?? '', /"api key" and "api-key"/);
    });
  });
}
