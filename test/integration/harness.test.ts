// Self-tests of the runner harness (test/harness), with small throwaway entry scripts.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  assertNoLeak,
  Job,
  maskedFormsOf,
  parseCommand,
  parseEnvFile,
  SecretMasker,
  type StepResult,
} from '../harness/index.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const coreUrl = pathToFileURL(
  path.join(repoRoot, 'node_modules', '@actions', 'core', 'lib', 'core.js'),
).href;

let scriptDir = '';
let scriptCount = 0;

before(() => {
  scriptDir = mkdtempSync(path.join(os.tmpdir(), 'harness-scripts-'));
});

after(() => {
  rmSync(scriptDir, { recursive: true, force: true });
});

/** Writes an entry script that has `core` (@actions/core) and `fs` in scope. */
function script(body: string): string {
  scriptCount++;
  const file = path.join(scriptDir, `entry-${scriptCount}.mjs`);
  writeFileSync(
    file,
    `import * as core from ${JSON.stringify(coreUrl)};\nimport fs from 'node:fs';\n${body}\n`,
  );
  return file;
}

async function withJob(
  fn: (job: Job) => Promise<void>,
  options: ConstructorParameters<typeof Job>[0] = {},
): Promise<void> {
  const job = new Job(options);
  try {
    await fn(job);
  } finally {
    await job.cleanup();
  }
}

/** Settles once `file` exists (polled: the step writes it from another process). */
function fileWritten(file: string, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!existsSync(file)) return;
      clearInterval(timer);
      resolve();
    }, 5);
    stop.addEventListener('abort', () => clearInterval(timer));
  });
}

function readEnvDump(job: Job): Record<string, string> {
  return JSON.parse(readFileSync(path.join(job.workspace, 'env.json'), 'utf8')) as Record<
    string,
    string
  >;
}

const DUMP_ENV =
  "fs.writeFileSync('env.json', JSON.stringify({ ...process.env, CWD: process.cwd() }));";

