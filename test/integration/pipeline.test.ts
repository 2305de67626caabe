/**
 * The pipeline in-process (run, entries, export, report, cleanup) through the door to the runner,
 * against the fake Connect server: what is registered, written and said, and in which order.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Code } from '../../src/errors.ts';
import { run } from '../../src/main.ts';
import { run as post } from '../../src/post.ts';
import { SUMMARY_ROWS } from '../../src/report.ts';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import {
  BINARY_FILE_BYTES,
  BUNDLE_PEM,
  CONNECT_TOKEN,
  VALUES,
  VAULTS,
  WHOLE_EXPORT,
} from '../fixtures/vault-data.ts';
import { MemoryRunner, type MemoryRunnerOptions } from '../support/memory-runner.ts';

const POSIX = process.platform !== 'win32';

let server: FakeConnect;
let runnerTemp: string;

before(async () => {
  server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => server.close());
beforeEach(() => {
  runnerTemp = mkdtempSync(join(tmpdir(), 'pipeline-test-'));
});

/** A step with Connect credentials and a RUNNER_TEMP of its own. */
function step(
  inputs: Record<string, string>,
  options: Omit<MemoryRunnerOptions, 'inputs'> = {},
): MemoryRunner {
  return new MemoryRunner({
    ...options,
    inputs,
    env: {
      OP_CONNECT_HOST: server.url,
      OP_CONNECT_TOKEN: CONNECT_TOKEN,
      RUNNER_TEMP: runnerTemp,
      ...options.env,
    },
  });
}

/** The kinds of events in order, from the first write on. */
const WRITES = new Set(['setOutput', 'exportVariable', 'saveState']);

function secretDirs(): string[] {
  return readdirSync(runnerTemp).filter((name) => name.startsWith('op-secrets-'));
}

function assertNothingExported(runner: MemoryRunner): void {
  assert.deepEqual(
    runner.events.filter((event) => WRITES.has(event.kind)),
    [],
    'something was written by a failed run',
  );
  assert.deepEqual(secretDirs(), [], 'a failed run left secret files');
  assert.equal(runner.failed, true);
}

describe('a run that succeeds', () => {
  it('exports every value byte for byte, registered with the masker before the first write', async () => {
    const runner = step({
      secrets: [
        'DEPLOY_TOKEN: op://Engineering/deploy/token',
        'DB_PASSWORD: op://Platform/db/staging/password',
        'NOTES: op://Engineering/deploy/notesPlain',
      ].join('\n'),
      'export-env': 'true',
    });
    await run(runner);

    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    const expected = {
      DEPLOY_TOKEN: VALUES.deployToken,
      DB_PASSWORD: VALUES.dbStagingPassword,
      NOTES: VALUES.deployNotes,
    };
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(runner.outputs[name], value, name);
      assert.equal(runner.exported[name], value, name);
      assert.ok(runner.secrets.includes(value), `${name} is masked`);
    }
    const firstWrite = runner.events.findIndex((event) => WRITES.has(event.kind));
    const lastMask = runner.events.findLastIndex((event) => event.kind === 'setSecret');
    assert.ok(lastMask < firstWrite, 'every value is registered before the first write');
    assert.equal(runner.outputs['managed-variables'], 'DEPLOY_TOKEN,DB_PASSWORD,NOTES');
    assert.equal(runner.exported['OP_MANAGED_VARIABLES'], 'DEPLOY_TOKEN,DB_PASSWORD,NOTES');
    assert.equal(runner.outputs['resolved-at'], '2026-01-02T03:04:05.000Z');
    assert.equal(runner.outputs['refresh-at'], '2026-01-02T04:04:05.000Z');
    assert.ok(runner.debugs.includes('DB_PASSWORD => output, env'));
    assert.deepEqual(runner.summaries[0]?.table[1], [
      'DEPLOY_TOKEN',
      'op://Engineering/deploy/token',
      'output, env',
      'resolved',
    ]);
    const said = JSON.stringify([runner.infos, runner.warnings, runner.debugs, runner.summaries]);
    for (const value of [...Object.values(expected), CONNECT_TOKEN]) {
      assert.ok(!said.includes(value), 'a value or the token reached the log or the summary');
    }
  });

  it('without export-env: outputs only, no variable, no state', async () => {
    const runner = step({ secrets: 'TOKEN: op://Engineering/deploy/token' });
    await run(runner);
    assert.equal(runner.outputs['TOKEN'], VALUES.deployToken);
    assert.deepEqual(runner.exported, {});
    assert.deepEqual(runner.savedState, {});
    assert.equal(runner.outputs['managed-variables'], '');
  });

  it('the connect token is masked from the start, before anything is said', async () => {
    const runner = step({ secrets: 'TOKEN: op://Engineering/deploy/token' });
    await run(runner);
    assert.deepEqual(runner.events[0], { kind: 'setSecret', value: CONNECT_TOKEN });
  });

  it('inputs left empty take the defaults action.yml declares', async () => {
    const runner = step({ secrets: 'TOKEN: op://Engineering/deploy/token', 'auth-mode': '' });
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    // refresh-after-seconds defaults to 3600.
    assert.equal(runner.outputs['refresh-at'], '2026-01-02T04:04:05.000Z');
  });
});

