/**
 * The post step and the job: secret files are removed whatever happened to the main step, the
 * post step is idempotent, refuses to delete anything the action did not create, and never fails
 * the job; two uses of the action in one job keep their variables and files apart.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { CONNECT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { assertNoLeak, errorsOf, Job, type StepResult } from '../harness/index.ts';

const POSIX = process.platform !== 'win32';
/** The state key the main step saves for the post step (src/state.ts). */
const STATE_KEY = 'files-dir';
const POST_ENTRY = 'dist/post.js';

let server: FakeConnect;
const jobs: Job[] = [];
const outside: string[] = [];

before(async () => {
  server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => server.close());
afterEach(async () => {
  server.reset();
  for (const job of jobs.splice(0)) await job.cleanup();
  for (const path of outside.splice(0)) rmSync(path, { recursive: true, force: true });
});

function newJob(): Job {
  const job = new Job({
    env: { OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN },
    secrets: [CONNECT_TOKEN],
  });
  jobs.push(job);
  return job;
}

function secretDirs(job: Job): string[] {
  return readdirSync(job.runnerTemp).filter((name) => name.startsWith('op-secrets-'));
}

function warnings(result: StepResult) {
  return result.annotations.filter((annotation) => annotation.level === 'warning');
}

/** Runs the post entry point on its own with the given state, as the runner would. */
function runPost(job: Job, dir: string): Promise<StepResult> {
  return job.step({ entry: POST_ENTRY, postEntry: null, env: { [`STATE_${STATE_KEY}`]: dir } });
}

/** The post step's contract: exit 0, no error annotation, the job not failed by it. */
function assertPostOk(post: StepResult | undefined): StepResult {
  assert.ok(post, 'no post step ran');
  assert.equal(post.exitCode, 0, post.stdout);
  assert.equal(post.failed, false);
  assert.deepEqual(errorsOf(post), []);
  return post;
}

const FILE_SECRETS = [
  'KEY:',
  '  ref: op://Platform/tls/private key',
  '  file: true',
  'TOKEN: op://Engineering/deploy/token',
].join('\n');

describe('the post step removes the files', () => {
  it('a failed main step writes no file at all, and its post has nothing to remove', async () => {
    const job = newJob();
    const failed = await job.step({
      inputs: {
        secrets: `${FILE_SECRETS}\nMISSING:\n  ref: op://Engineering/nothing/x\n  file: true`,
        'export-env': 'true',
      },
    });
    assert.equal(failed.exitCode, 1);
    assert.deepEqual(secretDirs(job), [], 'a failed run wrote files');
    assert.deepEqual(failed.state, {}, 'a failed run recorded files to remove');
    assert.deepEqual(failed.outputs, {});
    const [post] = await job.post();
    assertPostOk(post);
    assert.match(post?.stdout ?? '', /nothing to remove/);
    assert.deepEqual(warnings(post as StepResult), []);
  });

  it('a provider failure writes no file either', async () => {
    const job = newJob();
    server.fault({ path: '/v1/vaults' }, [{ status: 401 }]);
    const failed = await job.step({ inputs: { secrets: FILE_SECRETS } });
    assert.equal(failed.exitCode, 1);
    assert.deepEqual(secretDirs(job), []);
    assert.deepEqual(failed.state, {});
    assertPostOk((await job.post())[0]);
  });

  it('after a main step that wrote files and then the job went on (or died): removed', async () => {
    const job = newJob();
    const ok = await job.step({ inputs: { secrets: FILE_SECRETS, 'export-env': 'true' } });
    assert.equal(ok.exitCode, 0, ok.stdout);
    const path = ok.outputs['KEY'] ?? '';
    const dir = dirname(path);
    assert.ok(existsSync(path));
    assert.equal(dirname(dir), job.runnerTemp);
    assert.equal(ok.state[STATE_KEY], dir);
    // A later step of the job adds a file of its own next to the secret (it must go too).
    writeFileSync(join(dir, 'left-by-a-later-step'), 'x');
    const [post] = await job.post();
    assertPostOk(post);
    assert.ok(!existsSync(dir), 'the post step left the secret directory');
    assert.deepEqual(secretDirs(job), []);
    assert.match(post?.stdout ?? '', /removed/);
    assertNoLeak([ok, post as StepResult], [VALUES.tlsPrivateKey, VALUES.deployToken]);
  });

  it('a main step killed while resolving: no file, no state, post exits 0', async () => {
    const job = newJob();
    server.fault({ path: '/v1/vaults' }, [{ hang: true }]);
    const killed = await job.step({
      inputs: { secrets: FILE_SECRETS, 'export-env': 'true' },
      // Long enough for the step to start and reach the hung request on a busy machine.
      timeoutMs: 15_000,
    });
    assert.equal(killed.timedOut, true, 'the step was not killed');
    assert.deepEqual(killed.outputs, {});
    assert.deepEqual(killed.state, {});
    assert.deepEqual(secretDirs(job), []);
    const [post] = await job.post();
    assertPostOk(post);
    assert.match(post?.stdout ?? '', /nothing to remove/);
  });

  it('a main step killed after it made its directory, mid-write: post removes it', async () => {
    // What the main step leaves when killed between saving the state and writing the files.
    const job = newJob();
    const dir = mkdtempSync(join(job.runnerTemp, 'op-secrets-'));
    writeFileSync(join(dir, 'KEY'), '-----BEGIN PRIVATE KEY-----\npartial', { mode: 0o600 });
    const post = assertPostOk(await runPost(job, dir));
    assert.ok(!existsSync(dir), 'the partly written directory was left');
    assert.match(post.stdout, /removed/);
  });

  it('files already gone (the runner cleaned up, or someone else did): exit 0, says so', async () => {
    const job = newJob();
    const ok = await job.step({ inputs: { secrets: FILE_SECRETS } });
    const dir = dirname(ok.outputs['KEY'] ?? '');
    rmSync(dir, { recursive: true, force: true });
    const [post] = await job.post();
    assertPostOk(post);
    assert.match(post?.stdout ?? '', /already removed/);
  });

  it('is idempotent: a second run with the same state exits 0 and says already removed', async () => {
    const job = newJob();
    const ok = await job.step({ inputs: { secrets: FILE_SECRETS } });
    const dir = ok.state[STATE_KEY] ?? '';
    assert.ok(existsSync(dir));
    const [first] = await job.post();
    assertPostOk(first);
    assert.ok(!existsSync(dir));
    const second = assertPostOk(await runPost(job, dir));
    assert.match(second.stdout, /already removed/);
    const third = assertPostOk(await runPost(job, dir));
    assert.match(third.stdout, /already removed/);
  });
});

describe('the post step refuses to delete what the action did not create, and never fails', () => {
  /** A directory with a file in it, registered for removal after the test. */
  function makeDir(path: string): string {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'precious.txt'), 'not a secret of this action');
    return path;
  }

  function assertRefused(post: StepResult, dir: string): void {
    assertPostOk(post);
    assert.ok(existsSync(join(dir, 'precious.txt')), `the post step deleted ${dir}`);
    assert.ok(
      warnings(post).some((warning) => /not removing/.test(warning.message)),
      'the refusal was not reported as a warning',
    );
  }

  it('outside RUNNER_TEMP (a directory elsewhere with the prefix)', async () => {
    const job = newJob();
    const root = mkdtempSync(join(tmpdir(), 'cleanup-outside-'));
    outside.push(root);
    const dir = makeDir(join(root, 'op-secrets-evil'));
    assertRefused(await runPost(job, dir), dir);
  });

  it('outside RUNNER_TEMP (directly in the system temp directory, with the prefix)', async () => {
    // RUNNER_TEMP is set, so the action never writes to the system temp directory: a state
    // pointing there is tampered with (on a self-hosted runner it may be another job's files).
    const job = newJob();
    const dir = makeDir(mkdtempSync(join(tmpdir(), 'op-secrets-')));
    outside.push(dir);
    assert.notEqual(dirname(dir), job.runnerTemp);
    assertRefused(await runPost(job, dir), dir);
  });

  it('inside RUNNER_TEMP without the prefix', async () => {
    const job = newJob();
    const dir = makeDir(join(job.runnerTemp, 'somebody-elses-dir'));
    assertRefused(await runPost(job, dir), dir);
  });

  it('RUNNER_TEMP itself, its parent, and climbing out with ..', async () => {
    const job = newJob();
    makeDir(join(job.runnerTemp, 'marker'));
    const parentDir = makeDir(join(dirname(job.runnerTemp), 'op-secrets-above'));
    for (const dir of [
      job.runnerTemp,
      dirname(job.runnerTemp),
      parentDir,
      `${job.runnerTemp}/../op-secrets-above`,
      `${job.runnerTemp}/op-secrets-x/../../op-secrets-above`,
    ]) {
      const post = await runPost(job, dir);
      assertPostOk(post);
      assert.ok(existsSync(join(job.runnerTemp, 'marker', 'precious.txt')), dir);
      assert.ok(existsSync(join(parentDir, 'precious.txt')), dir);
    }
  });

  it('a relative path, and an empty path', async () => {
    const job = newJob();
    const dir = makeDir(join(job.workspace, 'op-secrets-relative'));
    assertPostOk(await runPost(job, 'op-secrets-relative'));
    assert.ok(existsSync(join(dir, 'precious.txt')), 'a relative state was resolved and deleted');
    const empty = assertPostOk(await runPost(job, ''));
    assert.match(empty.stdout, /nothing to remove/);
  });

  it(
    'a symlink with the prefix in RUNNER_TEMP pointing elsewhere: the target survives',
    {
      skip: !POSIX,
    },
    async () => {
      const job = newJob();
      const root = mkdtempSync(join(tmpdir(), 'cleanup-target-'));
      outside.push(root);
      const target = makeDir(join(root, 'target'));
      const link = join(job.runnerTemp, 'op-secrets-link');
      symlinkSync(target, link);
      assertPostOk(await runPost(job, link));
      assert.ok(existsSync(join(target, 'precious.txt')), 'the post step followed the symlink');
    },
  );

  it(
    'a directory it cannot remove: warns, exits 0',
    { skip: !POSIX || process.getuid?.() === 0 },
    async () => {
      const job = newJob();
      const ok = await job.step({ inputs: { secrets: FILE_SECRETS } });
      const dir = ok.state[STATE_KEY] ?? '';
      const { chmodSync } = await import('node:fs');
      // The parent read-only: the directory cannot be unlinked.
      chmodSync(job.runnerTemp, 0o500);
      try {
        const [post] = await job.post();
        assertPostOk(post);
        assert.ok(warnings(post as StepResult).length > 0, 'no warning about the failure');
      } finally {
        chmodSync(job.runnerTemp, 0o700);
      }
      assert.ok(basename(dir).startsWith('op-secrets-'));
    },
  );
});