function assertLeakCaught(result: StepResult, secret: string, channel: RegExp): void {
  assert.throws(
    () => assertNoLeak(result, ['other-value-never-printed', secret]),
    (error: unknown) => {
      assert.ok(error instanceof assert.AssertionError);
      assert.match(error.message, channel);
      assert.match(error.message, /value #1/);
      assert.ok(!error.message.includes(secret), 'the assertion message must not hold the value');
      return true;
    },
  );
}

describe('environment and inputs', () => {
  test('declared inputs get action.yml defaults; optional ones without default are absent', async () => {
    process.env['OP_HARNESS_PARENT_CANARY'] = 'must-not-reach-the-child';
    process.env['INPUT_PARENT'] = 'must-not-reach-the-child';
    try {
      await withJob(
        async (job) => {
          const result = await job.step({
            entry: script(DUMP_ENV),
            inputs: { 'connect-host': 'https://connect.example', vault: '  Engineering  ' },
            env: { STEP_VAR: 'step', SHARED: 'from-step' },
          });
          assert.equal(result.exitCode, 0);
          assert.equal(result.failed, false);
          const env = readEnvDump(job);
          assert.equal(env['INPUT_AUTH-MODE'], 'auto');
          assert.equal(env['INPUT_EXPORT-ENV'], 'false');
          assert.equal(env['INPUT_UNSET-PREVIOUS'], 'false');
          assert.equal(env['INPUT_REFRESH-AFTER-SECONDS'], '3600');
          assert.equal(env['INPUT_SERVICE-ACCOUNT-RESOLVER'], 'sdk');
          assert.equal(env['INPUT_SECRETS'], '');
          assert.equal(env['INPUT_CONNECT-HOST'], 'https://connect.example');
          assert.equal(env['INPUT_VAULT'], '  Engineering  ', 'the runner passes values untrimmed');
          assert.ok(!('INPUT_SERVICE-ACCOUNT-TOKEN' in env));
          assert.ok(!('INPUT_CONNECT-TOKEN' in env));
          assert.ok(!('INPUT_ACCOUNT' in env));
          assert.ok(!('INPUT_PARENT' in env));
          assert.ok(!('OP_HARNESS_PARENT_CANARY' in env));
          assert.ok(!('NODE_TEST_CONTEXT' in env));
          assert.equal(env['JOB_VAR'], 'job');
          assert.equal(env['STEP_VAR'], 'step');
          assert.equal(env['SHARED'], 'from-step');
          assert.equal(env['GITHUB_ACTIONS'], 'true');
          assert.equal(env['CI'], 'true');
          assert.equal(env['GITHUB_WORKSPACE'], job.workspace);
          assert.equal(env['CWD'], job.workspace);
          assert.equal(env['RUNNER_TEMP'], job.runnerTemp);
          assert.ok(
            env['RUNNER_OS'] !== undefined &&
              ['Linux', 'macOS', 'Windows'].includes(env['RUNNER_OS']),
          );
          assert.equal(env['GITHUB_ACTION_PATH'], undefined, 'only composite actions get it');
          for (const name of [
            'GITHUB_OUTPUT',
            'GITHUB_ENV',
            'GITHUB_STATE',
            'GITHUB_PATH',
            'GITHUB_STEP_SUMMARY',
          ]) {
            const file = env[name];
            assert.ok(file !== undefined, name);
            assert.equal(path.dirname(file), path.join(job.runnerTemp, '_runner_file_commands'));
          }
          assert.ok(env['PATH'] !== undefined);
          assert.equal(env['RUNNER_DEBUG'], undefined);
        },
        { env: { JOB_VAR: 'job', SHARED: 'from-job' } },
      );
    } finally {
      delete process.env['OP_HARNESS_PARENT_CANARY'];
      delete process.env['INPUT_PARENT'];
    }
  });

  test('an undeclared input gives the runner warning and the step still runs', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script("core.setOutput('ran', core.getInput('not-an-input'));"),
        inputs: { 'not-an-input': 'x', 'auth-mode': 'connect' },
      });
      assert.equal(result.exitCode, 0);
      assert.equal(result.outputs['ran'], 'x');
      assert.equal(result.warnings.length, 1);
      assert.match(
        result.warnings[0] ?? '',
        /^Unexpected input\(s\) 'not-an-input', valid inputs are \['secrets', 'auth-mode', /,
      );
      assert.ok(
        result.log.some((line) => line.startsWith("##[warning]Unexpected input(s) 'not-an-input'")),
      );
      assert.equal(result.processEnv['INPUT_NOT-AN-INPUT'], 'x');
    });
  });

  test('the step header lists inputs and env as the runner prints them', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script(''),
        inputs: { secrets: 'A: op://v/i/f' },
        env: { SOME_VAR: 'v' },
      });
      const start = result.log.indexOf('##[group]Run ./');
      const end = result.log.indexOf('##[endgroup]');
      assert.ok(start >= 0 && end > start);
      const header = result.log.slice(start, end + 1);
      assert.ok(header.includes('  secrets: A: op://v/i/f'));
      assert.ok(header.includes('  auth-mode: auto'));
      assert.ok(header.includes('  SOME_VAR: v'));
      assert.ok(!header.some((line) => line.startsWith('  connect-host')));
    });
  });
});