describe('file: true', () => {
  it('a text attachment written only to a file is masked; the file is 0600 in a 0700 directory', async () => {
    const runner = step({
      secrets: ['PEM:', '  ref: op://Engineering/certs/bundle.pem', '  file: true'].join('\n'),
    });
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.ok(runner.secrets.includes(BUNDLE_PEM), 'the text of the file is registered');
    const path = runner.outputs['PEM'] ?? '';
    assert.equal(readFileSync(path, 'utf8'), BUNDLE_PEM);
    assert.equal(runner.savedState['files-dir'], join(path, '..'));
    const firstWrite = runner.events.findIndex((event) => WRITES.has(event.kind));
    const mask = runner.events.findIndex(
      (event) => event.kind === 'setSecret' && event.value === BUNDLE_PEM,
    );
    assert.ok(mask !== -1 && mask < firstWrite, 'masked before the first write');
    if (POSIX) {
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
    }
  });

  it('a binary attachment is written byte for byte and never registered (it cannot be masked)', async () => {
    const runner = step({
      secrets: ['BIN:', '  ref: op://Engineering/certs/binary.bin', '  file: true'].join('\n'),
    });
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(new Uint8Array(readFileSync(runner.outputs['BIN'] ?? '')), BINARY_FILE_BYTES);
    assert.deepEqual(
      runner.secrets.filter((value) => value !== CONNECT_TOKEN),
      [],
    );
  });

  it('a whole item: one masked output per field, none for the name itself', async () => {
    const runner = step({ secrets: 'W: op://Engineering/whole/*' });
    await run(runner);
    for (const [suffix, value] of Object.entries(WHOLE_EXPORT)) {
      assert.equal(runner.outputs[`W_${suffix}`], value);
      assert.ok(runner.secrets.includes(value));
    }
    assert.equal(runner.outputs['W'], undefined);
  });

  it('mask: false leaves the value unregistered', async () => {
    const runner = step({
      secrets: ['USER:', '  ref: op://Engineering/deploy/username', '  mask: false'].join('\n'),
    });
    await run(runner);
    assert.equal(runner.outputs['USER'], VALUES.deployUsername);
    assert.ok(!runner.secrets.includes(VALUES.deployUsername));
    assert.ok(runner.debugs.includes('USER => output, unmasked'));
  });

  it('the post step removes the directory the state names, and nothing else', async () => {
    const runner = step({
      secrets: ['KEY:', '  ref: op://Platform/tls/private key', '  file: true'].join('\n'),
    });
    await run(runner);
    const dir = runner.savedState['files-dir'] ?? '';
    assert.ok(existsSync(dir));

    const cleanup = new MemoryRunner({
      env: { RUNNER_TEMP: runnerTemp },
      state: runner.savedState,
    });
    await post(cleanup);
    assert.equal(existsSync(dir), false);
    assert.deepEqual(cleanup.infos, [`removed the secret files in ${dir}`]);

    const elsewhere = mkdtempSync(join(tmpdir(), 'op-secrets-'));
    const refused = new MemoryRunner({
      env: { RUNNER_TEMP: runnerTemp },
      state: { 'files-dir': elsewhere },
    });
    await post(refused);
    assert.ok(existsSync(elsewhere), 'a directory outside RUNNER_TEMP was removed');
    assert.match(refused.warnings[0] ?? '', /not a directory this action created/);
    rmSync(elsewhere, { recursive: true, force: true });
  });
});

