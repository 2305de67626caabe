/**
 * Templates and dry runs through the built action, as the runner runs it: the rendered file a
 * later step reads, its mode and masks, the post step that removes it; a failing or malformed
 * template; a dry run that writes nothing but the two timestamps. The in-process cases are in
 * test/integration/pipeline-templates.test.ts; these confirm what a real process shows.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { fakeOpEnv, fakeOpPath } from '../fakes/op/index.ts';
import { CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { assertNoLeak, errorsOf, Job, type StepResult } from '../harness/index.ts';

const POSIX = process.platform !== 'win32';
const TRACE = pathToFileURL(join(import.meta.dirname, '..', 'support', 'writes-traced.ts')).href;
/** What the runner itself keeps under RUNNER_TEMP (file commands, the event payload). */
const RUNNER_DIRS = new Set(['_runner_file_commands', '_github_workflow']);

const NPMRC_TEMPLATE = [
  'registry=https://registry.npmjs.org/',
  '//registry.npmjs.org/:_authToken={{ op://Engineering/deploy/token }}',
  'always-auth=true',
  '',
].join('\n');
const NPMRC = NPMRC_TEMPLATE.replace('{{ op://Engineering/deploy/token }}', VALUES.deployToken);
/** Line 2 refers to an item that does not exist. */
const MISSING_TEMPLATE = 'registry=x\n_auth={{ op://Engineering/nope/token }}\n';

let connect: FakeConnect;
before(async () => {
  connect = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => connect.close());

const jobs: Job[] = [];
afterEach(async () => {
  connect.reset();
  for (const job of jobs.splice(0)) await job.cleanup();
});

interface Mode {
  inputs: Record<string, string>;
  env: Record<string, string>;
  /** Credentials of the mode: job secrets, and never in the output. */
  secrets: string[];
}

const MODES: Record<string, () => Mode> = {
  connect: () => ({
    inputs: { 'auth-mode': 'connect' },
    env: { OP_CONNECT_HOST: connect.url, OP_CONNECT_TOKEN: CONNECT_TOKEN },
    secrets: [CONNECT_TOKEN],
  }),
  'service account via op': () => ({
    inputs: { 'auth-mode': 'service-account', 'service-account-resolver': 'cli' },
    env: { PATH: fakeOpPath(), ...fakeOpEnv(), OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN },
    secrets: [SERVICE_ACCOUNT_TOKEN],
  }),
};

/** A job whose workspace holds the templates, set up for `mode`. */
function newJob(files: Record<string, string>, mode = 'connect'): { job: Job; settings: Mode } {
  const settings = MODES[mode]?.();
  assert.ok(settings, mode);
  const job = new Job({ secrets: settings.secrets });
  jobs.push(job);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(job.workspace, name), content);
  }
  return { job, settings };
}

/** Runs the action's main step with its writes traced on stdout (test/support/writes-traced.ts). */
function mainStep(job: Job, settings: Mode, inputs: Record<string, string>): Promise<StepResult> {
  return job.step({
    id: 'op',
    inputs: { ...settings.inputs, ...inputs },
    env: { ...settings.env, NODE_OPTIONS: `--import ${TRACE}`, WRITES_TRACED: '1' },
  });
}

/** What the step wrote, in stdout's order: GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE, RUNNER_TEMP. */
function writes(result: StepResult): string[] {
  return result.lines
    .filter((line) => line.stream === 'stdout' && line.text.startsWith('[write] '))
    .map((line) => line.text.slice('[write] '.length).split(' ')[0] ?? '');
}

/**
 * A write that holds no value: the step's directory made and saved as state, and op's template
 * (references only) in it. op needs them before any value exists, so they may come first.
 */
const NO_VALUE =
  /^\[write\] (GITHUB_STATE|RUNNER_TEMP op-secrets-(\w{6}[/\\]op-inject-[\w-]+\.tpl)?)$/;

/** The raw content of a file command the step was given (`GITHUB_OUTPUT`, ...). */
function fileCommand(result: StepResult, name: string): string {
  const file = result.processEnv[name];
  assert.ok(file, `no ${name}`);
  return readFileSync(file, 'utf8');
}