describe('file commands', () => {
  test('outputs: heredoc keeps a trailing newline, name=value lines work', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script(`
core.setOutput('multi', 'line one\\nline two\\n');
core.setOutput('empty', '');
core.setOutput('plain', 'x');
fs.appendFileSync(process.env.GITHUB_OUTPUT, 'simple=a=b<<c\\n');
fs.appendFileSync(process.env.GITHUB_OUTPUT, 'raw<<EOT\\nno trailing newline\\nEOT\\n');
core.saveState('st', 'state value');
core.exportVariable('EXPORTED', 'exp\\nval');
fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, '# Summary\\n');
`),
      });
      assert.equal(result.failed, false);
      assert.equal(result.outputs['multi'], 'line one\nline two\n');
      assert.equal(result.outputs['empty'], '');
      assert.equal(result.outputs['plain'], 'x');
      assert.equal(result.outputs['simple'], 'a=b<<c');
      assert.equal(result.outputs['raw'], 'no trailing newline');
      assert.deepEqual(result.state, { st: 'state value' });
      assert.deepEqual(result.exportedEnv, { EXPORTED: 'exp\nval' });
      assert.equal(result.summary, '# Summary\n');
    });
  });

  test('a malformed GITHUB_ENV fails the step after applying the entries before it', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script(`
fs.appendFileSync(process.env.GITHUB_ENV, 'GOOD=1\\n');
fs.appendFileSync(process.env.GITHUB_ENV, 'BAD=x<<EOF\\nvalue\\nEOF\\n');
`),
      });
      assert.equal(result.exitCode, 0);
      assert.equal(result.failed, true);
      assert.equal(result.errors[0], "Unable to process file command 'env' successfully.");
      assert.equal(result.errors[1], "Invalid format 'value'");
      assert.deepEqual(result.exportedEnv, { GOOD: '1', BAD: 'x<<EOF' });
      assert.equal(job.env['GOOD'], '1');
      assert.equal(job.failed, true);
    });
  });

  test('a heredoc without its closing delimiter fails the step', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script("fs.appendFileSync(process.env.GITHUB_OUTPUT, 'x<<EOF\\nvalue\\n');"),
      });
      assert.equal(result.failed, true);
      assert.deepEqual(result.errors, [
        "Unable to process file command 'output' successfully.",
        "Invalid value. Matching delimiter not found 'EOF'",
      ]);
    });
  });

  test('CRLF is a line ending only on Windows, as in the runner', () => {
    const text = 'a<<EOF\r\nvalue\r\nEOF\r\nb=1\r\n';
    assert.deepEqual(parseEnvFile(text, true).pairs, [
      ['a', 'value'],
      ['b', '1'],
    ]);
    assert.deepEqual(parseEnvFile(text, false).pairs, [
      ['a', 'value\r'],
      ['b', '1\r'],
    ]);
    assert.deepEqual(parseEnvFile('k<<D\n\nD\n').pairs, [['k', '']]);
    assert.deepEqual(parseEnvFile('k<<D\nv\n\nD\n').pairs, [['k', 'v\n']]);
    assert.match(parseEnvFile('<<D\nv\nD\n').error?.message ?? '', /Name must not be empty/);
  });

  test('GITHUB_ENV and GITHUB_PATH carry over to the next steps', async () => {
    await withJob(async (job) => {
      const first = await job.step({
        entry: script("core.exportVariable('FOO', 'bar\\nbaz'); core.addPath('/opt/harness-bin');"),
      });
      assert.equal(first.failed, false);
      assert.equal(job.env['FOO'], 'bar\nbaz');
      await job.step({ entry: script(DUMP_ENV), env: { STEP_ONLY: '1' } });
      const env = readEnvDump(job);
      assert.equal(env['FOO'], 'bar\nbaz');
      assert.equal(env['STEP_ONLY'], '1');
      assert.ok(env['PATH']?.startsWith(`/opt/harness-bin${path.delimiter}`));
      await job.step({ entry: script(DUMP_ENV) });
      assert.equal(readEnvDump(job)['STEP_ONLY'], undefined, 'step env is not job env');
    });
  });
});