describe('a run that fails', () => {
  it('reports every failure with its code at once and exports nothing', async () => {
    const runner = step({
      secrets: [
        'GOOD: op://Engineering/deploy/token',
        'MISSING: op://Engineering/nothing/password',
        'TWIN: op://Engineering/twin/token',
        'BAD: op://Engineering//token',
        'KEY:',
        '  ref: op://Platform/tls/private key',
        '  file: true',
      ].join('\n'),
      'export-env': 'true',
    });
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(
      runner.errors.map((error) => [error.title, error.message.split(' ')[0]]),
      [
        [Code.refInvalid, 'BAD'],
        [Code.refNotFound, 'MISSING'],
        [Code.refAmbiguous, 'TWIN'],
      ],
      'a malformed ref is reported with what the well-formed ones resolve to, in one run',
    );
    assert.deepEqual(runner.summaries[0]?.table.at(-1), [
      'BAD',
      'op://Engineering//token',
      'nothing',
      Code.refInvalid,
    ]);

    const resolving = step({
      secrets: [
        'GOOD: op://Engineering/deploy/token',
        'MISSING: op://Engineering/nothing/password',
        'TWIN: op://Engineering/twin/token',
        'DENIED: op://restricted000000000000000v/deploy/token',
        'KEY:',
        '  ref: op://Platform/tls/private key',
        '  file: true',
      ].join('\n'),
      'export-env': 'true',
    });
    await run(resolving);
    assertNothingExported(resolving);
    assert.deepEqual(
      resolving.errors.map((error) => [error.title, error.message.split(':')[0]]),
      [
        [Code.refNotFound, 'MISSING (op'],
        [Code.refAmbiguous, 'TWIN (op'],
        [Code.accessDenied, 'DENIED (op'],
      ],
    );
    assert.deepEqual(resolving.secrets, [CONNECT_TOKEN], 'values of a failed run were handled');
    assert.equal(resolving.summaries[0]?.heading, '1Password secrets: failed');
    assert.deepEqual(
      resolving.summaries[0]?.table.slice(1).map((row) => row[3]),
      [
        'resolved, not exported',
        Code.refNotFound,
        Code.refAmbiguous,
        Code.accessDenied,
        'resolved, not exported',
      ],
    );
    assert.ok(!resolving.transcript().includes(VALUES.deployToken));
  });

  it('a configuration error stops the run before any request', async () => {
    server.reset();
    const runner = step({
      secrets: [
        'A: op://Engineering/deploy/token',
        'B: op://Engineering//token',
        'PATH: op://V/i/f',
      ].join('\n'),
    });
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(
      runner.errors.map((error) => error.title),
      [Code.refInvalid, Code.configInvalid],
    );
    assert.equal(server.requests.length, 0);
  });

  it('file names Windows refuses: every one reported before any request, in a dry run too', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'pipeline-test-work-'));
    writeFileSync(join(workspace, 'plain.tpl'), 'no placeholder here\n');
    for (const dryRun of ['false', 'true']) {
      server.reset();
      const runner = step(
        {
          secrets: [
            'CON:',
            '  ref: op://Engineering/deploy/token',
            '  file: true',
            'nul:',
            '  ref: op://Engineering/deploy/notesPlain',
            '  file: true',
            'BAD: op://Engineering//token',
            // Not a file: any name Windows takes for a variable is fine.
            'AUX: op://Engineering/deploy/token',
          ].join('\n'),
          templates: 'COM1: plain.tpl',
          'dry-run': dryRun,
        },
        { platform: 'win32', cwd: workspace },
      );
      await run(runner);
      assertNothingExported(runner);
      assert.deepEqual(
        runner.errors.map((error) => [error.title, error.message.split(':')[0]]),
        [
          [Code.refInvalid, 'BAD (op'],
          [Code.configInvalid, 'CON (op'],
          [Code.configInvalid, 'nul (op'],
          [Code.configInvalid, 'COM1 (plain.tpl)'],
        ],
      );
      assert.match(runner.errors[1]?.message ?? '', /names a Windows device/);
      assert.equal(server.requests.length, 0, 'no request');
      assert.equal(runner.infos.at(-1), '4 of 5 secrets failed; nothing was exported');
    }
  });

  it('a whole item whose fields take refused names: every one named, in its one annotation', async () => {
    const runner = step({ secrets: 'GITHUB: op://Engineering/whole/*' });
    await run(runner);
    assertNothingExported(runner);
    assert.equal(runner.errors.length, 1);
    const { message } = runner.errors[0] ?? { message: '' };
    for (const suffix of Object.keys(WHOLE_EXPORT)) {
      assert.ok(message.includes(`becomes GITHUB_${suffix}, which is refused`), suffix);
    }
    assert.equal(runner.infos.at(-1), '1 of 1 secret failed; nothing was exported');
  });

  it('the same names on Linux: written as files', async () => {
    const runner = step(
      { secrets: ['CON:', '  ref: op://Engineering/deploy/token', '  file: true'].join('\n') },
      { platform: 'linux' },
    );
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.equal(readFileSync(runner.outputs['CON'] ?? '', 'utf8'), VALUES.deployToken);
  });

  it('malformed references only: reported without a request, echoing no text that is not a reference', async () => {
    server.reset();
    const runner = step({
      secrets: ['B: op://Engineering//token', 'C: https://x/y/z'].join('\n'),
    });
    await run(runner);
    assert.deepEqual(
      runner.errors.map((error) => error.title),
      [Code.refInvalid, Code.refInvalid],
    );
    assert.equal(server.requests.length, 0);
    assert.ok(!runner.transcript().includes('https://x/y/z'));
  });

  it('an unusable provider is reported once, not per secret, without the token', async () => {
    const wrong = `${CONNECT_TOKEN.slice(0, -6)}ZZZZZZ`;
    const runner = step(
      { secrets: 'A: op://Engineering/deploy/token\nB: op://Platform/api/key' },
      { env: { OP_CONNECT_TOKEN: wrong } },
    );
    await run(runner);
    assert.deepEqual(
      runner.errors.map((error) => error.title),
      [Code.providerUnavailable],
    );
    assert.equal(runner.secrets[0], wrong, 'the token is masked first');
    assert.deepEqual(
      runner.summaries[0]?.table.slice(1).map((row) => row[3]),
      [Code.providerUnavailable, Code.providerUnavailable],
    );
    assert.ok(!JSON.stringify([runner.errors, runner.summaries]).includes(wrong));
  });

  it('no credentials: fails closed, naming what to set', async () => {
    const runner = new MemoryRunner({
      inputs: { secrets: 'A: op://Engineering/deploy/token' },
      env: { RUNNER_TEMP: runnerTemp },
    });
    await run(runner);
    assertNothingExported(runner);
    assert.equal(runner.errors[0]?.title, Code.providerUnavailable);
    assert.match(runner.errors[0]?.message ?? '', /OP_CONNECT_HOST/);
  });

  const badConfigurations: Record<string, string>[] = [
    { 'auth-mode': 'magic' },
    { 'export-env': 'yes' },
    { secrets: 'GITHUB_SHA: op://Engineering/deploy/token' },
    { secrets: 'A: op://Engineering/deploy/token\na: op://Engineering/deploy/password' },
    { secrets: '- op://Engineering/deploy/token' },
    { 'refresh-after-seconds': '1h' },
  ];
  for (const inputs of badConfigurations) {
    it(`bad configuration ${JSON.stringify(inputs)}: SECRETS_CONFIG_INVALID, nothing exported`, async () => {
      const runner = step(inputs);
      await run(runner);
      assertNothingExported(runner);
      assert.equal(runner.errors[0]?.title, Code.configInvalid);
    });
  }

  it('an export target that cannot be written: nothing is written anywhere, the target is named', async () => {
    const runner = step(
      {
        secrets: [
          'TOKEN: op://Engineering/deploy/token',
          'KEY:',
          '  ref: op://Platform/tls/private key',
          '  file: true',
        ].join('\n'),
        'export-env': 'true',
      },
      { unwritable: { GITHUB_ENV: 'is a directory' } },
    );
    await run(runner);
    assertNothingExported(runner);
    assert.equal(runner.errors.length, 1);
    assert.equal(runner.errors[0]?.title, Code.configInvalid);
    assert.match(runner.errors[0]?.message ?? '', /GITHUB_ENV: is a directory/);
  });

  it('RUNNER_TEMP that does not exist: no file, no output', async () => {
    const runner = step(
      { secrets: ['KEY:', '  ref: op://Platform/tls/private key', '  file: true'].join('\n') },
      { env: { RUNNER_TEMP: join(runnerTemp, 'missing') } },
    );
    await run(runner);
    assertNothingExported(runner);
    assert.equal(runner.errors[0]?.title, Code.configInvalid);
    assert.match(runner.errors[0]?.message ?? '', /secret files directory .* cannot be written/);
  });

  it('a failure thrown as something other than an Error: one annotation, the step fails', async () => {
    const runner = step({ secrets: 'TOKEN: op://Engineering/deploy/token' });
    runner.input = () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what is tested
      throw 'not an Error';
    };
    await run(runner);
    assert.deepEqual(runner.errors, [
      { title: Code.providerUnavailable, message: 'unexpected failure: not an Error' },
    ]);
    assert.equal(runner.failed, true);
  });
});

