/**
 * The runner harness (test/harness) is the double of the GitHub runner. These tests hold it to
 * RUNNER-NOTES.md (what actions/runner and @actions/core 3.x do): inputs and env at the start,
 * file commands and their heredocs, workflow commands and their escapes, stop-commands, the
 * disabled ::set-env, masking and its encodings, exit codes, post steps in reverse with their
 * STATE_*. Each describe names its section. Besides: assertNoLeak, which every e2e leak check
 * leans on (a broken one would let them pass vacuously), and the timeout, which nothing else
 * shows. The harness's conveniences are left to the e2e tests, which fail loudly without them.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { assertNoLeak, Job, type StepResult } from '../harness/index.ts';

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

describe('starting the step (RUNNER-NOTES: Starting the step)', () => {
  test("inputs arrive as INPUT_<NAME> with action.yml's defaults, untrimmed; the step env over the job env is the process env", async () => {
    process.env['INPUT_PARENT'] = 'must-not-reach-the-child';
    try {
      await withJob(
        async (job) => {
          const result = await job.step({
            entry: script(DUMP_ENV),
            inputs: { 'connect-host': 'https://connect.example', vault: '  Engineering  ' },
            env: { STEP_VAR: 'step', SHARED: 'from-step' },
          });
          assert.equal(result.failed, false);
          const env = readEnvDump(job);
          // Defaults filled in; an input without default and not set is absent.
          assert.equal(env['INPUT_AUTH-MODE'], 'auto');
          assert.equal(env['INPUT_REFRESH-AFTER-SECONDS'], '3600');
          assert.equal(env['INPUT_SECRETS'], '');
          assert.ok(!('INPUT_CONNECT-TOKEN' in env));
          assert.equal(env['INPUT_CONNECT-HOST'], 'https://connect.example');
          assert.equal(
            env['INPUT_VAULT'],
            '  Engineering  ',
            'core.getInput trims, not the runner',
          );
          // The step's env over the job's, and nothing from the process that runs the tests.
          assert.equal(env['JOB_VAR'], 'job');
          assert.equal(env['STEP_VAR'], 'step');
          assert.equal(env['SHARED'], 'from-step');
          assert.ok(!('INPUT_PARENT' in env) && !('NODE_TEST_CONTEXT' in env));
          // The working directory is the workspace; RUNNER_TEMP is the job's own.
          assert.equal(env['CWD'], job.workspace);
          assert.equal(env['GITHUB_WORKSPACE'], job.workspace);
          assert.equal(env['RUNNER_TEMP'], job.runnerTemp);
        },
        { env: { JOB_VAR: 'job', SHARED: 'from-job' } },
      );
    } finally {
      delete process.env['INPUT_PARENT'];
    }
  });

  test('an undeclared input gives the "Unexpected input(s)" warning and the step still runs', async () => {
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
});

describe('file commands (RUNNER-NOTES: File commands)', () => {
  test('name<<delimiter heredocs keep a trailing newline; name=value lines work too', async () => {
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

  test('a malformed file fails the step: a name with "=" in GITHUB_ENV, a heredoc without its delimiter', async () => {
    await withJob(async (job) => {
      const env = await job.step({
        entry: script(`
fs.appendFileSync(process.env.GITHUB_ENV, 'GOOD=1\\n');
fs.appendFileSync(process.env.GITHUB_ENV, 'BAD=x<<EOF\\nvalue\\nEOF\\n');
`),
      });
      assert.equal(env.exitCode, 0);
      assert.equal(env.failed, true);
      assert.deepEqual(env.errors, [
        "Unable to process file command 'env' successfully.",
        "Invalid format 'value'",
      ]);
      // The entries before the bad one are applied.
      assert.deepEqual(env.exportedEnv, { GOOD: '1', BAD: 'x<<EOF' });
      const output = await job.step({
        entry: script("fs.appendFileSync(process.env.GITHUB_OUTPUT, 'x<<EOF\\nvalue\\n');"),
      });
      assert.equal(output.failed, true);
      assert.deepEqual(output.errors, [
        "Unable to process file command 'output' successfully.",
        "Invalid value. Matching delimiter not found 'EOF'",
      ]);
    });
  });

  test('GITHUB_ENV and GITHUB_PATH carry over to the next steps; a step env does not', async () => {
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

describe('workflow commands (RUNNER-NOTES: Workflow commands on stdout)', () => {
  test('data and property escapes are undone; ::error and ::warning become annotations', async () => {
    await withJob(async (job) => {
      const result = await job.step({
        entry: script(`
core.error('first%line\\nsecond', { title: 'T: a, b', file: 'src/x.ts', startLine: 3 });
core.warning('careful');
`),
      });
      assert.deepEqual(
        result.annotations.map((a) => [a.level, a.message]),
        [
          ['error', 'first%line\nsecond'],
          ['warning', 'careful'],
        ],
      );
      const [error] = result.annotations;
      assert.equal(error?.title, 'T: a, b');
      assert.equal(error?.properties['file'], 'src/x.ts');
      assert.equal(error?.properties['line'], '3');
      assert.ok(result.log.includes('##[error]first%line'));
      assert.ok(!result.log.some((line) => line.includes('::error')));
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

  test('core.setFailed: ::error and exit code 1 fail the step (RUNNER-NOTES: Exit)', async () => {
    await withJob(async (job) => {
      const result = await job.step({ entry: script("core.setFailed('boom');") });
      assert.equal(result.exitCode, 1);
      assert.equal(result.failed, true);
      assert.deepEqual(result.annotations, [{ level: 'error', message: 'boom', properties: {} }]);
    });
  });
});

describe('masking (RUNNER-NOTES: Masking)', () => {
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
});

describe('assertNoLeak: sees what was printed, masked or not', () => {
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
});

describe('post steps (RUNNER-NOTES: File commands, post step)', () => {
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

describe('timeouts: nothing else shows a hung step is killed', () => {
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