describe('workflow commands', () => {
  test('properties and data are unescaped; annotations keep title and properties', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script(`
core.error('first%line\\nsecond', { title: 'T: a, b', file: 'src/x.ts', startLine: 3 });
core.warning('careful');
core.notice('fyi');
console.log('  ::group::Grouped');
console.log('::endgroup::');
console.log('::unknown-command::stays in the log');
`),
      });
      assert.deepEqual(
        result.annotations.map((a) => [a.level, a.message]),
        [
          ['error', 'first%line\nsecond'],
          ['warning', 'careful'],
          ['notice', 'fyi'],
        ],
      );
      const [error] = result.annotations;
      assert.equal(error?.title, 'T: a, b');
      assert.equal(error?.properties['file'], 'src/x.ts');
      assert.equal(error?.properties['line'], '3');
      assert.ok(result.log.includes('##[error]first%line'));
      assert.ok(result.log.includes('second'));
      assert.ok(result.log.includes('##[group]Grouped'));
      assert.ok(result.log.includes('::unknown-command::stays in the log'));
      assert.ok(!result.log.some((line) => line.includes('::error')));
      assert.deepEqual(
        parseCommand('::warning file=a%3Ab%2Cc,line=1::d%25%0A', new Set(['warning'])),
        {
          command: 'warning',
          properties: { file: 'a:b,c', line: '1' },
          data: 'd%\n',
        },
      );
    });
  });

  test('debug lines show only with ACTIONS_STEP_DEBUG=true', async () => {
    const entry = script("core.debug('debug message'); core.info('info message');");
    await withJob(async (job) => {
      const result = await job.step({ entry });
      assert.ok(result.log.includes('info message'));
      assert.ok(!result.log.some((line) => line.includes('debug message')));
      const debugged = await job.step({ entry, env: { ACTIONS_STEP_DEBUG: 'true' } });
      assert.ok(debugged.log.includes('##[debug]debug message'));
      assert.equal(debugged.processEnv['RUNNER_DEBUG'], '1');
    });
  });

  test('::stop-commands:: disables command processing until its token', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script(`
console.log('::stop-commands::pause-token-1234');
console.log('::add-mask::not-registered-while-stopped');
console.log('::warning::not a warning');
console.log('::pause-token-1234::');
console.log('::warning::a real warning');
console.log('not-registered-while-stopped');
`),
      });
      assert.deepEqual(result.masks, []);
      assert.deepEqual(
        result.annotations.map((a) => a.message),
        ['a real warning'],
      );
      assert.ok(result.log.includes('::add-mask::not-registered-while-stopped'));
      assert.ok(result.log.includes('::warning::not a warning'));
      assert.ok(result.log.includes('::stop-commands::***'), 'tokens over 6 chars are masked');
      assert.ok(result.log.includes('not-registered-while-stopped'));
      // An add-mask line printed while stopped is a leak the check must see.
      assertLeakCaught(result, 'not-registered-while-stopped', /stdout line 2/);
    });
  });

  test('::set-env and ::add-path fail the step; ::set-output and ::save-state warn', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script(`
console.log('::set-env name=X::y');
console.log('::add-path::/tmp');
console.log('::set-output name=legacy::value');
console.log('::save-state name=st::value');
console.log('::add-mask::   ');
`),
      });
      assert.equal(result.exitCode, 0);
      assert.equal(result.failed, true);
      assert.equal(
        result.errors[0],
        "Unable to process command '::set-env name=X::y' successfully.",
      );
      assert.match(result.errors[1] ?? '', /^The `set-env` command is disabled\./);
      assert.equal(result.errors[2], "Unable to process command '::add-path::/tmp' successfully.");
      assert.match(result.errors[3] ?? '', /^The `add-path` command is disabled\./);
      assert.equal(job.env['X'], undefined);
      assert.equal(result.outputs['legacy'], 'value');
      assert.equal(result.state['st'], 'value');
      assert.match(result.warnings[0] ?? '', /^The `set-output` command is deprecated/);
      assert.match(result.warnings[1] ?? '', /^The `save-state` command is deprecated/);
      assert.equal(
        result.warnings[2],
        "Can't add secret mask for empty string in ##[add-mask] command.",
      );
    });
  });

  test('a non-zero exit code fails the step', async () => {
    await withJob(async (job) => {
      const result = await job.step({ entry: script("core.setFailed('boom');") });
      assert.equal(result.exitCode, 1);
      assert.equal(result.failed, true);
      assert.deepEqual(result.annotations, [{ level: 'error', message: 'boom', properties: {} }]);
    });
  });
});