describe('two uses of the action in one job', () => {
  const first =
    'A: op://Engineering/deploy/token\nF1:\n  ref: op://Platform/tls/private key\n  file: true';
  const second =
    'B: op://Platform/api/key\nF2:\n  ref: op://Engineering/deploy/notesPlain\n  file: true';

  it('without unset-previous: both sets kept, each post removes its own directory', async () => {
    const job = newJob();
    const one = await job.step({ id: 'one', inputs: { secrets: first, 'export-env': 'true' } });
    assert.equal(one.exitCode, 0, one.stdout);
    const two = await job.step({ id: 'two', inputs: { secrets: second, 'export-env': 'true' } });
    assert.equal(two.exitCode, 0, two.stdout);

    assert.equal(job.env['A'], VALUES.deployToken);
    assert.equal(job.env['B'], VALUES.apiKeyUnsectioned);
    const f1 = job.env['F1'] ?? '';
    const f2 = job.env['F2'] ?? '';
    assert.equal(f1, one.outputs['F1']);
    assert.equal(f2, two.outputs['F2']);
    assert.deepEqual(job.env['OP_MANAGED_VARIABLES']?.split(',').sort(), ['A', 'B', 'F1', 'F2']);
    assert.deepEqual(two.outputs['managed-variables']?.split(',').sort(), ['B', 'F2']);
    const dir1 = dirname(f1);
    const dir2 = dirname(f2);
    assert.notEqual(dir1, dir2, 'the two runs share a directory');
    assert.ok(existsSync(f1) && existsSync(f2), 'a file is gone before the post steps');
    assert.equal(one.state[STATE_KEY], dir1);
    assert.equal(two.state[STATE_KEY], dir2);

    const posts = await job.post();
    assert.deepEqual(
      posts.map((post) => post.id),
      ['two', 'one'],
      'post steps run in reverse order',
    );
    for (const post of posts) assertPostOk(post);
    const [postTwo, postOne] = posts as [StepResult, StepResult];
    assert.ok(postTwo.stdout.includes(dir2) && !postTwo.stdout.includes(dir1));
    assert.ok(postOne.stdout.includes(dir1) && !postOne.stdout.includes(dir2));
    assert.ok(!existsSync(dir1) && !existsSync(dir2));
    assert.deepEqual(secretDirs(job), []);
    assertNoLeak(
      [one, two, ...posts],
      [VALUES.deployToken, VALUES.tlsPrivateKey, VALUES.apiKeyUnsectioned, VALUES.deployNotes],
    );
  });

  it('with unset-previous: the first set emptied, the second kept, files removed by each post', async () => {
    const job = newJob();
    const one = await job.step({ id: 'one', inputs: { secrets: first, 'export-env': 'true' } });
    assert.equal(one.exitCode, 0, one.stdout);
    const f1 = one.outputs['F1'] ?? '';
    const two = await job.step({
      id: 'two',
      inputs: { secrets: second, 'export-env': 'true', 'unset-previous': 'true' },
    });
    assert.equal(two.exitCode, 0, two.stdout);
    assert.equal(job.env['A'], '');
    assert.equal(job.env['F1'], '');
    assert.equal(job.env['B'], VALUES.apiKeyUnsectioned);
    assert.equal(job.env['F2'], two.outputs['F2']);
    assert.deepEqual(job.env['OP_MANAGED_VARIABLES']?.split(',').sort(), ['B', 'F2']);
    // Unsetting the variable does not remove the first run's file: its own post step does.
    assert.ok(existsSync(f1));
    const posts = await job.post();
    for (const post of posts) assertPostOk(post);
    assert.ok(!existsSync(f1) && !existsSync(two.outputs['F2'] ?? ''));
    assert.deepEqual(secretDirs(job), []);
  });
});