describe('the job summary', () => {
  const many = (count: number, ref: string) =>
    Array.from({ length: count }, (_, index) => `S${index}: ${ref}`);

  it(`past ${SUMMARY_ROWS} rows, counts the secrets instead of listing them`, async () => {
    const runner = step({
      secrets: many(SUMMARY_ROWS + 1, 'op://Engineering/deploy/token').join('\n'),
    });
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(runner.summaries[0]?.table.slice(1), [['301 more', '', '', '301 resolved']]);
  });

  it('past it on failure, lists every failure and counts the rest', async () => {
    const secrets = [
      ...many(SUMMARY_ROWS, 'op://Engineering/deploy/token'),
      'MISSING: op://Engineering/nothing/password',
    ];
    const runner = step({ secrets: secrets.join('\n') });
    await run(runner);
    assert.deepEqual(runner.summaries[0]?.table.slice(1), [
      ['MISSING', 'op://Engineering/nothing/password', 'nothing', Code.refNotFound],
      ['300 more', '', '', '300 resolved, not exported'],
    ]);
  });

  it(`up to ${SUMMARY_ROWS} rows, lists every secret`, async () => {
    const runner = step({
      secrets: many(SUMMARY_ROWS, 'op://Engineering/deploy/token').join('\n'),
    });
    await run(runner);
    assert.equal(runner.summaries[0]?.table.length, SUMMARY_ROWS + 1);
  });
});