describe('masking', () => {
  const secret = 'p@ss "word" \\ with spaces & more';

  test('a mask applies to later lines only, and to the runner encodings of the value', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script(`
const secret = ${JSON.stringify(secret)};
console.log('before: ' + secret);
core.setSecret(secret);
console.log('after: ' + secret);
console.log('b64: ' + Buffer.from(secret).toString('base64'));
console.log('b64 prefixed: ' + Buffer.from('user:' + secret).toString('base64'));
console.log('json: ' + JSON.stringify({ secret }));
console.log('uri: ' + encodeURIComponent(secret).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()));
console.log('xml: ' + secret.replaceAll('&', '&amp;').replaceAll('"', '&quot;'));
`),
      });
      assert.deepEqual(result.masks, [secret]);
      assert.ok(result.log.includes(`before: ${secret}`), 'printed before its mask: not masked');
      assert.ok(result.log.includes('after: ***'));
      assert.ok(result.log.includes('b64: ***'));
      const prefixed = result.log.find((line) => line.startsWith('b64 prefixed: '));
      assert.ok(prefixed?.endsWith('***'), 'the shifted base64 forms are masked');
      assert.ok(result.log.includes('json: {"secret":"***"}'));
      assert.ok(result.log.includes('uri: ***'));
      assert.ok(result.log.includes('xml: ***'));
      assert.ok(!result.log.some((line) => line.includes('add-mask')));
      assertLeakCaught(result, secret, /stdout line \d+, column 9/);
    });
  });

  test('each line of a multi-line value is masked, trimmed; masks outlive their step', async () => {
    const multi = '-----BEGIN KEY-----\n  line-two-value  \r\nshort\n\n';
    await withJob(async (job) => {
      const first = await job.step({
        entry: script(
          `core.setSecret(${JSON.stringify(multi)}); console.log('x line-two-value y'); console.log('[short]');`,
        ),
      });
      assert.ok(first.log.includes('x *** y'));
      assert.ok(first.log.includes('[***]'), 'no minimum length');
      const second = await job.step({
        entry: script("console.log('again: -----BEGIN KEY-----');"),
      });
      assert.ok(second.log.includes('again: ***'));
      // Masked in the log, but printed all the same: each line is caught, the short one too.
      assert.throws(
        () => assertNoLeak([first, second], [multi]),
        /line 2 of 5, trimmed.*\n.*line 3 of 5.*\n.*step result #2/,
      );
    });
  });

  test('job secrets are masked from the start', async () => {
    await withJob(
      async (job) => {
        const result = await job.step({
          entry: script("console.log('token ' + process.env.OP_SERVICE_ACCOUNT_TOKEN);"),
          env: { OP_SERVICE_ACCOUNT_TOKEN: 'ops_harness_token_value' },
        });
        assert.ok(result.log.includes('token ***'));
        assert.ok(result.log.includes('  OP_SERVICE_ACCOUNT_TOKEN: ***'));
        // Masked in the log, but still printed: a leak for the check.
        assertLeakCaught(result, 'ops_harness_token_value', /stdout line 1/);
      },
      { secrets: ['ops_harness_token_value'] },
    );
  });

  test('the masker matches the runner for encodings and merging', () => {
    const forms = maskedFormsOf('a"b\'c&d\n');
    assert.ok(forms.includes('a\\"b\'c&d\n'), 'command-line escape');
    assert.ok(forms.includes("a\"b''c&d\n"), 'expression escape');
    assert.ok(forms.includes('a\\"b\'c&d\\n'), 'JSON escape');
    assert.ok(forms.includes('a%22b%27c%26d%0A'), 'URI escape');
    assert.ok(forms.includes('a&quot;b&apos;c&amp;d\n'), 'XML escape');
    assert.ok(forms.includes(Buffer.from('a"b\'c&d\n').toString('base64')));
    assert.ok(forms.includes(Buffer.from('"b\'c&d\n').toString('base64')));
    assert.ok(forms.includes(Buffer.from("b'c&d\n").toString('base64')));
    const masker = new SecretMasker();
    masker.addValue('abc');
    masker.addValue('cde');
    assert.equal(masker.mask('xabcdex abcabc'), 'x***x ***');
  });
});