/** What is under RUNNER_TEMP besides the runner's own directories. */
function leftInTemp(job: Job): string[] {
  return readdirSync(job.runnerTemp).filter((name) => !RUNNER_DIRS.has(name));
}

/** `::add-mask::` for `value` came on stdout before anything was written. */
function assertMaskedBeforeWrites(result: StepResult, value: string): void {
  const stdout = result.lines.filter((line) => line.stream === 'stdout');
  const mask = stdout.findIndex((line) => line.command === 'add-mask' && line.text.endsWith(value));
  const firstWrite = stdout.findIndex(
    (line) => line.text.startsWith('[write] ') && !NO_VALUE.test(line.text),
  );
  assert.ok(mask >= 0, 'the value was not registered as a mask on stdout');
  assert.ok(firstWrite >= 0, 'the write trace saw no write');
  assert.ok(mask < firstWrite, 'something was written before the value was masked');
}

/** A later step of the job: prints the file named by NPMRC (from GITHUB_ENV) and checks the output's path. */
function laterStep(job: Job, outputPath: string): Promise<StepResult> {
  const script = join(job.workspace, 'later-step.mjs');
  writeFileSync(
    script,
    [
      "import { readFileSync } from 'node:fs';",
      "const fromEnv = process.env.NPMRC ?? '';",
      'console.log(`same path: ${fromEnv === process.env.NPMRC_OUTPUT}`);',
      'process.stdout.write(readFileSync(fromEnv));',
      '',
    ].join('\n'),
  );
  // `env: NPMRC_OUTPUT: ${{ steps.op.outputs.NPMRC }}`; NPMRC itself comes from the job env.
  return job.step({ entry: script, postEntry: null, env: { NPMRC_OUTPUT: outputPath } });
}

for (const mode of Object.keys(MODES)) {
  describe(`templates: ${mode}`, () => {
    it('renders an .npmrc that a later step reads; 0600, the placed value masked, removed by the post step', async () => {
      const { job, settings } = newJob({ 'npmrc.tpl': NPMRC_TEMPLATE }, mode);
      const result = await mainStep(job, settings, {
        templates: 'NPMRC: npmrc.tpl',
        'export-env': 'true',
      });
      assert.equal(result.exitCode, 0, result.stdout);

      const path = result.outputs['NPMRC'] ?? '';
      assert.equal(result.exportedEnv['NPMRC'], path, 'the env var is the same path');
      assert.equal(dirname(dirname(path)), job.runnerTemp, path);
      assert.match(basename(dirname(path)), /^op-secrets-/);
      assert.equal(readFileSync(path, 'utf8'), NPMRC);
      if (POSIX) {
        assert.equal(statSync(path).mode & 0o777, 0o600);
        assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
      }
      assert.equal(result.outputs['managed-variables'], 'NPMRC');

      assert.ok(result.masks.includes(VALUES.deployToken), 'the placed value is masked');
      assert.deepEqual(
        result.masks.filter((mask) => /registry|always-auth|_authToken/.test(mask)),
        [],
        'the text around the placeholder was added as a mask',
      );
      assertMaskedBeforeWrites(result, VALUES.deployToken);
      assert.ok(writes(result).includes('GITHUB_OUTPUT'));
      assert.ok(writes(result).includes('GITHUB_ENV'));
      assert.ok(writes(result).includes('RUNNER_TEMP'));
      assertNoLeak(result, [VALUES.deployToken, NPMRC, ...settings.secrets]);

      const later = await laterStep(job, path);
      assert.equal(later.exitCode, 0, later.stderr);
      assert.equal(later.stdout, `same path: true\n${NPMRC}`);
      assert.ok(
        later.log.includes('//registry.npmjs.org/:_authToken=***'),
        'the runner does not mask the value in the later step’s log',
      );
      assert.ok(later.log.includes('always-auth=true'), 'the rest of the template is masked');

      const [post] = await job.post();
      assert.equal(post?.exitCode, 0, post?.stdout);
      assert.ok(!existsSync(path), 'the post step left the rendered file');
      assert.deepEqual(leftInTemp(job), []);
    });
  });
}