describe('unset-previous', () => {
  it('sets the variables an earlier run exported to empty, and keeps the list of what is managed', async () => {
    const runner = step(
      { secrets: 'TOKEN: op://Engineering/deploy/token', 'unset-previous': 'true' },
      { env: { OP_MANAGED_VARIABLES: 'OLD_ONE,OLD_TWO' } },
    );
    await run(runner);
    assert.deepEqual(runner.exported, { OLD_ONE: '', OLD_TWO: '', OP_MANAGED_VARIABLES: '' });
    assert.equal(runner.outputs['TOKEN'], VALUES.deployToken);
  });

  it('with export-env, a name exported again is not unset', async () => {
    const runner = step(
      {
        secrets: 'TOKEN: op://Engineering/deploy/token',
        'unset-previous': 'true',
        'export-env': 'true',
      },
      { env: { OP_MANAGED_VARIABLES: 'TOKEN,OLD' } },
    );
    await run(runner);
    assert.deepEqual(runner.exported, {
      OLD: '',
      TOKEN: VALUES.deployToken,
      OP_MANAGED_VARIABLES: 'TOKEN',
    });
  });

  it('needs no credentials when there is nothing to resolve', async () => {
    const runner = new MemoryRunner({
      inputs: { 'unset-previous': 'true' },
      env: { OP_MANAGED_VARIABLES: 'OLD', RUNNER_TEMP: runnerTemp },
    });
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(runner.exported, { OLD: '', OP_MANAGED_VARIABLES: '' });
  });

  it('alone: no warning, and the log names what it unset', async () => {
    const runner = new MemoryRunner({
      inputs: { 'unset-previous': 'true' },
      env: { OP_MANAGED_VARIABLES: 'OLD_ONE,OLD_TWO', RUNNER_TEMP: runnerTemp },
    });
    await run(runner);
    assert.deepEqual(runner.warnings, []);
    assert.deepEqual(runner.errors, []);
    assert.ok(
      runner.infos.includes('unset-previous: unset OLD_ONE, OLD_TWO'),
      runner.infos.join('\n'),
    );
  });

  it('alone with nothing to unset: no warning, and the log says there was nothing', async () => {
    const runner = new MemoryRunner({
      inputs: { 'unset-previous': 'true' },
      env: { RUNNER_TEMP: runnerTemp },
    });
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(runner.warnings, []);
    assert.deepEqual(runner.exported, {});
    assert.match(runner.infos.join('\n'), /unset-previous: nothing to unset/);
  });

  it('names only what it emptied: not a name exported again', async () => {
    const runner = step(
      {
        secrets: 'TOKEN: op://Engineering/deploy/token',
        'unset-previous': 'true',
        'export-env': 'true',
      },
      { env: { OP_MANAGED_VARIABLES: 'TOKEN' } },
    );
    await run(runner);
    assert.deepEqual(runner.warnings, []);
    assert.match(runner.infos.join('\n'), /unset-previous: nothing to unset \(every name/);
  });

  it('in a dry run, says it left the names as they were', async () => {
    const runner = step(
      {
        secrets: 'TOKEN: op://Engineering/deploy/token',
        'unset-previous': 'true',
        'dry-run': 'true',
      },
      { env: { OP_MANAGED_VARIABLES: 'OLD' } },
    );
    await run(runner);
    assert.deepEqual(runner.exported, {});
    assert.ok(runner.infos.includes('unset-previous: dry run, left OLD as they were'));
  });

  it('not asked for: no line about it', async () => {
    const runner = step(
      { secrets: 'TOKEN: op://Engineering/deploy/token' },
      { env: { OP_MANAGED_VARIABLES: 'OLD' } },
    );
    await run(runner);
    assert.deepEqual(
      runner.infos.filter((line) => line.includes('unset-previous')),
      [],
    );
  });

  it('nothing at all and no unset-previous: still the warning', async () => {
    const runner = new MemoryRunner({ env: { RUNNER_TEMP: runnerTemp } });
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.equal(runner.warnings.length, 1);
    assert.match(runner.warnings[0] ?? '', /no secrets to load/);
  });
});

describe('across the job', () => {
  it('the summary heading names the step from GITHUB_ACTION', async () => {
    const env = { GITHUB_ACTION: 'load_op' };
    const ok = step({ secrets: 'TOKEN: op://Engineering/deploy/token' }, { env });
    await run(ok);
    assert.equal(ok.summaries[0]?.heading, '1Password secrets (step load_op)');
    const failed = step({ secrets: 'MISSING: op://Engineering/nothing/x' }, { env });
    await run(failed);
    assert.equal(failed.summaries[0]?.heading, '1Password secrets (step load_op): failed');
    const dry = step(
      { secrets: 'TOKEN: op://Engineering/deploy/token', 'dry-run': 'true' },
      { env },
    );
    await run(dry);
    assert.match(dry.summaries[0]?.heading ?? '', /^1Password secrets \(step load_op\): dry run/);
  });

  it('the directory is saved as state the moment it exists, before its first file', async () => {
    const seen: string[][] = [];
    const runner = step({
      secrets: ['KEY:', '  ref: op://Platform/tls/private key', '  file: true'].join('\n'),
    });
    const save = runner.saveState.bind(runner);
    runner.saveState = (name, value) => {
      seen.push(readdirSync(value));
      save(name, value);
    };
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(seen, [[]], 'saved once, when still empty');
    assert.deepEqual(readdirSync(runner.savedState['files-dir'] ?? ''), ['KEY']);
  });

  it('OP_MANAGED_VARIABLES that would pass 128 KiB: SECRETS_CONFIG_INVALID, nothing written', async () => {
    const earlier = Array.from({ length: 20_000 }, (_, index) => `EARLIER_${index}`).join(',');
    const runner = step(
      { secrets: 'TOKEN: op://Engineering/deploy/token', 'export-env': 'true' },
      { env: { OP_MANAGED_VARIABLES: earlier } },
    );
    await run(runner);
    assertNothingExported(runner);
    assert.equal(runner.errors[0]?.title, Code.configInvalid);
    assert.match(runner.errors[0]?.message ?? '', /OP_MANAGED_VARIABLES/);
  });
});