describe('assertNoLeak', () => {
  const secret = 'harness-secret-value-1234';

  test('catches a value printed before its mask, in stderr, in an annotation', async () => {
    await withJob(async (job) => {
      const before = await job.step({
        entry: script(`console.log('value ${secret}'); core.setSecret('${secret}');`),
      });
      assertLeakCaught(before, secret, /stdout line 1/);

      const stderr = await job.step({
        entry: script(`core.setSecret('${secret}'); console.error('oops ${secret}');`),
      });
      assert.ok(stderr.log.includes('oops ***'));
      assertLeakCaught(stderr, secret, /stderr line 1,/);

      const annotation = await job.step({
        entry: script(
          `core.setSecret('${secret}'); core.error('failed with ${secret}', { title: 'x' });`,
        ),
      });
      assert.ok(annotation.log.includes('##[error]failed with ***'), 'masked in the log');
      assertLeakCaught(annotation, secret, /annotation #1 \(error\) message/);

      const summary = await job.step({
        entry: script(`core.setSecret('${secret}'); core.summary.addRaw('${secret}').write();`),
      });
      assertLeakCaught(summary, secret, /step summary/);

      const debug = await job.step({
        entry: script(`core.setSecret('${secret}'); core.debug('dbg ${secret}');`),
      });
      assertLeakCaught(debug, secret, /::debug:: command/);

      // A line of a multi-line value, and across steps.
      assertLeakCaught(before, `first line\n  ${secret}  \n`, /line 2 of 3, trimmed/);
      assert.throws(
        () => assertNoLeak([annotation, before], [secret]),
        /step result #1.*\n.*step result #2/s,
      );
    });
  });

  test('passes for a clean step that registers, outputs and exports its values', async () => {
    await withJob(async (job) => {
      const values = ['clean-secret-one', 'multi\nline-secret-two\n'];
      const result = await job.step({
        entry: script(`
const values = ${JSON.stringify(values)};
values.forEach((v) => core.setSecret(v));
values.forEach((v, i) => { core.setOutput('S' + i, v); core.exportVariable('S' + i, v); core.saveState('S' + i, v); });
core.info('resolved 2 secrets');
core.summary.addRaw('| name | result |').write();
`),
      });
      assert.equal(result.failed, false);
      assert.equal(result.outputs['S0'], values[0]);
      assert.equal(result.exportedEnv['S1'], values[1]);
      assertNoLeak(result, values);
    });
  });
});

describe('post steps', () => {
  test('post steps run in reverse order, each with its own STATE_*', async () => {
    const post = script(`
const states = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('STATE_')));
core.setOutput('states', JSON.stringify(states));
core.setOutput('input', core.getInput('vault'));
core.setOutput('exported', process.env.FROM_B ?? '');
`);
    await withJob(async (job) => {
      await job.step({
        id: 'a',
        entry: script("core.saveState('which', 'a'); core.saveState('only_a', 'x\\ny');"),
        postEntry: post,
        inputs: { vault: 'vault-a' },
      });
      const b = await job.step({
        id: 'b',
        entry: script(
          "core.saveState('which', 'b'); core.exportVariable('FROM_B', '1'); process.exitCode = 1;",
        ),
        postEntry: post,
        inputs: { vault: 'vault-b' },
      });
      assert.equal(b.failed, true);
      await job.step({ entry: script(''), postEntry: null });
      const results = await job.post();
      assert.deepEqual(
        results.map((r) => [r.stage, r.id]),
        [
          ['post', 'b'],
          ['post', 'a'],
        ],
      );
      assert.deepEqual(JSON.parse(results[0]?.outputs['states'] ?? ''), { STATE_which: 'b' });
      assert.deepEqual(JSON.parse(results[1]?.outputs['states'] ?? ''), {
        STATE_which: 'a',
        STATE_only_a: 'x\ny',
      });
      assert.equal(results[0]?.outputs['input'], 'vault-b');
      assert.equal(results[1]?.outputs['exported'], '1', 'post steps see the job env at that time');
      assert.ok(results[0]?.log.includes('Post job cleanup.'));
      assert.deepEqual(await job.post(), [], 'each post step runs once');
    });
  });
});

describe('timeouts', () => {
  test('a hanging step is killed, with what it started', async () => {
    await withJob(async (job) => {
      const startedFile = path.join(scriptDir, `started-${scriptCount}`);
      const stop = new AbortController();
      try {
        const result = await job.step({
          entry: script(`
import { spawn } from 'node:child_process';
spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
console.log('started');
fs.writeFileSync(process.env.STARTED_FILE, '');
setInterval(() => {}, 1000);
`),
          env: { STARTED_FILE: startedFile },
          timeoutWhen: fileWritten(startedFile, stop.signal),
          postEntry: script("core.info('post ran');"),
        });
        assert.equal(result.timedOut, true);
        assert.equal(result.exitCode, null);
        assert.equal(result.failed, true);
        assert.ok(result.log.includes('started'));
        assert.match(result.errors.at(-1) ?? '', /has timed out/);
        const [post] = await job.post();
        assert.ok(post?.log.includes('post ran'), 'post-if: always()');
      } finally {
        stop.abort();
      }
    });
  });
});