describe('templates: failures', () => {
  it('a reference that fails is annotated with the template and line; nothing is written', async () => {
    const { job, settings } = newJob({ 'npmrc.tpl': MISSING_TEMPLATE });
    const result = await mainStep(job, settings, {
      templates: 'NPMRC: npmrc.tpl',
      secrets: 'TOKEN: op://Engineering/deploy/token',
      'export-env': 'true',
    });
    assert.equal(result.exitCode, 1);
    assert.deepEqual(
      errorsOf(result).map((error) => error.title),
      ['SECRETS_REF_NOT_FOUND'],
    );
    assert.ok(
      result.stdout
        .split('\n')
        .some((line) =>
          line.startsWith('::error title=SECRETS_REF_NOT_FOUND::NPMRC (npmrc.tpl:2): '),
        ),
      result.stdout,
    );
    assert.match(errorsOf(result)[0]?.message ?? '', /"nope"/);
    assert.equal(fileCommand(result, 'GITHUB_OUTPUT'), '');
    assert.equal(fileCommand(result, 'GITHUB_ENV'), '');
    assert.equal(fileCommand(result, 'GITHUB_STATE'), '');
    assert.deepEqual(writes(result), []);
    assert.deepEqual(leftInTemp(job), []);
    assertNoLeak(result, [VALUES.deployToken, CONNECT_TOKEN]);
  });

  it('an unclosed placeholder is SECRETS_CONFIG_INVALID naming path:line, before any request', async () => {
    const { job, settings } = newJob({ 'bad.tpl': 'ok\nx={{ op://Engineering/deploy/token\n' });
    const result = await mainStep(job, settings, { templates: 'BAD: bad.tpl' });
    assert.equal(result.exitCode, 1);
    assert.deepEqual(
      errorsOf(result).map((error) => error.title),
      ['SECRETS_CONFIG_INVALID'],
    );
    assert.match(errorsOf(result)[0]?.message ?? '', /bad\.tpl:2/);
    assert.equal(connect.requests.length, 0, 'a request reached the Connect server');
    assert.deepEqual(result.outputs, {});
    assert.deepEqual(leftInTemp(job), []);
  });
});

describe('input files that lead out of reach', () => {
  const LINUX = process.platform === 'linux';

  /** Refused before any request: one SECRETS_CONFIG_INVALID, nothing written, no token shown. */
  function assertRefused(job: Job, result: StepResult, says: RegExp): void {
    assert.equal(result.exitCode, 1, result.stdout);
    const errors = errorsOf(result);
    assert.deepEqual(
      errors.map((error) => error.title),
      ['SECRETS_CONFIG_INVALID'],
    );
    assert.match(errors[0]?.message ?? '', says);
    assert.equal(connect.requests.length, 0, 'a request reached the Connect server');
    assert.deepEqual(result.outputs, {});
    assert.equal(fileCommand(result, 'GITHUB_OUTPUT'), '');
    assert.equal(fileCommand(result, 'GITHUB_ENV'), '');
    assert.equal(fileCommand(result, 'GITHUB_STATE'), '');
    assert.deepEqual(writes(result), []);
    assert.deepEqual(leftInTemp(job), []);
    // Anywhere but its own ::add-mask:: line: stdout, stderr, annotations, the summary.
    assertNoLeak(result, [CONNECT_TOKEN]);
  }

  it(
    'a template symlinked to /proc/self/environ is refused, naming the template',
    { skip: !LINUX },
    async () => {
      const { job, settings } = newJob({});
      symlinkSync('/proc/self/environ', join(job.workspace, 'app.tpl'));
      const result = await mainStep(job, settings, {
        templates: 'APP: app.tpl',
        'export-env': 'true',
      });
      assertRefused(
        job,
        result,
        /^APP \(app\.tpl\): templates APP "app\.tpl" leads to \/proc\/\d+\/environ: nothing is read from \/proc/,
      );
    },
  );

  it('OP_ENV_FILE symlinked to /proc/self/environ is refused', { skip: !LINUX }, async () => {
    const { job, settings } = newJob({});
    symlinkSync('/proc/self/environ', join(job.workspace, 'app.env'));
    const result = await job.step({
      id: 'op',
      inputs: settings.inputs,
      env: {
        ...settings.env,
        OP_ENV_FILE: 'app.env',
        NODE_OPTIONS: `--import ${TRACE}`,
        WRITES_TRACED: '1',
      },
    });
    assertRefused(
      job,
      result,
      /^OP_ENV_FILE "app\.env" leads to \/proc\/\d+\/environ: nothing is read/,
    );
  });

  it('a connect-ca path symlinked to /proc/self/environ is refused', { skip: !LINUX }, async () => {
    const { job, settings } = newJob({});
    symlinkSync('/proc/self/environ', join(job.workspace, 'ca.pem'));
    const result = await mainStep(job, settings, {
      secrets: 'TOKEN: op://Engineering/deploy/token',
      'connect-ca': 'ca.pem',
    });
    assertRefused(
      job,
      result,
      /^connect-ca "ca\.pem" leads to \/proc\/\d+\/environ: nothing is read/,
    );
  });

  it('a relative template path ../../x that leaves the workspace is refused', async () => {
    const { job, settings } = newJob({});
    writeFileSync(join(job.workspace, '..', '..', 'x.tpl'), NPMRC_TEMPLATE);
    const result = await mainStep(job, settings, { templates: 'APP: ../../x.tpl' });
    assertRefused(
      job,
      result,
      /^APP \(\.\.\/\.\.\/x\.tpl\): templates APP "\.\.\/\.\.\/x\.tpl" leads to .*, outside the workspace/,
    );
  });
});

