/**
 * What the log and the job summary count, in-process against the fake Connect server: the
 * secrets the step asked for, as the user wrote them. A whole item counts its fields, a template
 * counts once, a name that was refused counts too; never more failed than asked for.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/main.ts';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { CONNECT_TOKEN, VAULTS, WHOLE_EXPORT } from '../fixtures/vault-data.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const FIELDS = Object.keys(WHOLE_EXPORT).length;

let server: FakeConnect;
let workspace: string;
before(async () => {
  server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
  workspace = mkdtempSync(join(tmpdir(), 'pipeline-counts-'));
  // Three placeholders that fail, and one that resolves.
  writeFileSync(
    join(workspace, 'broken.tpl'),
    [
      'a={{ op://Engineering/nothing/one }}',
      'b={{ op://Engineering/nothing/two }}',
      'c={{ op://Engineering/nothing/three }}',
      'd={{ op://Engineering/deploy/token }}',
      '',
    ].join('\n'),
  );
  writeFileSync(join(workspace, 'ok.tpl'), 'token={{ op://Engineering/deploy/token }}\n');
});
after(() => server.close());

async function said(inputs: Record<string, string>): Promise<MemoryRunner> {
  const runner = new MemoryRunner({
    inputs,
    cwd: workspace,
    env: {
      OP_CONNECT_HOST: server.url,
      OP_CONNECT_TOKEN: CONNECT_TOKEN,
      RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'pipeline-counts-temp-')),
    },
  });
  await run(runner);
  return runner;
}

/** The last line the run logged: its count. */
function countLine(runner: MemoryRunner): string | undefined {
  return runner.infos.at(-1);
}

describe('counts in the log and the summary', () => {
  const cases: { what: string; inputs: Record<string, string>; line: string; rows: number }[] = [
    {
      what: 'three names for one reference, two of them refused',
      inputs: {
        secrets: [
          'lower-case: op://Engineering/deploy/token',
          'PATH: op://Engineering/deploy/token',
          'GOOD: op://Engineering/deploy/token',
        ].join('\n'),
      },
      line: '2 of 3 secrets failed; nothing was exported',
      rows: 3,
    },
    {
      what: 'a whole item counts its fields',
      inputs: { secrets: 'W: op://Engineering/whole/*', 'export-env': 'true' },
      line: `resolved ${FIELDS} secrets via connect as outputs, and exported ${FIELDS} environment variables`,
      rows: FIELDS,
    },
    {
      what: 'a whole item counts its fields in a dry run',
      inputs: { secrets: 'W: op://Engineering/whole/*', 'dry-run': 'true' },
      line: `dry run: resolved ${FIELDS} secrets via connect; nothing was exported`,
      rows: FIELDS,
    },
    {
      what: 'a whole item that fails counts once',
      inputs: {
        secrets: 'W: op://Engineering/nothing/*\nGOOD: op://Engineering/deploy/token',
      },
      line: '1 of 2 secrets failed; nothing was exported',
      rows: 2,
    },
    {
      what: 'a template with three failing placeholders counts once',
      inputs: { templates: 'BROKEN: broken.tpl' },
      line: '1 of 1 secret failed; nothing was exported',
      rows: 1,
    },
    {
      what: 'a template counts once beside a secret and a whole item',
      inputs: {
        secrets: 'W: op://Engineering/whole/*\nGOOD: op://Engineering/deploy/token',
        templates: 'OK: ok.tpl',
      },
      line: `resolved ${FIELDS + 2} secrets via connect as outputs`,
      rows: FIELDS + 2,
    },
    {
      what: 'a malformed reference beside two that fail to resolve',
      inputs: {
        secrets: [
          'BAD: op://Engineering//token',
          'MISSING: op://Engineering/nothing/password',
          'TWIN: op://Engineering/twin/token',
          'GOOD: op://Engineering/deploy/token',
        ].join('\n'),
      },
      line: '3 of 4 secrets failed; nothing was exported',
      rows: 4,
    },
  ];
  for (const { what, inputs, line, rows } of cases) {
    it(`${what}: "${line}"`, async () => {
      const runner = await said(inputs);
      assert.equal(countLine(runner), line, JSON.stringify(runner.errors));
      assert.equal(runner.summaries[0]?.table.length, rows + 1, 'one summary row per secret');
    });
  }

  it('a whole item lists each of its fields in the summary', async () => {
    const runner = await said({ secrets: 'W: op://Engineering/whole/*' });
    assert.deepEqual(
      runner.summaries[0]?.table.slice(1).map((row) => [row[0], row[1], row[3]]),
      Object.keys(WHOLE_EXPORT).map((suffix) => [
        `W_${suffix}`,
        'op://Engineering/whole/*',
        'resolved',
      ]),
    );
  });
});