describe('dry run', () => {
  const SECRETS = [
    'TOKEN: op://Engineering/deploy/token',
    'KEY:',
    '  ref: op://Platform/tls/private key',
    '  file: true',
  ].join('\n');

  it('resolves and masks everything, exports only resolved-at and refresh-at, and leaves nothing to remove', async () => {
    const { job, settings } = newJob({ 'npmrc.tpl': NPMRC_TEMPLATE });
    const result = await mainStep(job, settings, {
      secrets: SECRETS,
      templates: 'NPMRC: npmrc.tpl',
      'export-env': 'true',
      'dry-run': 'true',
    });
    assert.equal(result.exitCode, 0, result.stdout);
    assert.deepEqual(errorsOf(result), []);
    assert.deepEqual(Object.keys(result.outputs).sort(), ['refresh-at', 'resolved-at']);
    const resolvedAt = Date.parse(result.outputs['resolved-at'] ?? '');
    assert.equal(Date.parse(result.outputs['refresh-at'] ?? '') - resolvedAt, 3600 * 1000);
    assert.equal(fileCommand(result, 'GITHUB_ENV'), '');
    assert.equal(fileCommand(result, 'GITHUB_STATE'), '');
    assert.deepEqual([...new Set(writes(result))], ['GITHUB_OUTPUT']);
    assert.deepEqual(leftInTemp(job), []);

    for (const value of [VALUES.deployToken, VALUES.tlsPrivateKey]) {
      assert.ok(result.masks.includes(value), 'a value was not masked');
    }
    assertMaskedBeforeWrites(result, VALUES.deployToken);
    assert.match(result.summary, /dry run/);
    assert.match(result.summary, /nothing \(dry run: output, env, file\)/);
    assertNoLeak(result, [VALUES.deployToken, VALUES.tlsPrivateKey, NPMRC, CONNECT_TOKEN]);

    const [post] = await job.post();
    assert.equal(post?.exitCode, 0, post?.stdout);
    assert.match(post?.stdout ?? '', /nothing to remove/);
  });

  it('a failing dry run gives the same annotation as without dry-run', async () => {
    const annotationsOf = async (dryRun: boolean) => {
      const { job, settings } = newJob({ 'npmrc.tpl': MISSING_TEMPLATE });
      const result = await mainStep(job, settings, {
        templates: 'NPMRC: npmrc.tpl',
        ...(dryRun ? { 'dry-run': 'true' } : {}),
      });
      assert.equal(result.exitCode, 1);
      assert.deepEqual(result.outputs, {});
      assert.deepEqual(leftInTemp(job), []);
      return errorsOf(result).map(({ title, message }) => ({ title, message }));
    };
    const dry = await annotationsOf(true);
    assert.equal(dry.length, 1);
    assert.equal(dry[0]?.title, 'SECRETS_REF_NOT_FOUND');
    assert.match(dry[0]?.message ?? '', /^NPMRC \(npmrc\.tpl:2\): /);
    assert.deepEqual(dry, await annotationsOf(false));
  });
});
